// io.saveOnnx: a model as an ONNX file (opset 17, dynamic batch), traced at the nn.Module level.
// The model runs once on the example input (in eval mode, without gradients) with every layer
// deepscript knows how to write wrapped: each call of such a layer records the ONNX nodes for it,
// and tensors are linked from layer to layer by identity. Containers and user-defined modules that
// only pass tensors between layers are traced through; a tensor computed outside a known layer
// (x.add(y) in a custom forward) has no ONNX name, and the export stops with an error naming the
// layer that received it. (ds.compile's tracer records backend kernels, below the layers ONNX
// describes, so it is not reused here.)
import { ArgumentError } from "../../core/errors.js";
import { writeAtomic } from "../../core/atomic.js";
import { version } from "../../core/version.js";
import { GraphBuilder, type AttrValue } from "../../io/onnx/write.js";
import type { OnnxAttr } from "../../io/onnx/read.js";
import { OnnxModule } from "./module.js";
import { Tensor } from "../../tensor/tensor.js";
import { noGrad } from "../../autograd/mode.js";
import { Module } from "../module.js";
import { Linear, Identity } from "../layers/linear.js";
import { Conv1d, Conv2d } from "../layers/conv.js";
import { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from "../layers/pooling.js";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "../layers/normalization.js";
import { ReLU, LeakyReLU, GELU, ELU, Softplus, Tanh, Sigmoid, Softmax, LogSoftmax } from "../layers/activation.js";
import { Dropout, Embedding, Flatten } from "../layers/misc.js";
import { RNN, LSTM, GRU } from "../layers/recurrent.js";
import { ConvTranspose2d, Upsample } from "../layers/upsampling.js";
import { Unflatten } from "../layers/reshape.js";
import { TransformerEncoderLayer, PositionalEncoding, sinusoidalPositionalEncoding } from "../layers/transformer.js";

/** The ONNX opset io.saveOnnx writes. */
export const EXPORT_OPSET = 17;

type AnyModule = Module<never[], unknown>;
const OP = "io.saveOnnx";

/** What an emitter gets: the builder, the layer's state-dict path, its input's ONNX name and trace-time shape. */
interface Emit { g: GraphBuilder; path: string; x: string; shape: readonly number[] }

const data = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>, Number);
const param = (e: Emit, name: string, t: Tensor) => e.g.float(e.path ? `${e.path}.${name}` : name, t.shape, data(t));
const constF = (e: Emit, name: string, v: number) => e.g.float(`${e.path || "c"}.${name}`, [], [v]);
const one = (e: Emit, op: string, inputs: string[], attrs: Record<string, AttrValue> = {}) => e.g.node(op, inputs, attrs, 1, `${e.path || op}/${op}`)[0];

function linear(e: Emit, w: Tensor, b: Tensor | null, x = e.x, rank = e.shape.length, prefix = ""): string {
  const wn = param(e, `${prefix}weight`, w), bn = b ? param(e, `${prefix}bias`, b) : null;
  if (rank === 2) return one(e, "Gemm", bn ? [x, wn, bn] : [x, wn], { transB: 1 });
  const y = one(e, "MatMul", [x, one(e, "Transpose", [wn], { perm: [1, 0] })]);
  return bn ? one(e, "Add", [y, bn]) : y;
}

function gelu(e: Emit, x: string, approximate: string): string {
  if (approximate === "tanh") {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const x3 = one(e, "Mul", [one(e, "Mul", [x, x]), x]);
    const inner = one(e, "Mul", [one(e, "Add", [x, one(e, "Mul", [x3, constF(e, "gelu_c", 0.044715)])]), constF(e, "gelu_k", Math.sqrt(2 / Math.PI))]);
    return one(e, "Mul", [one(e, "Mul", [x, one(e, "Add", [one(e, "Tanh", [inner]), constF(e, "one", 1)])]), constF(e, "half", 0.5)]);
  }
  // 0.5·x·(1 + erf(x/√2)), as torch.onnx.export writes GELU at opset 17.
  const erf = one(e, "Erf", [one(e, "Div", [x, constF(e, "sqrt2", Math.SQRT2)])]);
  return one(e, "Mul", [one(e, "Mul", [x, one(e, "Add", [erf, constF(e, "one", 1)])]), constF(e, "half", 0.5)]);
}

const pair = (v: number | readonly number[] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === "number" ? [v, v] : [v[0], v[1]]);

function convPads(padding: unknown, k: number[], dil: number[]): number[] {
  const n = k.length;
  if (padding === undefined || padding === "valid") return new Array(2 * n).fill(0);
  if (padding === "same") {
    const begin = k.map((kk, i) => Math.floor((dil[i] * (kk - 1)) / 2));
    return [...begin, ...k.map((kk, i) => dil[i] * (kk - 1) - begin[i])];
  }
  const p = typeof padding === "number" ? new Array(n).fill(padding) : (padding as number[]);
  return [...p, ...p];
}

// ONNX gate order from PyTorch's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h.
const GATE_ORDER: Record<string, number[]> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn_tanh: [0], rnn_relu: [0] };

function reorder(t: Tensor | null | undefined, order: number[], rows: number, cols: number): number[] {
  if (!t) return new Array(order.length * rows * cols).fill(0);
  const v = data(t), block = rows * cols;
  return order.flatMap((g) => v.slice(g * block, (g + 1) * block));
}

type RnnLayer = RNN | LSTM | GRU;

function recurrent(e: Emit, m: RnnLayer): string[] {
  const { mode, hiddenSize: H, numLayers } = m;
  const dirs = m.bidirectional ? 2 : 1, order = GATE_ORDER[mode], G = order.length;
  const op = mode === "lstm" ? "LSTM" : mode === "gru" ? "GRU" : "RNN";
  const rec = m as unknown as Record<string, Tensor | undefined>;
  let x = m.batchFirst ? one(e, "Transpose", [e.x], { perm: [1, 0, 2] }) : e.x;
  let inSize = m.inputSize;
  const hs: string[] = [], cs: string[] = [];
  for (let l = 0; l < numLayers; l++) {
    const W: number[] = [], R: number[] = [], B: number[] = [];
    for (let d = 0; d < dirs; d++) {
      const s = `L${l}${d ? "Reverse" : ""}`;
      W.push(...reorder(rec[`weightIh${s}`], order, H, inSize));
      R.push(...reorder(rec[`weightHh${s}`], order, H, H));
      B.push(...reorder(rec[`biasIh${s}`], order, H, 1), ...reorder(rec[`biasHh${s}`], order, H, 1));
    }
    const sfx = `l${l}`;
    const attrs: Record<string, AttrValue> = { hidden_size: H, direction: dirs === 2 ? "bidirectional" : "forward" };
    if (mode === "gru") attrs.linear_before_reset = 1;
    if (mode === "rnn_relu") attrs.activations = { strings: new Array(dirs).fill("Relu") };
    const inputs = [x, e.g.float(`${e.path}.W_${sfx}`, [dirs, G * H, inSize], W), e.g.float(`${e.path}.R_${sfx}`, [dirs, G * H, H], R), e.g.float(`${e.path}.B_${sfx}`, [dirs, 2 * G * H], B)];
    const outs = e.g.node(op, inputs, attrs, mode === "lstm" ? 3 : 2, `${e.path}/${op}_${sfx}`);
    // Y [T, dirs, N, H] → [T, N, dirs·H]
    const y = one(e, "Transpose", [outs[0]], { perm: [0, 2, 1, 3] });
    x = one(e, "Reshape", [y, e.g.int64(`${e.path}.shape`, [0, 0, dirs * H])]);
    hs.push(outs[1]);
    if (mode === "lstm") cs.push(outs[2]);
    inSize = dirs * H;
  }
  const out = m.batchFirst ? one(e, "Transpose", [x], { perm: [1, 0, 2] }) : x;
  const cat = (vs: string[]) => (vs.length === 1 ? vs[0] : one(e, "Concat", vs, { axis: 0 }));
  return mode === "lstm" ? [out, cat(hs), cat(cs)] : [out, cat(hs)];
}

function encoderLayer(e: Emit, m: TransformerEncoderLayer): string {
  const o = m.opts, E = m.dModel, heads = m.nhead, hd = E / heads;
  const a = m.selfAttn;
  if (!a.inProjWeight) throw new ArgumentError(OP, `${e.path || "the model"}: attention with separate key/value sizes is not exported`);
  const sub = (name: string): Emit => ({ ...e, path: e.path ? `${e.path}.${name}` : name });
  let x = o.batchFirst ? e.x : one(e, "Transpose", [e.x], { perm: [1, 0, 2] }); // [N, S, E]
  const ln = (name: string, n: LayerNorm, v: string) => layerNorm(sub(name), n, v);
  const attention = (v: string): string => {
    const s = sub("self_attn");
    const qkv = linear(s, a.inProjWeight!, a.inProjBias, v, 3, "in_proj_");
    const [q, k, val] = e.g.node("Split", [qkv, e.g.int64(`${s.path}.split`, [E, E, E])], { axis: -1 }, 3, `${s.path}/Split`);
    const heads4 = e.g.int64(`${s.path}.heads_shape`, [0, 0, heads, hd]);
    const split = (t: string, perm: number[]) => one(s, "Transpose", [one(s, "Reshape", [t, heads4])], { perm });
    const scores = one(s, "Mul", [one(s, "MatMul", [split(q, [0, 2, 1, 3]), split(k, [0, 2, 3, 1])]), constF(s, "scale", 1 / Math.sqrt(hd))]);
    const ctx = one(s, "MatMul", [one(s, "Softmax", [scores], { axis: -1 }), split(val, [0, 2, 1, 3])]);
    const merged = one(s, "Reshape", [one(s, "Transpose", [ctx], { perm: [0, 2, 1, 3] }), e.g.int64(`${s.path}.merge_shape`, [0, 0, E])]);
    return linear(sub("self_attn.out_proj"), a.outProj.weight, a.outProj.bias, merged, 3);
  };
  const ff = (v: string): string => {
    const h = linear(sub("linear1"), m.linear1.weight, m.linear1.bias, v, 3);
    const act = o.activation === "gelu" ? gelu(sub("linear1"), h, "none") : one(e, "Relu", [h]);
    return linear(sub("linear2"), m.linear2.weight, m.linear2.bias, act, 3);
  };
  if (o.normFirst) {
    x = one(e, "Add", [x, attention(ln("norm1", m.norm1, x))]);
    x = one(e, "Add", [x, ff(ln("norm2", m.norm2, x))]);
  } else {
    x = ln("norm1", m.norm1, one(e, "Add", [x, attention(x)]));
    x = ln("norm2", m.norm2, one(e, "Add", [x, ff(x)]));
  }
  return o.batchFirst ? x : one(e, "Transpose", [x], { perm: [1, 0, 2] });
}

function layerNorm(e: Emit, m: LayerNorm, x = e.x): string {
  const n = m.normalizedShape, size = n.reduce((p, v) => p * v, 1);
  const w = m.weight ? param(e, "weight", m.weight) : e.g.float(`${e.path}.weight`, n, new Array(size).fill(1));
  const b = m.bias ? param(e, "bias", m.bias) : e.g.float(`${e.path}.bias`, n, new Array(size).fill(0));
  return one(e, "LayerNormalization", [x, w, b], { axis: -n.length, epsilon: { float: (m as unknown as { eps: number }).eps } });
}

/** The ONNX nodes of one known layer called on `e.x`, or undefined when `m` is not a layer saveOnnx writes. */
function emit(m: AnyModule, e: Emit): string[] | undefined {
  const r = m as unknown;
  if (r instanceof Linear) return [linear(e, r.weight, r.bias)];
  if (r instanceof Conv2d || r instanceof Conv1d) {
    const k = r.weight.shape.slice(2), n = k.length;
    const o = r.opts as { stride?: number | number[]; padding?: unknown; dilation?: number | number[]; groups?: number };
    const vec = (v: number | number[] | undefined) => (v === undefined ? new Array(n).fill(1) : typeof v === "number" ? new Array(n).fill(v) : [...v]);
    const dil = vec(o.dilation);
    const inputs = [e.x, param(e, "weight", r.weight), ...(r.bias ? [param(e, "bias", r.bias)] : [])];
    return [one(e, "Conv", inputs, { kernel_shape: k, strides: vec(o.stride), dilations: dil, pads: convPads(o.padding, k, dil), group: o.groups ?? 1 })];
  }
  if (r instanceof ConvTranspose2d) {
    const o = r.opts, p = pair(o.padding as number | number[] | undefined, 0);
    const inputs = [e.x, param(e, "weight", r.weight), ...(r.bias ? [param(e, "bias", r.bias)] : [])];
    return [one(e, "ConvTranspose", inputs, {
      kernel_shape: r.kernelSize, strides: pair(o.stride as number | number[] | undefined, 1), pads: [...p, ...p],
      output_padding: pair(o.outputPadding as number | number[] | undefined, 0), dilations: pair(o.dilation as number | number[] | undefined, 1), group: o.groups ?? 1,
    })];
  }
  if (r instanceof Upsample) {
    const o = r.opts, mode = o.mode ?? "nearest";
    const attrs: Record<string, AttrValue> = mode === "nearest"
      ? { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" }
      : { mode: "linear", coordinate_transformation_mode: o.alignCorners ? "align_corners" : "pytorch_half_pixel" };
    if (o.size !== undefined) {
      // Sizes name all four dims: N and C from the input's shape at run time (the batch is dynamic).
      const nc = one(e, "Shape", [e.x], { start: 0, end: 2 });
      const sizes = one(e, "Concat", [nc, e.g.int64(`${e.path}.size`, pair(o.size as number | number[], 1))], { axis: 0 });
      return [one(e, "Resize", [e.x, "", "", sizes], attrs)];
    }
    const f = typeof o.scaleFactor === "number" ? [o.scaleFactor, o.scaleFactor] : [...o.scaleFactor!];
    return [one(e, "Resize", [e.x, "", e.g.float(`${e.path}.scales`, [4], [1, 1, ...f])], attrs)];
  }
  if (r instanceof Unflatten) {
    const n = e.shape.length, d = r.dim < 0 ? r.dim + n : r.dim;
    // Leading dims copied (0) so the batch stays dynamic; the trailing ones as traced.
    const shape = [...e.shape.slice(0, d).map(() => 0), ...r.sizes, ...e.shape.slice(d + 1)];
    return [one(e, "Reshape", [e.x, e.g.int64(`${e.path}.shape`, shape)])];
  }
  if (r instanceof MaxPool2d || r instanceof AvgPool2d) {
    const k = pair(r.kernelSize as number | number[], 1), o = r.opts as { stride?: number | number[]; padding?: number | number[]; dilation?: number | number[]; ceilMode?: boolean; countIncludePad?: boolean };
    const p = pair(o.padding, 0);
    const attrs: Record<string, AttrValue> = { kernel_shape: k, strides: pair(o.stride, 0).every((v) => v === 0) ? k : pair(o.stride, 1), pads: [...p, ...p], ceil_mode: o.ceilMode ? 1 : 0 };
    if (r instanceof MaxPool2d) return [one(e, "MaxPool", [e.x], { ...attrs, dilations: pair(o.dilation, 1) })];
    return [one(e, "AveragePool", [e.x], { ...attrs, count_include_pad: o.countIncludePad ?? true ? 1 : 0 })];
  }
  if (r instanceof AdaptiveAvgPool2d) {
    const out = typeof r.outputSize === "number" ? [r.outputSize, r.outputSize] : r.outputSize.map((v, i) => v ?? e.shape[2 + i]);
    if (out[0] === 1 && out[1] === 1) return [one(e, "GlobalAveragePool", [e.x])];
    const [H, W] = e.shape.slice(2);
    if (H % out[0] || W % out[1]) throw new ArgumentError(OP, `${e.path}: AdaptiveAvgPool2d to ${JSON.stringify(r.outputSize)} from ${H}×${W} is not a fixed pooling and is not exported`);
    const k = [H / out[0], W / out[1]];
    return [one(e, "AveragePool", [e.x], { kernel_shape: k, strides: k })];
  }
  if (r instanceof BatchNorm1d || r instanceof BatchNorm2d) {
    if (!r.runningMean || !r.runningVar) throw new ArgumentError(OP, `${e.path}: batch norm without running statistics is not exported`);
    const C = r.runningMean.shape[0];
    const w = r.weight ? param(e, "weight", r.weight) : e.g.float(`${e.path}.weight`, [C], new Array(C).fill(1));
    const b = r.bias ? param(e, "bias", r.bias) : e.g.float(`${e.path}.bias`, [C], new Array(C).fill(0));
    return [one(e, "BatchNormalization", [e.x, w, b, param(e, "running_mean", r.runningMean), param(e, "running_var", r.runningVar)], { epsilon: { float: r.eps } })];
  }
  if (r instanceof LayerNorm) return [layerNorm(e, r)];
  if (r instanceof ReLU) return [one(e, "Relu", [e.x])];
  if (r instanceof Tanh) return [one(e, "Tanh", [e.x])];
  if (r instanceof Sigmoid) return [one(e, "Sigmoid", [e.x])];
  if (r instanceof LeakyReLU) return [one(e, "LeakyRelu", [e.x], { alpha: { float: r.negativeSlope } })];
  if (r instanceof ELU) return [one(e, "Elu", [e.x], { alpha: { float: r.alpha } })];
  if (r instanceof GELU) return [gelu(e, e.x, r.approximate)];
  if (r instanceof Softplus) {
    if (r.beta === 1) return [one(e, "Softplus", [e.x])];
    return [one(e, "Div", [one(e, "Softplus", [one(e, "Mul", [e.x, constF(e, "beta", r.beta)])]), constF(e, "beta", r.beta)])];
  }
  if (r instanceof Softmax) return [one(e, "Softmax", [e.x], { axis: r.dim })];
  if (r instanceof LogSoftmax) return [one(e, "LogSoftmax", [e.x], { axis: r.dim })];
  if (r instanceof Dropout || r instanceof Identity) return [one(e, "Identity", [e.x])];
  if (r instanceof Flatten) {
    const n = e.shape.length, s = r.startDim < 0 ? r.startDim + n : r.startDim, t = r.endDim < 0 ? r.endDim + n : r.endDim;
    if (s === 1 && t === n - 1) return [one(e, "Flatten", [e.x], { axis: 1 })];
    const shape = [...e.shape.slice(0, s).map(() => 0), -1, ...e.shape.slice(t + 1)];
    return [one(e, "Reshape", [e.x, e.g.int64(`${e.path}.shape`, shape)])];
  }
  if (r instanceof Embedding) return [one(e, "Gather", [param(e, "weight", r.weight), e.x], { axis: 0 })];
  if (r instanceof RNN || r instanceof LSTM || r instanceof GRU) return recurrent(e, r);
  if (r instanceof TransformerEncoderLayer) return [encoderLayer(e, r)];
  if (r instanceof PositionalEncoding) {
    // The table's first S rows as a constant: only the batch dim of the file is dynamic.
    const seqDim = e.shape.length === 3 && r.batchFirst ? 1 : 0, S = e.shape[seqDim];
    const pe = noGrad(() => sinusoidalPositionalEncoding(S, r.dModel));
    const shape = e.shape.length === 3 ? (seqDim === 0 ? [S, 1, r.dModel] : [1, S, r.dModel]) : [S, r.dModel];
    return [one(e, "Add", [e.x, e.g.float(`${e.path || "pe"}.table`, shape, data(pe))])];
  }
  return undefined;
}

/** The tensors of a layer's output (a tensor, or arrays of them, as LSTM's [out, [h, c]]), in order. */
function tensorsOf(v: unknown): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v)) return v.flatMap(tensorsOf);
  return [];
}

/** The path of every module in the model ("" for the root, "0", "encoder.layers.1", ...). */
function paths(model: AnyModule): Map<AnyModule, string> {
  const out = new Map<AnyModule, string>();
  const walk = (m: AnyModule, p: string) => {
    if (!out.has(m)) out.set(m, p);
    for (const [n, c] of m.namedChildren()) walk(c, p ? `${p}.${n}` : n);
  };
  walk(model, "");
  return out;
}

function attrValue(a: OnnxAttr): AttrValue {
  switch (a.kind) {
    case "float": return { float: a.value };
    case "floats": return { floats: a.value };
    case "strings": return { strings: a.value };
    case "tensor": return { tensor: { elemType: a.value.elemType, shape: a.value.shape, data: a.value.data } };
    case "other": throw new ArgumentError(OP, "an attribute of a kind deepscript does not read");
    default: return a.value;
  }
}

/**
 * A model read by io.loadOnnx, written back with its current weights (after fine-tuning): the
 * same graph, opset, inputs and outputs, initializers in their element types.
 */
function encodeLoaded(model: OnnxModule): Uint8Array {
  const g = new GraphBuilder();
  const graph = model.exportGraph();
  g.reserve([...graph.inputs.map((v) => v.name), ...graph.nodes.flatMap((n) => n.outputs)]);
  for (const s of graph.state) g.raw(s.name, { elemType: s.elemType, shape: s.tensor.shape, data: data(s.tensor) });
  for (const n of graph.nodes) {
    g.copyNode(n.opType, n.inputs, n.outputs, Object.fromEntries([...n.attrs].map(([k, v]) => [k, attrValue(v)])), n.name);
  }
  return g.encode(graph.inputs, graph.outputs, graph.opset, version);
}

/** The ONNX file of `model` traced on `example`. */
export function encodeOnnx(model: AnyModule, example: Tensor): Uint8Array {
  if (!(model instanceof Module)) throw new ArgumentError(OP, `expected an nn.Module, got ${typeof model}`);
  if (!(example instanceof Tensor)) throw new ArgumentError(OP, `expected an example input Tensor, got ${typeof example}`);
  if ((model as unknown) instanceof OnnxModule) return encodeLoaded(model as unknown as OnnxModule);
  if (example.ndim < 1) throw new ArgumentError(OP, "the example input needs a batch dimension");
  const g = new GraphBuilder();
  const names = new Map<Tensor, string>([[example, g.fresh("input")]]);
  const where = paths(model);
  let depth = 0;
  // Sequence-first recurrent and attention layers read the batch from dim 1 of their input.
  let inputBatchDim = 0;
  const batchDims = new Map<Tensor, number>();
  const patched: AnyModule[] = [];
  for (const [m, path] of where) {
    // Known layers record their nodes; every other module runs its forward and is traced through.
    if (!isKnown(m)) continue;
    const original = m.call;
    patched.push(m);
    (m as unknown as { call: (...a: unknown[]) => unknown }).call = (...args: unknown[]) => {
        if (depth > 0) return original.apply(m, args as never[]);
        const x = args[0];
        const what = `${path || "the model"} (${m.constructor.name})`;
        if (!(x instanceof Tensor)) throw new ArgumentError(OP, `${what} was called with ${typeof x}, not a tensor`);
        // Options objects whose entries are all unset (as TransformerEncoder passes its layers) are fine.
        const unset = (v: unknown): boolean => v === undefined || v === null || v === false || (typeof v === "object" && !Array.isArray(v) && !(v instanceof Tensor) && Object.values(v as object).every(unset));
        if (!args.slice(1).every(unset)) {
          throw new ArgumentError(OP, `${what} was called with extra arguments (initial states, masks, options), which are not exported`);
        }
        const xn = names.get(x);
        if (xn === undefined) throw new ArgumentError(OP, `${what} reads a tensor computed outside nn layers (a tensor op in a custom forward); saveOnnx exports models built from layers only`);
        depth++;
        let out: unknown;
        try {
          out = original.apply(m, args as never[]);
        } finally {
          depth--;
        }
        if (x === example) {
          inputBatchDim = sequenceFirst(m) ? 1 : 0;
          batchDims.set(example, inputBatchDim);
        }
        const made = emit(m, { g, path, x: xn, shape: x.shape })!;
        const ts = tensorsOf(out);
        ts.forEach((t, i) => {
          if (made[i] === undefined) return;
          names.set(t, made[i]);
          // Where each output carries the batch: hidden states [layers·dirs, N, H] in dim 1; the main output as the layer's input, or per its batchFirst.
          batchDims.set(t, i > 0 ? 1 : isSequenceLayer(m) ? (sequenceFirst(m) ? 1 : 0) : batchDims.get(x) ?? 0);
        });
        return out;
      };
  }
  const wasTraining = model.training;
  let result: unknown;
  try {
    model.eval();
    result = noGrad(() => (model as unknown as { call(x: Tensor): unknown }).call(example));
  } finally {
    for (const m of patched) delete (m as unknown as { call?: unknown }).call;
    model.train(wasTraining);
  }
  const outs = tensorsOf(result);
  if (!outs.length) throw new ArgumentError(OP, "the model returned no tensor");
  const outputs = outs.map((t, i) => {
    const n = names.get(t);
    if (n === undefined) throw new ArgumentError(OP, `output ${i} of the model is computed outside nn layers (a tensor op in a custom forward); saveOnnx exports models built from layers only`);
    const name = outs.length === 1 ? "output" : `output_${i}`;
    g.rename(n, name);
    // The batch dim is symbolic unless the output lost it (a reduction over the batch).
    return { name, elemType: 1, shape: t.shape.map((d, j) => (j === (batchDims.get(t) ?? 0) ? "batch" : d)) };
  });
  const input = { name: names.get(example)!, elemType: example.dtype === "int32" ? 6 : 1, shape: example.shape.map((d, j) => (j === inputBatchDim ? "batch" : d)) };
  return g.encode([input], outputs, EXPORT_OPSET, version);
}

const isSequenceLayer = (m: AnyModule) => [RNN, LSTM, GRU, TransformerEncoderLayer, PositionalEncoding].some((k) => (m as unknown) instanceof k);

function sequenceFirst(m: AnyModule): boolean {
  const r = m as unknown;
  if (r instanceof RNN || r instanceof LSTM || r instanceof GRU) return !r.batchFirst;
  if (r instanceof TransformerEncoderLayer) return !r.opts.batchFirst;
  if (r instanceof PositionalEncoding) return !r.batchFirst;
  return false;
}

const KNOWN = [
  Linear, Conv1d, Conv2d, ConvTranspose2d, Upsample, Unflatten, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, LayerNorm, ReLU, Tanh, Sigmoid,
  LeakyReLU, ELU, GELU, Softplus, Softmax, LogSoftmax, Dropout, Identity, Flatten, Embedding, RNN, LSTM, GRU, TransformerEncoderLayer,
  PositionalEncoding,
] as const;

/** Whether saveOnnx writes `m` as ONNX nodes (emit handles it). */
function isKnown(m: AnyModule): boolean {
  return KNOWN.some((k) => (m as unknown) instanceof k);
}

/**
 * Writes `model` as an ONNX file (opset 17) traced on `exampleInput`, with a dynamic batch
 * dimension: Linear, Conv1d/2d, ConvTranspose2d, Upsample, pooling, batch and layer norm,
 * activations, Dropout (as Identity), Flatten, Unflatten, Embedding, RNN/LSTM/GRU and
 * TransformerEncoderLayer, PositionalEncoding, in Sequential
 * containers or custom modules that pass tensors from layer to layer. The graph is the model in
 * eval mode. A model read by io.loadOnnx is written back as its graph (same opset) with its
 * current weights, so a fine-tuned ONNX model deploys again. Returns the path; without one, the
 * file's bytes as a Blob (as io.save).
 * @example io.saveOnnx(model, ds.zeros([1, 784]), "mnist.onnx");
 */
export function saveOnnx(model: AnyModule, exampleInput: Tensor, path: string): string;
export function saveOnnx(model: AnyModule, exampleInput: Tensor): Blob;
export function saveOnnx(model: AnyModule, exampleInput: Tensor, path?: string): string | Blob {
  const bytes = encodeOnnx(model, exampleInput);
  if (path === undefined) return new Blob([bytes as BlobPart], { type: "application/octet-stream" });
  writeAtomic(OP, path, bytes);
  return path;
}
