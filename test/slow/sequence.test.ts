// Sequence-model learning checks that take minutes (npm run test:slow): the LSTM adding problem,
// and the full forecasting, character-LM and bracket-classification examples at their stated results.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../../src/index.js";
import { nn, optim } from "../../src/index.js";
import { forecast } from "../../examples/forecast.js";
import { trainCharLM } from "../../examples/charlm.js";
import { trainBrackets } from "../../examples/classify.js";

test("LSTM adding problem, 30 steps: MSE < 0.01 within 1,200 steps (predicting the mean: ≈ 0.167)", { timeout: 20 * 60_000 }, () => {
  // Channel 0: values in [0, 1); channel 1 marks one position in each half. Target: the sum of the
  // two marked values, known only at the end — the first must be remembered for up to 29 steps.
  ds.seed(0);
  const T = 30, B = 64;
  const batch = () => {
    const vals = ds.rand([B, T]);
    const first = ds.randint(0, T / 2, [B, 1]), second = ds.randint(T / 2, T, [B, 1]);
    const pos = ds.arange(T).reshape([1, T]);
    const mark = pos.eq(first).logicalOr(pos.eq(second)).float();
    return { x: ds.stack([vals, mark], 2), y: vals.mul(mark).sum(1, true) };
  };
  const lstm = new nn.LSTM(2, 32, { batchFirst: true });
  const head = new nn.Linear(32, 1);
  const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.01 });
  const predict = (x: ds.Tensor) => head.call(lstm.call(x)[1][0].index(0));
  for (let step = 1; step <= 1200; step++) {
    ds.scope(() => {
      const { x, y } = batch();
      const loss = nn.F.mse(predict(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      if (step % 200 === 0) console.log(`adding problem step ${step}: loss ${loss.item().toFixed(4)}`);
    });
  }
  const { x, y } = batch();
  const mse = ds.noGrad(() => nn.F.mse(predict(x), y).item());
  console.log(`adding problem: test MSE ${mse.toFixed(5)}`);
  assert.ok(mse < 0.01, `adding problem MSE ${mse}`);
});

test("forecast example (150 epochs): LSTM RMSE under half the naive forecast's on 1959–1960", { timeout: 10 * 60_000 }, async () => {
  const r = await forecast();
  console.log(`forecast RMSE: LSTM ${r.rmse.model.toFixed(1)}, naive ${r.rmse.naive.toFixed(1)}, seasonal naive ${r.rmse.seasonal.toFixed(1)}`);
  assert.ok(r.rmse.model < 0.5 * r.rmse.naive, `LSTM ${r.rmse.model} vs naive ${r.rmse.naive}`);
  assert.ok(r.rmse.model < r.rmse.seasonal, `LSTM ${r.rmse.model} vs seasonal naive ${r.rmse.seasonal}`);
});

test("character LM example (15 epochs): held-out cross-entropy under 3.2 bits/char (character frequencies: ≈ 4.6)", { timeout: 20 * 60_000 }, async () => {
  const r = await trainCharLM();
  console.log(`char LM: train ${r.trainBits.toFixed(3)}, held-out ${r.valBits.toFixed(3)}, unigram ${r.unigramBits.toFixed(3)} bits/char`);
  assert.ok(r.valBits < 3.2, `held-out ${r.valBits} bits/char`);
});

test("bracket classification example (30 epochs): ≥ 95% test accuracy", { timeout: 20 * 60_000 }, () => {
  const r = trainBrackets();
  console.log(`brackets: test accuracy ${(100 * r.accuracy).toFixed(1)}%`);
  assert.ok(r.accuracy >= 0.95, `accuracy ${r.accuracy}`);
});
