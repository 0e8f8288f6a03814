// A character-level language model (Embedding → LSTM → Linear) trained on the bundled opening of
// Shakespeare's Coriolanus, then sampled character by character with temperature.
// Run: npm run example:charlm
//
// The text is cut into 64-character windows; the model learns to predict each next character
// (cross-entropy, reported in bits per character). The last 10% of the text is held out.
import { fileURLToPath } from "node:url";
import * as ds from "../src/index.js";
import { nn, optim, data } from "../src/index.js";

export class CharLM extends nn.Module<[ds.Tensor, ([ds.Tensor, ds.Tensor] | null)?], [ds.Tensor, [ds.Tensor, ds.Tensor]]> {
  embed: nn.Embedding;
  lstm: nn.LSTM;
  drop: nn.Dropout;
  head: nn.Linear;
  constructor(vocabSize: number, embedDim = 32, hidden = 128, dropout = 0.3) {
    super();
    this.embed = new nn.Embedding(vocabSize, embedDim);
    this.lstm = new nn.LSTM(embedDim, hidden, { batchFirst: true });
    this.drop = new nn.Dropout(dropout);
    this.head = new nn.Linear(hidden, vocabSize);
  }
  /** ids [batch, time] → logits [batch, time, vocab] and the final LSTM state. */
  forward(ids: ds.Tensor, state: [ds.Tensor, ds.Tensor] | null = null): [ds.Tensor, [ds.Tensor, ds.Tensor]] {
    const [out, next] = this.lstm.call(this.embed.call(ids), state);
    return [this.head.call(this.drop.call(out)), next];
  }
}

/** Continues `prompt` by `length` characters, sampling from softmax(logits / temperature). */
export function generate(model: CharLM, vocab: data.CharVocab, prompt: string, length: number, temperature: number): string {
  return ds.noGrad(() => ds.scope(() => {
    model.eval();
    let [logits, state] = model.call(ds.tensor([vocab.encode(prompt)], { dtype: "int32" }));
    let last = logits.index(0, -1);
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      const probs = last.div(temperature).softmax(-1).dataSync();
      let u = ds.rand([1]).item(), next = probs.length - 1;
      for (let k = 0; k < probs.length; k++) if ((u -= probs[k]) < 0) { next = k; break; }
      out.push(next);
      [logits, state] = model.call(ds.tensor([[next]], { dtype: "int32" }), state);
      last = logits.index(0, -1);
    }
    return prompt + vocab.decodeText(out);
  }));
}

export async function trainCharLM(opts: { epochs?: number; hidden?: number; seqLen?: number; seed?: number; log?: (line: string) => void } = {}) {
  const epochs = opts.epochs ?? 15, seqLen = opts.seqLen ?? 64, log = opts.log ?? (() => {});
  ds.seed(opts.seed ?? 0);
  const text = data.datasets.shakespeare();
  const vocab = data.CharVocab.fromText(text, { pad: null, unk: null });
  const ids = vocab.encode(text);
  const cut = Math.floor(ids.length * 0.9);
  const trainPairs = data.nextTokenPairs(ids.slice(0, cut), seqLen, { stride: 16 });
  const valPairs = data.nextTokenPairs(ids.slice(cut), seqLen, { stride: seqLen });
  log(`${text.length} characters, vocabulary of ${vocab.length}; ${trainPairs.x.shape[0]} training windows of ${seqLen}`);

  const model = new CharLM(vocab.length, 32, opts.hidden ?? 128);
  const opt = new optim.Adam(model.parameters(), { lr: 0.005 });
  const bits = (x: ds.Tensor, y: ds.Tensor) => {
    const [logits] = model.call(x);
    return nn.F.crossEntropy(logits.reshape([-1, vocab.length]), y.reshape([-1])).div(Math.LN2);
  };
  const loader = new data.DataLoader(new data.TensorDataset(trainPairs.x, trainPairs.y), { batchSize: 32, shuffle: true });
  let trainBits = NaN, valBits = NaN;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let sum = 0, n = 0;
    for (const [x, y] of loader) {
      sum += ds.scope(() => {
        const loss = bits(x, y);
        opt.zeroGrad();
        loss.backward();
        nn.utils.clipGradNorm_(model.parameters(), 1);
        opt.step();
        return loss.item();
      });
      n++;
    }
    trainBits = sum / n;
    model.eval();
    valBits = ds.noGrad(() => bits(valPairs.x, valPairs.y).item());
    log(`epoch ${String(epoch).padStart(2)}/${epochs}  train ${trainBits.toFixed(3)} bits/char  held-out ${valBits.toFixed(3)} bits/char`);
  }
  // Baseline: character frequencies of the training part, scored on the held-out part.
  const counts = new Array(vocab.length).fill(1);
  for (const i of ids.slice(0, cut)) counts[i]++;
  const total = counts.reduce((a, b) => a + b, 0);
  const unigramBits = ids.slice(cut).reduce((a, i) => a - Math.log2(counts[i] / total), 0) / (ids.length - cut);
  return { model, vocab, trainBits, valBits, unigramBits };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const r = await trainCharLM({ log: console.log });
  console.log(`(character frequencies alone cost ${r.unigramBits.toFixed(2)} bits/char on the held-out text)\n`);
  for (const temperature of [0.5, 0.8, 1.0]) {
    ds.seed(1);
    console.log(`--- temperature ${temperature} ---`);
    console.log(generate(r.model, r.vocab, "MENENIUS:\n", 300, temperature));
    console.log();
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
