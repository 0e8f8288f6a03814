// deepscript on a named backend (the `js` backend by default) through the public `ds` API. Steps
// are written as PyTorch users write them — nothing scoped, nothing disposed (WORKLOADS.md's memory
// rule); the "scoped" variant wraps each step in ds.scope, for a labelled column beside it.
import * as ds from "../../src/index.js";
import type { Case } from "../cases.js";
import type { Peer, Prepared } from "./peer.js";

/**
 * Reads one element back. `narrow(...).add(0)` makes a one-element tensor that depends on the
 * result, so only 4 bytes are copied (dataSync of a view copies the view's whole storage).
 */
function readOne(t: ds.Tensor): number {
  return t.flatten().narrow(0, 0, 1).add(0).dataSync()[0];
}

function compute(c: Case, xs: ds.Tensor[]): ds.Tensor {
  switch (c.op.kind) {
    case "matmul": return xs[0].matmul(xs[1]);
    case "add": return xs[0].add(xs[1]);
    case "exp": return xs[0].exp();
    case "sumAll": return xs[0].sum();
    case "sumLast": return xs[0].sum(-1);
    default: throw new Error(`${c.op.kind} is stateful: see the step functions`);
  }
}

type Step = { run: () => number; dispose: () => void };

/** Each step in ds.scope (the labelled "scoped" column) or, by default, as users write it. */
let scoped = false;
const maybeScope = <T>(fn: () => T): T => (scoped ? ds.scope(fn) : fn());

/** An Adam training step on a fixed batch over `params` (leaves), the loss read back. */
function adamStep(params: ds.Tensor[], loss: () => ds.Tensor, own: ds.Tensor[]): Step {
  const opt = new ds.optim.Adam(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  const run = () => maybeScope(() => {
    opt.zeroGrad();
    const l = loss();
    l.backward();
    opt.step();
    return l.item();
  });
  const dispose = () => {
    for (const p of params) p.grad?.dispose();
    for (const st of opt.state.values()) [st.expAvg, st.expAvgSq].forEach((t) => t.dispose());
    own.forEach((t) => t.dispose());
  };
  return { run, dispose };
}

/** Copies canonical weights (WORKLOADS.md layouts) into a module's parameters, in order. */
function load(params: ds.Tensor[], values: ds.Tensor[]): void {
  ds.noGrad(() => params.forEach((p, i) => p.copy_(values[i].reshape(p.shape))));
}

/** The W2 model as a PyTorch user builds it; Linear keeps [out, in], so the canonical [in, out] weights go in transposed. */
function mlpModel(ws: ds.Tensor[]): ds.nn.Sequential {
  const model = new ds.nn.Sequential(new ds.nn.Linear(784, 256), new ds.nn.ReLU(), new ds.nn.Linear(256, 128), new ds.nn.ReLU(), new ds.nn.Linear(128, 10));
  const [l1, l2, l3] = [0, 2, 4].map((i) => model.at(i) as ds.nn.Linear);
  ds.noGrad(() => [l1, l2, l3].forEach((l, i) => { l.weight.copy_(ws[i].T); l.bias!.copy_(0); }));
  return model;
}

/** W2: the 784-256-128-10 MLP (inputs x, y, w1, w2, w3) as nn.Sequential. */
function mlpStep(xs: ds.Tensor[]): Step {
  const [x, yf, ...ws] = xs;
  const y = yf.to("int32");
  const model = mlpModel(ws);
  return adamStep(model.parameters(), () => ds.nn.F.crossEntropy(model.call(x), y), [y, ...model.parameters()]);
}

/** W3: conv-pool-conv-pool-dense-dense CNN (inputs x, y, c1w, c2w, d1w, d2w) as nn.Sequential. */
function cnnStep(xs: ds.Tensor[]): Step {
  const [x, yf, c1w, c2w, d1w, d2w] = xs;
  const y = yf.to("int32");
  const nn = ds.nn;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(3136, 128), new nn.ReLU(), new nn.Linear(128, 10),
  );
  const zero = (n: number) => ds.zeros([n]);
  load(model.parameters(), [c1w, zero(32), c2w, zero(64), d1w.T, zero(128), d2w.T, zero(10)]);
  return adamStep(model.parameters(), () => ds.nn.F.crossEntropy(model.call(x), y), [y, ...model.parameters()]);
}

/** W4: nn.LSTM(32, 128) (batch first) on x [32,50,32], its last hidden state → nn.Linear(128, 1) → MSE. */
function lstmStep(xs: ds.Tensor[]): Step {
  const [x, y, wIh, wHh, bIh, bHh, dw] = xs;
  const lstm = new ds.nn.LSTM(32, 128, { batchFirst: true });
  const head = new ds.nn.Linear(128, 1);
  load([...lstm.parameters(), ...head.parameters()], [wIh, wHh, bIh, bHh, dw.T, ds.zeros([1])]);
  const params = [...lstm.parameters(), ...head.parameters()];
  return adamStep(params, () => {
    const [, [hN]] = lstm.call(x);
    return ds.nn.F.mseLoss(head.call(hN.squeeze(0)), y);
  }, params);
}

/** W5: the W2 model's logits (eval mode, no gradient tracking), all [B,10] of them read back as a typed array. */
function inferStep(xs: ds.Tensor[]): Step {
  const [x, ...ws] = xs;
  const model = mlpModel(ws).eval();
  const run = () => maybeScope(() => ds.noGrad(() => model.call(x)).dataSync()[0]);
  return { run, dispose: () => model.parameters().forEach((p) => p.dispose()) };
}

const STEPS: Partial<Record<Case["op"]["kind"], (xs: ds.Tensor[]) => Step>> = {
  mlpTrain: mlpStep, cnnTrain: cnnStep, lstmTrain: lstmStep, mlpInfer: inferStep,
};

/** deepscript on `backend`; `threads` (wasm) is set when the peer is selected, named in the column ("… 2T"). */
export function deepscriptPeer(backend = "js", threads?: number, scopedSteps = false): Peer {
  return {
    name: `deepscript ${backend}${threads && threads > 1 ? ` ${threads}T` : ""}${scopedSteps ? " scoped" : ""}`,
    select: async () => {
      ds.setBackend(backend);
      if (threads) ds.setThreads(threads);
      scoped = scopedSteps;
    },
    prepare(c: Case): Prepared {
      const xs = c.inputs.map((x) => ds.scope(() => ds.tensor(x.data, { dtype: "float32" }).reshape(x.shape)));
      const step = STEPS[c.op.kind];
      if (step) {
        const s = step(xs);
        return { run: s.run, dispose: () => { s.dispose(); xs.forEach((x) => x.dispose()); } };
      }
      return {
        run: () => ds.scope(() => readOne(compute(c, xs))),
        dispose: () => xs.forEach((x) => x.dispose()),
      };
    },
    liveTensors: () => ds.memory().tensors,
    // Unscoped, what the last steps left at user level is still resident when a case ends; it is
    // spilled at the next boundaries. bench/memory.ts measures memory over 2,000 steps instead.
    checksLeaks: scopedSteps,
  };
}
