// deepscript on a named backend (the `js` backend by default) through the public `ds` API.
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

/** An Adam training step on a fixed batch over `params` (leaves), the loss read back. */
function adamStep(params: ds.Tensor[], loss: () => ds.Tensor, own: ds.Tensor[]): Step {
  const opt = new ds.optim.Adam(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  const run = () => ds.scope(() => {
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

/** W2: the 784-256-128-10 MLP (inputs x, y, w1, w2, w3; zero biases made here). */
function mlpStep(xs: ds.Tensor[]): Step {
  const [x, yf, ...ws] = xs;
  const y = ds.scope(() => yf.to("int32"));
  const biases = ws.map((w) => ds.zeros([w.shape[1]]).requiresGrad_());
  const params = ws.flatMap((w, l) => [w.requiresGrad_(), biases[l]]);
  return adamStep(params, () => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = h.matmul(ws[l]).add(biases[l]);
      if (l < 2) h = h.relu();
    }
    return ds.nn.F.crossEntropy(h, y);
  }, [y, ...biases]);
}

/** W3: conv-pool-conv-pool-dense-dense CNN (inputs x, y, c1w, c2w, d1w, d2w; zero biases made here). */
function cnnStep(xs: ds.Tensor[]): Step {
  const F = ds.nn.F;
  const [x, yf, c1w, c2w, d1w, d2w] = xs;
  const y = ds.scope(() => yf.to("int32"));
  const [c1b, c2b, d1b, d2b] = [32, 64, 128, 10].map((n) => ds.zeros([n]).requiresGrad_());
  const params = [c1w, c1b, c2w, c2b, d1w, d1b, d2w, d2b].map((p) => p.requiresGrad_());
  return adamStep(params, () => {
    let h = F.maxPool2d(F.relu(F.conv2d(x, c1w, c1b, { padding: 1 })), 2);
    h = F.maxPool2d(F.relu(F.conv2d(h, c2w, c2b, { padding: 1 })), 2);
    h = h.reshape([x.shape[0], 3136]).matmul(d1w).add(d1b).relu();
    return F.crossEntropy(h.matmul(d2w).add(d2b), y);
  }, [y, c1b, c2b, d1b, d2b]);
}

/** W4: nn.LSTM(32, 128) (batch first) on x [32,50,32], its last hidden state → dense → MSE. */
function lstmStep(xs: ds.Tensor[]): Step {
  const [x, y, wIh, wHh, bIh, bHh, dw] = xs;
  // In a scope: the construction's own tensors go; the parameters (kept by the module) stay.
  const lstm = ds.scope(() => new ds.nn.LSTM(32, 128, { batchFirst: true }));
  ds.noGrad(() => {
    lstm.weightIhL0.copy_(wIh);
    lstm.weightHhL0.copy_(wHh);
    lstm.biasIhL0!.copy_(bIh);
    lstm.biasHhL0!.copy_(bHh);
  });
  const db = ds.zeros([1]).requiresGrad_();
  dw.requiresGrad_();
  const params = [...lstm.parameters(), dw, db];
  return adamStep(params, () => {
    const [, [hN]] = lstm.forward(x);
    return ds.nn.F.mseLoss(hN.squeeze(0).matmul(dw).add(db), y);
  }, [...lstm.parameters(), db]);
}

/** W5: the W2 model's logits (no gradient tracking), all [B,10] of them read back as a typed array. */
function inferStep(xs: ds.Tensor[]): Step {
  const [x, ...ws] = xs;
  const biases = ws.map((w) => ds.zeros([w.shape[1]]));
  const run = () => ds.scope(() => ds.noGrad(() => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = h.matmul(ws[l]).add(biases[l]);
      if (l < 2) h = h.relu();
    }
    return h.dataSync()[0];
  }));
  return { run, dispose: () => biases.forEach((b) => b.dispose()) };
}

const STEPS: Partial<Record<Case["op"]["kind"], (xs: ds.Tensor[]) => Step>> = {
  mlpTrain: mlpStep, cnnTrain: cnnStep, lstmTrain: lstmStep, mlpInfer: inferStep,
};

/** deepscript on `backend`; `threads` (wasm) is set when the peer is selected, named in the column ("… 2T"). */
export function deepscriptPeer(backend = "js", threads?: number): Peer {
  return {
    name: `deepscript ${backend}${threads && threads > 1 ? ` ${threads}T` : ""}`,
    select: async () => {
      ds.setBackend(backend);
      if (threads) ds.setThreads(threads);
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
  };
}
