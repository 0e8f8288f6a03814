// io.loadOnnx: an ONNX model file as an nn.Module that runs its graph with deepscript ops, so the
// model trains like any other (autograd through every operator, optimizers over parameters()).
// The file is read and checked by io/onnx/read.ts; here every node is checked against the
// operator tables (op type, attribute names and values) before a single tensor is allocated, so a
// model with an operator deepscript cannot run fails at load, naming the node, type and opset.
import { ArgumentError, DeepScriptError, DTypeError, FileError, ShapeError } from "../../core/errors.js";
import { withSource, type AsyncSource, type FileSource, type SyncSource } from "../../core/source.js";
import { isFloat } from "../../core/dtype.js";
import { readOnnx, dtypeOfElem, type OnnxModelFile, type OnnxNode, type OnnxValueInfo } from "../../io/onnx/read.js";
import { Tensor } from "../../tensor/tensor.js";
import { frame, keep } from "../../tensor/memory.js";
import { noGrad } from "../../autograd/mode.js";
import { Module, type StateDict } from "../module.js";
import { Parameter } from "../parameter.js";
import { Attrs, fromOnnx, type OpContext, type OpDef } from "./attrs.js";
import { TENSOR_OPS } from "./ops_tensor.js";
import { NN_OPS } from "./ops_nn.js";
import { RNN_OPS } from "./ops_rnn.js";

/** Every ONNX operator io.loadOnnx runs, by op type (domain ai.onnx). */
export const ONNX_OPS: Readonly<Record<string, OpDef>> = { ...TENSOR_OPS, ...NN_OPS, ...RNN_OPS };

// Inputs whose initializers are learned weights (the rest of the float initializers are learned
// too when they hold more than one value; single numbers elsewhere are constants of the formula).
const WEIGHT_INPUTS: Record<string, number[]> = {
  Gemm: [0, 1, 2], MatMul: [0, 1], Conv: [1, 2], ConvTranspose: [1, 2], BatchNormalization: [1, 2],
  LayerNormalization: [1, 2], InstanceNormalization: [1, 2], PRelu: [1], RNN: [1, 2, 3], GRU: [1, 2, 3], LSTM: [1, 2, 3], Gather: [0],
};

interface Step { node: OnnxNode; def: OpDef; attrs: Attrs; ctx: OpContext }

/**
 * A model read from an ONNX file. Parameters are the file's learned float initializers (trainable),
 * buffers its other initializers (batch-norm running statistics, constants); both appear in
 * stateDict() under their initializer names. `call(...inputs)` gives the first graph output;
 * `run(...)` gives every output by name.
 * @example const model = io.loadOnnx("mlp.onnx"); const y = model.call(x);
 */
export class OnnxModule extends Module<Tensor[], Tensor> {
  /** The ONNX opset of the file. */
  readonly opset: number;
  /** Names of the graph inputs, in the order call() takes them. */
  readonly inputNames: string[];
  /** Names of the graph outputs, in file order. */
  readonly outputNames: string[];
  /** The producer named in the file ("pytorch 1.13.0"). */
  readonly producer: string;
  readonly #inputs: OnnxValueInfo[];
  readonly #outputs: OnnxValueInfo[];
  // Each initializer's element type in the file (what io.saveOnnx writes back).
  readonly #elemTypes: Map<string, number>;
  readonly #steps: Step[];
  #params = new Map<string, Parameter>();
  // What FLOAT graph inputs must be: float32, or float64 after to("float64").
  #float: "float32" | "float64" = "float32";
  #buffers = new Map<string, Tensor>();
  // stateDict order: the file's initializer order.
  readonly #order: string[];

  /** @internal Built by loadOnnx from a checked file. */
  constructor(file: OnnxModelFile, steps: Step[], learned: Set<string>) {
    super();
    this.opset = file.opset;
    this.producer = file.producer;
    this.#inputs = file.inputs;
    this.#outputs = file.outputs;
    this.#elemTypes = new Map(file.initializers.map((t) => [t.name, t.elemType]));
    this.inputNames = file.inputs.map((v) => v.name);
    this.outputNames = file.outputs.map((v) => v.name);
    this.#steps = steps;
    this.#order = file.initializers.map((t) => t.name);
    for (const t of file.initializers) {
      const v = fromOnnx(t);
      if (learned.has(t.name)) this.#params.set(t.name, new Parameter(v));
      else this.#buffers.set(t.name, keep(v));
    }
  }

  /** The first graph output for `inputs` (one tensor per graph input, in inputNames order). */
  forward(...inputs: Tensor[]): Tensor {
    const out = this.#execute(inputs);
    return out[this.outputNames[0]];
  }

  /**
   * Every graph output by name, for inputs given in order or by name.
   * @example const { logits, hidden } = model.run(x);
   */
  run(...inputs: Tensor[] | [Record<string, Tensor>]): Record<string, Tensor> {
    const first = inputs[0];
    const list = inputs.length === 1 && first && !(first instanceof Tensor)
      ? this.inputNames.map((n) => {
        const t = (first as Record<string, Tensor>)[n];
        if (!(t instanceof Tensor)) throw new ArgumentError("OnnxModule.run", `input "${n}" is missing (inputs: ${this.inputNames.join(", ")})`);
        return t;
      })
      : (inputs as Tensor[]);
    return frame(() => this.#execute(list));
  }

  #execute(inputs: Tensor[]): Record<string, Tensor> {
    const op = "OnnxModule.forward";
    if (inputs.length !== this.#inputs.length) {
      throw new ArgumentError(op, `the model takes ${this.#inputs.length} input${this.#inputs.length === 1 ? "" : "s"} (${this.inputNames.join(", ")}), got ${inputs.length}`);
    }
    const values = new Map<string, Tensor>([...this.#params, ...this.#buffers]);
    this.#inputs.forEach((v, i) => {
      const t = inputs[i];
      if (!(t instanceof Tensor)) throw new ArgumentError(op, `input "${v.name}" must be a Tensor, got ${typeof t}`);
      const want = v.elemType === 1 ? this.#float : dtypeOfElem(v.elemType);
      if (want && t.dtype !== want) throw new DTypeError(op, `input "${v.name}" must be ${want}, got ${t.dtype}`);
      if (v.shape) {
        const bad = v.shape.length !== t.ndim || v.shape.some((d, j) => typeof d === "number" && d !== t.shape[j]);
        if (bad) throw new ShapeError(op, `input "${v.name}" must have shape [${v.shape.map((d) => d ?? "?").join(",")}], got [${t.shape}]`);
      }
      values.set(v.name, t);
    });
    for (const s of this.#steps) {
      const x = s.node.inputs.map((n) => (n ? values.get(n) : undefined));
      let ys: Tensor[];
      try {
        ys = s.def.run(x, s.attrs, s.ctx);
      } catch (e) {
        throw nodeError(e, s.node);
      }
      s.node.outputs.forEach((n, i) => {
        if (!n) return;
        if (!ys[i]) throw new ArgumentError(`onnx ${s.node.opType} node "${s.node.name}"`, `output ${i} ("${n}") is not produced by deepscript's ${s.node.opType}`);
        values.set(n, ys[i]);
      });
    }
    return Object.fromEntries(this.outputNames.map((n) => [n, values.get(n)!]));
  }

  /** @internal The graph with the current weights, for io.saveOnnx. */
  exportGraph(): { opset: number; inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[]; nodes: OnnxNode[]; state: { name: string; elemType: number; tensor: Tensor }[] } {
    const sd = this.stateDict();
    return {
      opset: this.opset, inputs: this.#inputs, outputs: this.#outputs, nodes: this.#steps.map((s) => s.node),
      state: this.#order.map((name) => ({ name, elemType: this.#elemTypes.get(name)!, tensor: sd[name] })),
    };
  }

  override namedParameters(prefix = ""): [string, Parameter][] {
    return [...this.#params].map(([k, p]) => [prefix + k, p]);
  }

  override namedBuffers(prefix = ""): [string, Tensor][] {
    return [...this.#buffers].map(([k, t]) => [prefix + k, t]);
  }

  override namedChildren(): [string, Module<never[], unknown>][] {
    return [];
  }

  override stateDict(): StateDict {
    const sd: StateDict = {};
    for (const k of this.#order) sd[k] = (this.#params.get(k) ?? this.#buffers.get(k))!;
    return sd;
  }

  override to(dtype: "float32" | "float64"): this {
    this.#float = dtype;
    for (const [k, p] of this.#params) if (p.dtype !== dtype) this.#params.set(k, new Parameter(noGrad(() => p.to(dtype)), p.requiresGrad));
    for (const [k, t] of this.#buffers) if (isFloat(t.dtype) && t.dtype !== dtype) this.#buffers.set(k, keep(noGrad(() => t.to(dtype))));
    return this;
  }

  protected override extraRepr(): string {
    const ops = new Map<string, number>();
    for (const s of this.#steps) ops.set(s.node.opType, (ops.get(s.node.opType) ?? 0) + 1);
    return `opset=${this.opset}, inputs=[${this.inputNames.join(", ")}], outputs=[${this.outputNames.join(", ")}], nodes=${this.#steps.length} (${[...ops].map(([k, v]) => `${k}×${v}`).join(" ")})`;
  }
}

// An error inside an operator, renamed after the node that raised it.
function nodeError(e: unknown, node: OnnxNode): unknown {
  if (!(e instanceof DeepScriptError) || e.op.startsWith("onnx ")) return e;
  const where = `onnx ${node.opType} node "${node.name}"`;
  const msg = `${e.op}: ${e.message.slice(e.op.length + 2)}`;
  if (e instanceof ShapeError) return new ShapeError(where, msg);
  if (e instanceof DTypeError) return new DTypeError(where, msg);
  if (e instanceof ArgumentError) return new ArgumentError(where, msg);
  return e;
}

/** Checks every node against the operator tables; returns the runnable steps. */
function plan(op: string, name: string, file: OnnxModelFile): Step[] {
  return file.nodes.map((node) => {
    const what = `node "${node.name}" (${node.opType}, opset ${file.opset})`;
    const def = Object.hasOwn(ONNX_OPS, node.opType) ? ONNX_OPS[node.opType] : undefined;
    if (!def) throw new FileError(op, name, `${what}: operator ${node.opType} is not supported by deepscript`);
    for (const [k, v] of node.attrs) {
      if (!def.attrs.includes(k)) throw new FileError(op, name, `${what}: attribute "${k}" is not supported`);
      if (v.kind === "other") throw new FileError(op, name, `${what}: attribute "${k}" is a graph, sparse tensor or type, which deepscript does not read`);
    }
    const attrs = new Attrs(node.attrs);
    const ctx: OpContext = { node, opset: file.opset };
    const why = def.check?.(attrs, ctx);
    if (why) throw new FileError(op, name, `${what}: ${why} is not supported`);
    return { node, def, attrs, ctx };
  });
}

/** The float initializers that are learned: weights of the layers, and any with more than one value (not batch-norm statistics). */
function learnedInitializers(file: OnnxModelFile): Set<string> {
  const weights = new Set<string>(), stats = new Set<string>();
  for (const n of file.nodes) {
    for (const i of WEIGHT_INPUTS[n.opType] ?? []) if (n.inputs[i]) weights.add(n.inputs[i]);
    if (n.opType === "BatchNormalization") for (const i of [3, 4]) if (n.inputs[i]) stats.add(n.inputs[i]);
  }
  const out = new Set<string>();
  for (const t of file.initializers) {
    if (!isFloat(t.dtype) || stats.has(t.name)) continue;
    if (weights.has(t.name) || t.data.length > 1) out.add(t.name);
  }
  return out;
}

/**
 * The file with each `Identity` of an initializer replaced by an initializer of its own under the
 * Identity's output name. PyTorch's exporter stores parameters with equal values once (layers
 * deep-copied by nn.TransformerEncoder, zero biases) and names the others through Identity nodes;
 * untied, every PyTorch parameter is a parameter here, under its PyTorch name, and trains alone.
 */
function untie(file: OnnxModelFile): OnnxModelFile {
  const inits = new Map(file.initializers.map((t) => [t.name, t]));
  const outputs = new Set(file.outputs.map((o) => o.name));
  const extra: OnnxModelFile["initializers"] = [];
  const nodes = file.nodes.filter((n) => {
    const src = n.opType === "Identity" && n.inputs.length === 1 ? inits.get(n.inputs[0]) : undefined;
    if (!src || !n.outputs[0] || outputs.has(n.outputs[0])) return true;
    extra.push({ ...src, name: n.outputs[0], data: src.data.slice() });
    return false;
  });
  return extra.length ? { ...file, nodes, initializers: [...file.initializers, ...extra] } : file;
}

/** loadOnnx on the bytes of a file. */
function build(op: string, bytes: Uint8Array, name: string, path: string | null): OnnxModule {
  const file = untie(readOnnx(op, bytes, name, path));
  const steps = plan(op, name, file);
  return new OnnxModule(file, steps, learnedInitializers(file));
}

/**
 * Reads an ONNX model (what torch.onnx.export and other exporters write, opsets 13–21) as an
 * nn.Module that deepscript runs and trains: parameters are the file's weight initializers, and
 * stateDict keys are the initializer names. Takes a path or the file's bytes (and returns the
 * model), or a URL, Response, File or Blob (and returns a Promise of it). An operator, attribute
 * or attribute value deepscript cannot run is a FileError naming the node, its type and the
 * opset; nothing is built until the whole file has been checked. External data is read from files
 * beside a model given by path (never outside its folder).
 * @example const model = io.loadOnnx("resnet.onnx"); const logits = model.call(images);
 * @example const model = await io.loadOnnx(new URL("model.onnx", location.href)); // in a page
 */
export function loadOnnx(src: SyncSource): OnnxModule;
export function loadOnnx(src: AsyncSource): Promise<OnnxModule>;
export function loadOnnx(src: FileSource): OnnxModule | Promise<OnnxModule>;
export function loadOnnx(src: FileSource): OnnxModule | Promise<OnnxModule> {
  const op = "io.loadOnnx";
  return withSource(op, src, (bytes, name) => build(op, bytes, name, typeof src === "string" ? src : null));
}
