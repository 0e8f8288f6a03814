// Sequence classification with variable-length batches: is a string of brackets such as "([])()"
// balanced? An LSTM reads each padded string up to its own length (the `lengths` option, PyTorch's
// packed sequences) and classifies it from its final state. Unbalanced strings are balanced ones
// with one small corruption (two neighbours swapped or one bracket changed), so counting is not
// enough: the model has to track the nesting.
// Run: npm run example:classify
import { fileURLToPath } from "node:url";
import * as ds from "../src/index.js";
import { nn, optim, data } from "../src/index.js";

/** A seeded generator of bracket strings (balanced, or balanced with one corruption). */
export function bracketStrings(n: number, seed: number, maxLen = 24): { texts: string[]; labels: number[] } {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const pairs: Record<string, string> = { "(": ")", "[": "]" };
  const balanced = (str: string) => {
    const stack: string[] = [];
    for (const c of str) {
      if (c in pairs) stack.push(pairs[c]);
      else if (stack.pop() !== c) return false;
    }
    return stack.length === 0;
  };
  const make = (len: number) => {
    let out = "";
    const stack: string[] = [];
    while (out.length < len) {
      const left = len - out.length;
      if (stack.length && (stack.length >= left || rand() < 0.45)) out += stack.pop();
      else {
        const o = pick(["(", "["]);
        out += o;
        stack.push(pairs[o]);
      }
    }
    return out;
  };
  const texts: string[] = [], labels: number[] = [];
  while (texts.length < n) {
    const str = make(2 * (1 + Math.floor(rand() * (maxLen / 2))));
    if (rand() < 0.5) {
      texts.push(str);
      labels.push(1);
      continue;
    }
    const chars = [...str];
    const i = Math.floor(rand() * chars.length);
    if (rand() < 0.5 && i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
    else chars[i] = pick(["(", ")", "[", "]"].filter((c) => c !== chars[i]));
    const bad = chars.join("");
    if (balanced(bad)) continue; // the corruption happened to keep it balanced: draw again
    texts.push(bad);
    labels.push(0);
  }
  return { texts, labels };
}

export class BracketClassifier extends nn.Module<[ds.Tensor, number[]], ds.Tensor> {
  embed: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor(vocabSize: number, padIndex: number, hidden = 32) {
    super();
    this.embed = new nn.Embedding(vocabSize, 8, { paddingIdx: padIndex });
    this.lstm = new nn.LSTM(8, hidden, { batchFirst: true });
    this.head = new nn.Linear(hidden, 2);
  }
  /** ids [batch, time] (padded) and each string's length → logits [batch, 2]. */
  forward(ids: ds.Tensor, lengths: number[]): ds.Tensor {
    const [, [hN]] = this.lstm.call(this.embed.call(ids), null, { lengths });
    return this.head.call(hN.index(0));
  }
}

export function trainBrackets(opts: { epochs?: number; nTrain?: number; seed?: number; log?: (line: string) => void } = {}) {
  const epochs = opts.epochs ?? 30, log = opts.log ?? (() => {});
  ds.seed(opts.seed ?? 0);
  const trainSet = bracketStrings(opts.nTrain ?? 2000, 1), testSet = bracketStrings(1000, 2);
  const vocab = data.CharVocab.fromText(trainSet.texts); // <pad>, <unk>, then the 4 brackets
  const batches = (set: { texts: string[]; labels: number[] }, size: number) => {
    const out: { ids: ds.Tensor; lengths: number[]; y: ds.Tensor }[] = [];
    for (let i = 0; i < set.texts.length; i += size) {
      const { ids, lengths } = data.padSequences(set.texts.slice(i, i + size).map((t) => vocab.encode(t)), { padValue: vocab.padIndex! });
      out.push({ ids, lengths, y: ds.tensor(set.labels.slice(i, i + size), { dtype: "int32" }) });
    }
    return out;
  };
  const trainBatches = batches(trainSet, 50), testBatches = batches(testSet, 500);
  const model = new BracketClassifier(vocab.length, vocab.padIndex!);
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const accuracy = () => ds.noGrad(() => {
    model.eval();
    let right = 0;
    for (const b of testBatches) right += model.call(b.ids, b.lengths).argmax(1).eq(b.y).sum().item();
    model.train();
    return right / testSet.texts.length;
  });
  let acc = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let sum = 0;
    for (const b of trainBatches) {
      sum += ds.scope(() => {
        const loss = nn.F.crossEntropy(model.call(b.ids, b.lengths), b.y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
      });
    }
    if (epoch % 5 === 0 || epoch === epochs) {
      acc = accuracy();
      log(`epoch ${String(epoch).padStart(2)}/${epochs}  loss ${(sum / trainBatches.length).toFixed(4)}  test accuracy ${(100 * acc).toFixed(1)}%`);
    }
  }
  return { model, vocab, accuracy: acc };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { texts, labels } = bracketStrings(6, 5, 12);
  console.log("examples:", texts.map((t, i) => `${t} → ${labels[i] ? "balanced" : "unbalanced"}`).join(", "));
  const r = trainBrackets({ log: console.log });
  console.log(`\ntest accuracy ${(100 * r.accuracy).toFixed(1)}% on 1,000 unseen strings of 2–24 brackets (chance: 50%)`);
  for (const s of ["([()])", "([)]", "(((([[]]))))[]", "()[]([)", "[[[[[]]]]]"]) {
    const { ids, lengths } = data.padSequences([r.vocab.encode(s)]);
    const p = ds.noGrad(() => r.model.eval().call(ids, lengths).softmax(-1).index(0, 1).item());
    console.log(`  ${s.padEnd(16)} P(balanced) = ${p.toFixed(3)}`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
