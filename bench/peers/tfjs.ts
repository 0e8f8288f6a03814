// TensorFlow.js 4.22 on its `cpu` (plain JS) and `wasm` (XNNPACK, SIMD, single-threaded in Node)
// backends, from the devDependencies @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm.
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import path from "node:path";
import type { Case } from "../cases.js";
import type { Peer, Prepared } from "./peer.js";

export type TfjsBackend = "cpu" | "wasm";

let wasmPathSet = false;

/** Selects a tfjs backend (awaiting its initialisation); the wasm binaries load from node_modules. */
async function use(backend: TfjsBackend): Promise<void> {
  if (backend === "wasm" && !wasmPathSet) {
    // In Node the wasm backend reads its .wasm files from this folder (the trailing "/" matters).
    const require = createRequire(import.meta.url);
    setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
    wasmPathSet = true;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend "${backend}" failed to initialise`);
  await tf.ready();
}

// tfjs's cpu backend greets Node users (on its first tensor) with advice to install tfjs-node,
// which cannot be installed here; drop that one message, pass every other warning through.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (!String(args[0]).includes("github.com/tensorflow/tfjs-node")) warn(...args);
};

/** Reads one element back: a one-element slice of the flattened result, then dataSync. */
function readOne(t: tf.Tensor): number {
  return tf.slice(tf.reshape(t, [-1]), 0, 1).dataSync()[0];
}

function compute(c: Case, xs: tf.Tensor[]): tf.Tensor {
  switch (c.op.kind) {
    case "matmul": return tf.matMul(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D);
    case "add": return tf.add(xs[0], xs[1]);
    case "exp": return tf.exp(xs[0]);
    case "sumAll": return tf.sum(xs[0]);
    case "sumLast": return tf.sum(xs[0], -1);
    default: throw new Error(`${c.op.kind} is stateful: see the step functions`);
  }
}

type Step = { run: () => number; dispose: () => void };

/** A variable holding `t`'s values; `t` itself is disposed (so nothing is left behind). */
function variable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A tf.train.adam step minimising `loss` over `vars`, the loss read back. */
function adamStep(vars: tf.Variable[], loss: () => tf.Scalar, own: tf.Tensor[]): Step {
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const run = () => tf.tidy(() => opt.minimize(loss, true, vars)!.dataSync()[0]);
  return { run, dispose: () => { tf.dispose([...vars, ...own]); opt.dispose(); } };
}

/** W2: a tf.train.adam step of the 784-256-128-10 MLP on a fixed batch; returns the loss. */
function mlpStep(xs: tf.Tensor[]): Step {
  const [x, yf, ...w] = xs;
  const y = tf.tidy(() => tf.oneHot(tf.cast(yf, "int32"), 10));
  const params = w.flatMap((wi) => [tf.variable(wi), variable(tf.zeros([wi.shape[1]!]))]);
  return adamStep(params, () => {
    let h = x as tf.Tensor2D;
    for (let l = 0; l < 3; l++) {
      h = tf.add(tf.matMul(h, params[2 * l] as tf.Tensor2D), params[2 * l + 1]);
      if (l < 2) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
  }, [y]);
}

/** W3 in NHWC: x to [64,28,28,1], conv weights OIHW → HWIO; flatten is H·W·C (WORKLOADS.md). */
function cnnStep(xs: tf.Tensor[]): Step {
  const [x0, yf, c1, c2, d1, d2] = xs;
  const x = tf.transpose(x0, [0, 2, 3, 1]) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.cast(yf, "int32"), 10));
  const hwio = (w: tf.Tensor) => variable(tf.transpose(w, [2, 3, 1, 0]));
  const vars = [hwio(c1), variable(tf.zeros([32])), hwio(c2), variable(tf.zeros([64])), tf.variable(d1), variable(tf.zeros([128])), tf.variable(d2), variable(tf.zeros([10]))];
  const [c1w, c1b, c2w, c2b, d1w, d1b, d2w, d2b] = vars;
  return adamStep(vars, () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1w as tf.Tensor4D, 1, "same"), c1b)) as tf.Tensor4D, 2, 2, "valid");
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2w as tf.Tensor4D, 1, "same"), c2b)) as tf.Tensor4D, 2, 2, "valid");
    const f = tf.relu(tf.add(tf.matMul(tf.reshape(h, [x.shape[0], 3136]) as tf.Tensor2D, d1w as tf.Tensor2D), d1b));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(f as tf.Tensor2D, d2w as tf.Tensor2D), d2b)) as tf.Scalar;
  }, [x, y]);
}

/** W4: an explicit LSTM cell (gates i,f,g,o), input projection for all steps in one matmul, biases folded. */
function lstmStep(xs: tf.Tensor[]): Step {
  const [x, y, wIh, wHh, bIh, bHh, dw] = xs;
  const [B, T, I] = x.shape;
  const H = wHh.shape[1]!;
  const vars = [variable(tf.transpose(wIh)), variable(tf.transpose(wHh)), variable(tf.add(bIh, bHh)), tf.variable(dw), variable(tf.zeros([1]))];
  const [wx, wh, b, dwv, dbv] = vars;
  const xf = tf.reshape(x, [B * T!, I!]);
  return adamStep(vars, () => {
    const xp = tf.reshape(tf.add(tf.matMul(xf as tf.Tensor2D, wx as tf.Tensor2D), b), [B!, T!, 4 * H]);
    let h = tf.zeros([B!, H]) as tf.Tensor2D, c = tf.zeros([B!, H]) as tf.Tensor2D;
    for (let t = 0; t < T!; t++) {
      const gates = tf.add(tf.reshape(tf.slice(xp, [0, t, 0], [B!, 1, 4 * H]), [B!, 4 * H]), tf.matMul(h, wh as tf.Tensor2D));
      const [gi, gf, gg, go] = tf.split(gates, 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(gf), c), tf.mul(tf.sigmoid(gi), tf.tanh(gg)));
      h = tf.mul(tf.sigmoid(go), tf.tanh(c));
    }
    return tf.losses.meanSquaredError(y, tf.add(tf.matMul(h, dwv as tf.Tensor2D), dbv)) as tf.Scalar;
  }, [xf]);
}

/** W5: the W2 model's logits, all of them read back with dataSync. */
function inferStep(xs: tf.Tensor[]): Step {
  const [x, ...w] = xs;
  const biases = w.map((wi) => tf.zeros([wi.shape[1]!]));
  const run = () => tf.tidy(() => {
    let h = x as tf.Tensor2D;
    for (let l = 0; l < 3; l++) {
      h = tf.add(tf.matMul(h, w[l] as tf.Tensor2D), biases[l]);
      if (l < 2) h = tf.relu(h);
    }
    return h.dataSync()[0];
  });
  return { run, dispose: () => tf.dispose(biases) };
}

const STEPS: Partial<Record<Case["op"]["kind"], (xs: tf.Tensor[]) => Step>> = {
  mlpTrain: mlpStep, cnnTrain: cnnStep, lstmTrain: lstmStep, mlpInfer: inferStep,
};

/** A tfjs peer; its backend is initialised here, and re-selected before each case is prepared. */
export async function tfjsPeer(backend: TfjsBackend): Promise<Peer> {
  await use(backend);
  return {
    name: `tfjs ${backend}`,
    select: () => use(backend),
    prepare(c: Case): Prepared {
      if (tf.getBackend() !== backend) throw new Error(`tfjs ${backend}: call select() before prepare()`);
      const xs = c.inputs.map((x) => tf.tensor(x.data, x.shape, "float32"));
      const step = STEPS[c.op.kind];
      if (step) {
        const s = step(xs);
        return { run: s.run, dispose: () => { s.dispose(); tf.dispose(xs); } };
      }
      return {
        run: () => tf.tidy(() => readOne(compute(c, xs))),
        dispose: () => tf.dispose(xs),
      };
    },
    liveTensors: () => tf.memory().numTensors,
  };
}
