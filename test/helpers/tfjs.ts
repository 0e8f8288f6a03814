// TensorFlow.js (cpu backend) as the reference for Keras semantics: run a tfjs layer on the same
// input with the same weights as a deepscript keras layer, and take the gradients of
// sum(Σ outputs_i · upstream_i) with respect to the input(s) and the trainable weights.
import * as tf from "@tensorflow/tfjs";
import * as ds from "../../src/index.js";
import { keras, Tensor } from "../../src/index.js";

await tf.setBackend("cpu");
export { tf };

/** The data of a deepscript tensor as a tfjs tensor of the same shape and dtype. */
export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.dataSync()), t.shape.slice(), t.dtype === "int32" ? "int32" : "float32");
}

export interface Run {
  /** The upstream gradients used (drawn for our run, reused for tfjs's). */
  ups: Tensor[];
  outputs: Float32Array[];
  shapes: number[][];
  inputGrads: (Float32Array | null)[];
  weightGrads: Float32Array[];
}

/** Largest |a - b| over two arrays of equal length (throws on a length mismatch). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs our layer: outputs and gradients of Σ sum(out_i · up_i), with up_i drawn from N(0, 1). */
export function runOurs(layer: keras.Layer<keras.SymbolicTensor | keras.SymbolicTensor[]>, inputs: Tensor[], opts: { training?: boolean; list?: boolean; kwargs?: Record<string, unknown> } = {}): Run {
  const xs = inputs.map((x) => (x.dtype === "float32" ? x.detach().requiresGrad_(true) : x));
  const out = layer.call(opts.list || xs.length > 1 ? xs : xs[0], { training: opts.training ?? false, ...(opts.kwargs ?? {}) });
  const outs = Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
  const ups = outs.map((o) => ds.randn(o.shape));
  let loss = outs[0].mul(ups[0]).sum();
  for (let i = 1; i < outs.length; i++) loss = loss.add(outs[i].mul(ups[i]).sum());
  loss.backward();
  return {
    ups,
    outputs: outs.map((o) => Float32Array.from(o.dataSync())),
    shapes: outs.map((o) => o.shape.slice()),
    inputGrads: xs.map((x) => (x.requiresGrad ? Float32Array.from(x.grad!.dataSync()) : null)),
    weightGrads: layer.trainableWeights.map((w) => Float32Array.from((w.grad ?? ds.zerosLike(w)).dataSync())),
  };
}

/** Runs a tfjs layer (after copying `weights` into it) the same way. */
export function runTf(layer: tf.layers.Layer, inputs: Tensor[], ups: Tensor[], weights: Tensor[], opts: { training?: boolean; list?: boolean; kwargs?: Record<string, unknown>; pre?: (x: tf.Tensor) => tf.Tensor; grads?: boolean } = {}): Run {
  const xs = inputs.map((x) => (x.dtype === "float32" ? tf.variable(toTf(x)) : toTf(x)));
  // `pre` transforms the inputs inside the differentiated function (e.g. padding TensorFlow.js lacks).
  const arg = () => {
    const ys = opts.pre ? xs.map(opts.pre) : xs;
    return opts.list || ys.length > 1 ? ys : ys[0];
  };
  layer.apply(arg(), { training: opts.training ?? false, ...(opts.kwargs ?? {}) }); // builds
  layer.setWeights(weights.map(toTf));
  if (opts.grads === false) {
    const o = layer.apply(arg(), { training: opts.training ?? false, ...(opts.kwargs ?? {}) }) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(o) ? o : [o];
    return { ups, outputs: outs.map((t) => Float32Array.from(t.dataSync())), shapes: outs.map((t) => t.shape), inputGrads: [], weightGrads: [] };
  }
  const vars = [...xs.filter((x): x is tf.Variable => x instanceof tf.Variable), ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  let outs: tf.Tensor[] = [];
  const { grads } = tf.variableGrads(() => {
    const o = layer.apply(arg(), { training: opts.training ?? false, ...(opts.kwargs ?? {}) }) as tf.Tensor | tf.Tensor[];
    outs = (Array.isArray(o) ? o : [o]).map((t) => tf.keep(t));
    return outs.map((t, i) => tf.sum(tf.mul(t, toTf(ups[i])))).reduce((a, b) => tf.add(a, b)) as tf.Scalar;
  }, vars);
  const g = (v: tf.Variable) => Float32Array.from(grads[v.name].dataSync());
  return {
    ups,
    outputs: outs.map((o) => Float32Array.from(o.dataSync())),
    shapes: outs.map((o) => o.shape),
    inputGrads: xs.map((x) => (x instanceof tf.Variable ? g(x) : null)),
    weightGrads: layer.trainableWeights.map((w) => g(w.read() as tf.Variable)),
  };
}
