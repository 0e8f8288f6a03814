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
    case "mlpTrain": throw new Error("mlpTrain is stateful: see mlpStep");
  }
}

/** W2: a tf.train.adam step of the 784-256-128-10 MLP on a fixed batch; returns the loss. */
function mlpStep(xs: tf.Tensor[]): { run: () => number; dispose: () => void } {
  const [x, yf, ...w] = xs;
  const y = tf.tidy(() => tf.oneHot(tf.cast(yf, "int32"), 10));
  const params = w.flatMap((wi) => [tf.variable(wi), tf.variable(tf.zeros([wi.shape[1]!]))]);
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const run = () => tf.tidy(() => {
    const loss = opt.minimize(() => {
      let h = x as tf.Tensor2D;
      for (let l = 0; l < 3; l++) {
        h = tf.add(tf.matMul(h, params[2 * l] as tf.Tensor2D), params[2 * l + 1]);
        if (l < 2) h = tf.relu(h);
      }
      return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
    }, true)!;
    return loss.dataSync()[0];
  });
  return { run, dispose: () => { tf.dispose([y, ...params]); opt.dispose(); } };
}

/** A tfjs peer; its backend is initialised here, and re-selected before each case is prepared. */
export async function tfjsPeer(backend: TfjsBackend): Promise<Peer> {
  await use(backend);
  return {
    name: `tfjs ${backend}`,
    select: () => use(backend),
    prepare(c: Case): Prepared {
      if (tf.getBackend() !== backend) throw new Error(`tfjs ${backend}: call select() before prepare()`);
      const xs = c.inputs.map((x) => tf.tensor(x.data, x.shape, "float32"));
      if (c.op.kind === "mlpTrain") {
        const step = mlpStep(xs);
        return { run: step.run, dispose: () => { step.dispose(); tf.dispose(xs); } };
      }
      return {
        run: () => tf.tidy(() => readOne(compute(c, xs))),
        dispose: () => tf.dispose(xs),
      };
    },
    liveTensors: () => tf.memory().numTensors,
  };
}
