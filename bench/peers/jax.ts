// jax-js (@jax-js/jax, devDependency) on its `wasm` device. In Node there is no `Worker` global,
// so its kernels run on the main thread (one thread), as WORKLOADS.md §4 describes. Training steps
// are one jit-compiled function (valueAndGrad + Adam), as a JAX user writes them.
import { defaultDevice, init, jit, lax, nn, numpy as np, valueAndGrad } from "@jax-js/jax";
import type { Case } from "../cases.js";
import type { Peer, Prepared } from "./peer.js";

type JaxArray = ReturnType<typeof np.array>;

// jax-js owns arguments (reference counting): every use but the last goes through `.ref`.
function compute(c: Case, xs: JaxArray[]): JaxArray {
  switch (c.op.kind) {
    case "matmul": return np.matmul(xs[0].ref, xs[1].ref);
    case "add": return np.add(xs[0].ref, xs[1].ref);
    case "exp": return np.exp(xs[0].ref);
    case "sumAll": return np.sum(xs[0].ref);
    case "sumLast": return np.sum(xs[0].ref, -1);
    default: throw new Error(`${c.op.kind} is stateful: see the step functions`);
  }
}

type Step = { run: () => number; dispose: () => void };
type Loss = (p: JaxArray[], x: JaxArray, y: JaxArray) => JaxArray;

const oneHot = (labels: Float32Array, k: number): JaxArray => {
  const out = new Float32Array(labels.length * k);
  labels.forEach((c, i) => (out[i * k + c] = 1));
  return np.array(out).reshape([labels.length, k]);
};

/** Adam (PyTorch's form) around valueAndGrad(loss), all in one jit; bias corrections come in as arrays. */
function adamStep(params0: JaxArray[], x: JaxArray, y: JaxArray, loss: Loss): Step {
  const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 1e-3];
  let params = params0, m = params.map((p) => np.zerosLike(p.ref)), v = params.map((p) => np.zerosLike(p.ref));
  const step = jit((p: JaxArray[], m: JaxArray[], v: JaxArray[], x: JaxArray, y: JaxArray, s1: JaxArray, s2: JaxArray) => {
    const [l, g] = valueAndGrad(loss)(p.map((a) => a.ref), x, y);
    const p2: JaxArray[] = [], m2: JaxArray[] = [], v2: JaxArray[] = [];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = m[i].mul(b1).add(gi.ref.mul(1 - b1));
      const vi = v[i].mul(b2).add(gi.ref.mul(gi).mul(1 - b2));
      // p -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε)
      p2.push(p[i].sub(mi.ref.mul(s1.ref).div(np.sqrt(vi.ref).mul(s2.ref).add(eps))));
      m2.push(mi);
      v2.push(vi);
    }
    s1.dispose();
    s2.dispose();
    return [l, p2, m2, v2] as [JaxArray, JaxArray[], JaxArray[], JaxArray[]];
  });
  let t = 0;
  const run = () => {
    t++;
    const s1 = np.array([lr / (1 - b1 ** t)]), s2 = np.array([1 / Math.sqrt(1 - b2 ** t)]);
    const [l, p2, m2, v2] = step(params, m, v, x.ref, y.ref, s1, s2);
    params = p2;
    m = m2;
    v = v2;
    return (l.dataSync() as ArrayLike<number>)[0];
  };
  return { run, dispose: () => [...params, ...m, ...v, x, y].forEach((a) => a.dispose()) };
}

const arr = (c: Case, i: number): JaxArray => np.array(c.inputs[i].data).reshape(c.inputs[i].shape);

/** W2: the MLP, cross-entropy against one-hot labels. */
function mlpStep(c: Case): Step {
  const B = c.inputs[0].shape[0];
  const params = [2, 3, 4].flatMap((i) => [arr(c, i), np.zeros([c.inputs[i].shape[1]])]);
  return adamStep(params, arr(c, 0), oneHot(c.inputs[1].data, 10), (p, x, y) => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = np.matmul(h, p[2 * l]).add(p[2 * l + 1]);
      if (l < 2) h = nn.relu(h);
    }
    return nn.logSoftmax(h, -1).mul(y).sum().mul(-1 / B);
  });
}

/** W3 in NCHW (jax's conv layout): lax.conv with SAME padding, 2×2 max pooling as a reshape + max. */
function cnnStep(c: Case): Step {
  const B = c.inputs[0].shape[0];
  const params = [arr(c, 2), np.zeros([32, 1, 1]), arr(c, 3), np.zeros([64, 1, 1]), arr(c, 4), np.zeros([128]), arr(c, 5), np.zeros([10])];
  const pool = (h: JaxArray, C: number, S: number) => np.max(h.reshape([B, C, S / 2, 2, S / 2, 2]), [3, 5]);
  return adamStep(params, arr(c, 0), oneHot(c.inputs[1].data, 10), (p, x, y) => {
    let h = pool(nn.relu(lax.conv(x, p[0], [1, 1], "SAME").add(p[1])), 32, 28);
    h = pool(nn.relu(lax.conv(h, p[2], [1, 1], "SAME").add(p[3])), 64, 14);
    h = nn.relu(np.matmul(h.reshape([B, 3136]), p[4]).add(p[5]));
    return nn.logSoftmax(np.matmul(h, p[6]).add(p[7]), -1).mul(y).sum().mul(-1 / B);
  });
}

/** W4: an explicit LSTM cell (gates i,f,g,o), input projection in one matmul, biases folded. */
function lstmStep(c: Case): Step {
  const [B, T, I] = c.inputs[0].shape, H = c.inputs[3].shape[1];
  const params = [arr(c, 2).transpose(), arr(c, 3).transpose(), arr(c, 4).add(arr(c, 5)), arr(c, 6), np.zeros([1])];
  return adamStep(params, arr(c, 0), arr(c, 1), (p, x, y) => {
    const [wx, wh, b, dw, db] = p;
    const xp = np.matmul(x.reshape([B * T, I]), wx).add(b).reshape([B, T, 4 * H]);
    const steps = np.unstack(np.moveaxis(xp, 1, 0));
    let h = np.zeros([B, H]), cell = np.zeros([B, H]);
    for (let t = 0; t < T; t++) {
      const gates = steps[t].add(np.matmul(h, t < T - 1 ? wh.ref : wh));
      const [gi, gf, gg, go] = np.split(gates, 4, 1);
      cell = nn.sigmoid(gf).mul(cell).add(nn.sigmoid(gi).mul(np.tanh(gg)));
      h = nn.sigmoid(go).mul(np.tanh(cell.ref));
    }
    cell.dispose();
    return np.square(np.matmul(h, dw).add(db).sub(y)).mean();
  });
}

/** W5: the W2 model's logits (jit), all of them read back with dataSync. */
function inferStep(c: Case): Step {
  const params = [1, 2, 3].flatMap((i) => [arr(c, i), np.zeros([c.inputs[i].shape[1]])]);
  const x = arr(c, 0);
  const forward = jit((p: JaxArray[], x: JaxArray) => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = np.matmul(h, p[2 * l]).add(p[2 * l + 1]);
      if (l < 2) h = nn.relu(h);
    }
    return h;
  });
  return {
    run: () => (forward(params.map((a) => a.ref), x.ref).dataSync() as ArrayLike<number>)[0],
    dispose: () => [...params, x].forEach((a) => a.dispose()),
  };
}

const STEPS: Partial<Record<Case["op"]["kind"], (c: Case) => Step>> = {
  mlpTrain: mlpStep, cnnTrain: cnnStep, lstmTrain: lstmStep, mlpInfer: inferStep,
};

let live = 0;

/** The jax-js wasm peer (single-threaded in Node). */
export async function jaxPeer(): Promise<Peer> {
  await init("wasm");
  defaultDevice("wasm");
  return {
    name: "jax-js wasm",
    select: async () => void defaultDevice("wasm"),
    prepare(c: Case): Prepared {
      const step = STEPS[c.op.kind];
      if (step) return step(c);
      const xs = c.inputs.map((x) => np.array(x.data).reshape(x.shape));
      live += xs.length;
      return {
        // dataSync waits for the kernels, then consumes the result (its last reference).
        run: () => (compute(c, xs).reshape([-1]).slice([0, 1]).dataSync() as ArrayLike<number>)[0],
        dispose: () => {
          xs.forEach((x) => x.dispose());
          live -= xs.length;
        },
      };
    },
    liveTensors: () => live,
  };
}
