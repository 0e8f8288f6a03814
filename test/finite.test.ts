// The guard fit gives its loss, for hand-written loops: ds.checkFinite and optimizers'
// { checkFinite: true }, which refuses a step with NaN/Inf gradients and changes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";

const { nn, optim } = ds;

forEachBackend("ds.checkFinite", () => {
  test("returns a finite tensor (to chain); names a NaN or infinity and where the first one is", () => {
    const x = ds.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.equal(ds.checkFinite(x), x);
    assert.equal(ds.checkFinite(ds.tensor(0.5, { dtype: "float64" }), "loss").item(), 0.5);
    assert.throws(() => ds.checkFinite(ds.tensor(NaN), "loss"), /^NonFiniteError: checkFinite: loss is NaN$/);
    assert.throws(() => ds.checkFinite(ds.tensor([-Infinity])), /^NonFiniteError: checkFinite: tensor has -Infinity at \[0\] \(shape \[1\]; 1 of 1 values are NaN or infinite\)$/);
    const bad = ds.tensor([[1, 2, 3], [4, Infinity, NaN]]);
    assert.throws(() => ds.checkFinite(bad, "activations"), /^NonFiniteError: checkFinite: activations has Infinity at \[1,1\] \(shape \[2,3\]; 2 of 6 values are NaN or infinite\)$/);
    // A view reports positions in its own coordinates.
    assert.throws(() => ds.checkFinite(bad.transpose(0, 1), "t"), /t has Infinity at \[1,1\] \(shape \[3,2\]; 2 of 6/);
    assert.throws(() => ds.checkFinite(bad.transpose(0, 1).index(2)), /tensor has NaN at \[1\] \(shape \[2\]; 1 of 2/);
    // Integer and bool tensors, and empty ones, are finite.
    assert.doesNotThrow(() => ds.checkFinite(ds.tensor([1, 2], { dtype: "int32" })));
    assert.doesNotThrow(() => ds.checkFinite(ds.zeros([0, 3])));
    assert.throws(() => ds.checkFinite([1, 2] as unknown as ds.Tensor), /^ArgumentError: checkFinite: expected a tensor, got object$/);
  });

  test("stops a hand-written loop at the NaN, before backward and the update", () => {
    ds.seed(0);
    const model = new nn.Linear(3, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const batches = [ds.tensor([[1, 2, 3]]), ds.tensor([[NaN, 0, 1]]), ds.tensor([[1, 1, 1]])];
    let steps = 0;
    let before: unknown = null;
    assert.throws(() => {
      for (const x of batches) {
        before = model.weight.toArray();
        opt.zeroGrad();
        const loss = ds.checkFinite(model.call(x).sum().pow(2), "loss");
        loss.backward();
        opt.step();
        steps++;
      }
    }, /^NonFiniteError: checkFinite: loss is NaN$/);
    assert.equal(steps, 1);
    assert.deepEqual(model.weight.toArray(), before, "the weights are those before the bad batch");
  });
});

forEachBackend("optimizers with { checkFinite: true }", () => {
  for (const [name, make] of [
    ["SGD", (p: ds.Tensor[], o: object) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, ...o })],
    ["Adam", (p: ds.Tensor[], o: object) => new optim.Adam(p, { lr: 0.1, ...o })],
    ["AdamW", (p: ds.Tensor[], o: object) => new optim.AdamW(p, { lr: 0.1, ...o })],
    ["RMSprop", (p: ds.Tensor[], o: object) => new optim.RMSprop(p, { lr: 0.1, ...o })],
    ["Adagrad", (p: ds.Tensor[], o: object) => new optim.Adagrad(p, { lr: 0.1, ...o })],
  ] as const) {
    test(`${name} refuses a step with a non-finite gradient, naming the parameter; nothing changes`, () => {
      ds.seed(1);
      const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
      const opt = make(model.parameters(), { checkFinite: true });
      assert.equal(opt.checkFinite, true);
      const x = ds.tensor([[1, 2], [3, -1]]), y = ds.tensor([[1], [0]]);
      const stepOn = (scale: number) => {
        opt.zeroGrad();
        nn.F.mse(model.call(x).mul(scale), y).backward();
        opt.step();
      };
      stepOn(1); // a good step: state exists now
      const weights = model.parameters().map((p) => p.toArray());
      const state = JSON.stringify(opt.stateDict(), (_, v) => (v instanceof ds.Tensor ? v.toArray() : v));
      // An infinite scale of the output makes gradients NaN or infinite (which ones depends on the ReLUs).
      assert.throws(() => stepOn(Infinity), (e: unknown) => {
        assert.ok(e instanceof ds.NonFiniteError);
        assert.match(e.message, new RegExp(`^${name}\\.step: the gradient of parameter [0-3] has (NaN|-?Infinity) at \\[[\\d,]+\\] \\(shape \\[[\\d,]+\\]; \\d of \\d values are NaN or infinite\\); the step was refused \\(checkFinite\\), no parameter or state changed$`));
        return true;
      });
      assert.deepEqual(model.parameters().map((p) => p.toArray()), weights, "no parameter changed");
      assert.equal(JSON.stringify(opt.stateDict(), (_, v) => (v instanceof ds.Tensor ? v.toArray() : v)), state, "no state changed");
      // Only one parameter's gradient is bad: the others are not updated either.
      opt.zeroGrad();
      nn.F.mse(model.call(x), y).backward();
      const last = model.parameters()[3];
      ds.noGrad(() => last.grad!.copy_(ds.tensor([NaN])));
      assert.throws(() => opt.step(), new RegExp(`^NonFiniteError: ${name}\\.step: the gradient of parameter 3 has NaN at \\[0\\] \\(shape \\[1\\]; 1 of 1 values`));
      assert.deepEqual(model.parameters().map((p) => p.toArray()), weights);
      // Turned off, the same step goes through (and poisons the weights, as without the option).
      opt.checkFinite = false;
      opt.step();
      assert.ok(Number.isNaN((model.parameters()[3].toArray() as number[])[0]));
    });
  }

  test("groups are numbered as in stateDict; the option is checked", () => {
    const a = ds.zeros([2]).requiresGrad_(), b = ds.zeros([2, 2]).requiresGrad_();
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, checkFinite: true });
    a.grad = ds.ones([2]);
    b.grad = ds.tensor([[0, 0], [Infinity, 0]]);
    assert.throws(() => opt.step(), /^NonFiniteError: SGD\.step: the gradient of parameter 1 \(group 1\) has Infinity at \[1,0\] \(shape \[2,2\]; 1 of 4 values/);
    assert.deepEqual(a.toArray(), [0, 0]);
    assert.throws(() => new optim.Adam([a], { checkFinite: "yes" as unknown as boolean }), /^ArgumentError: Adam: checkFinite must be true or false, got yes$/);
    assert.throws(() => new optim.Adam([a], { checkfinite: true } as object), /^ArgumentError: Adam: unknown option "checkfinite"; expected one of lr, betas, eps, weightDecay, amsgrad, maximize, checkFinite$/);
    // A misspelt hyperparameter in a group is refused too (it would train that group with the default).
    assert.throws(() => new optim.SGD([{ params: [a], momentun: 0.9 }], { lr: 0.1 }), /^ArgumentError: SGD parameter group: unknown option "momentun"; expected one of params, lr, momentum, dampening, weightDecay, nesterov, maximize$/);
  });
});
