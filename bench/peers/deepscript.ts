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
    case "mlpTrain": throw new Error("mlpTrain is stateful: see mlpStep");
  }
}

/** W2: a stateful Adam training step of the 784-256-128-10 MLP on a fixed batch; returns the loss. */
function mlpStep(xs: ds.Tensor[]): { run: () => number; dispose: () => void } {
  const [x, yf, ...ws] = xs;
  const y = ds.scope(() => yf.to("int32"));
  const params = ws.flatMap((w) => [w.requiresGrad_(), ds.zeros([w.shape[1]]).requiresGrad_()]);
  const opt = new ds.optim.Adam(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  const run = () => ds.scope(() => {
    opt.zeroGrad();
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = h.matmul(params[2 * l]).add(params[2 * l + 1]);
      if (l < 2) h = h.relu();
    }
    const loss = ds.nn.F.crossEntropy(h, y);
    loss.backward();
    opt.step();
    return loss.item();
  });
  const dispose = () => {
    for (const p of params) p.grad?.dispose();
    for (const st of opt.state.values()) [st.expAvg, st.expAvgSq].forEach((t) => t.dispose());
    [y, ...params.slice(1).filter((_, i) => i % 2 === 0)].forEach((t) => t.dispose());
  };
  return { run, dispose };
}

export function deepscriptPeer(backend = "js"): Peer {
  return {
    name: `deepscript ${backend}`,
    select: async () => ds.setBackend(backend),
    prepare(c: Case): Prepared {
      const xs = c.inputs.map((x) => ds.scope(() => ds.tensor(x.data, { dtype: "float32" }).reshape(x.shape)));
      if (c.op.kind === "mlpTrain") {
        const step = mlpStep(xs);
        return { run: step.run, dispose: () => { step.dispose(); xs.forEach((x) => x.dispose()); } };
      }
      return {
        run: () => ds.scope(() => readOne(compute(c, xs))),
        dispose: () => xs.forEach((x) => x.dispose()),
      };
    },
    liveTensors: () => ds.memory().tensors,
  };
}
