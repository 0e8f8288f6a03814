// Writing ONNX: a small graph builder (unique value names, initializers as raw little-endian data,
// typed attributes) that encodes a ModelProto with protobufjs. What goes into the graph is
// nn/onnx/export.ts's business; this file knows only the format.
import { messageType } from "./proto.js";

/** An attribute value: an integer, integers, a string, or floats marked as such (ONNX types them). */
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | { strings: string[] } | { tensor: RawTensor };

/** A tensor to write: its ONNX element type, shape and values. */
export interface RawTensor { elemType: number; shape: readonly number[]; data: ArrayLike<number> }

// Raw little-endian bytes of `data` as ONNX element type `elemType` (float types other than
// double are written as FLOAT, integers of every width as their own type).
function rawBytes(t: RawTensor): { dataType: number; rawData: Uint8Array } {
  const d = Array.from(t.data, Number);
  switch (t.elemType) {
    case 11: return { dataType: 11, rawData: new Uint8Array(Float64Array.from(d).buffer) };
    case 7: return { dataType: 7, rawData: new Uint8Array(BigInt64Array.from(d.map((v) => BigInt(Math.trunc(v)))).buffer) };
    case 13: return { dataType: 13, rawData: new Uint8Array(BigUint64Array.from(d.map((v) => BigInt(Math.max(0, Math.trunc(v))))).buffer) };
    case 6: return { dataType: 6, rawData: new Uint8Array(Int32Array.from(d).buffer) };
    case 12: return { dataType: 12, rawData: new Uint8Array(Uint32Array.from(d).buffer) };
    case 5: return { dataType: 5, rawData: new Uint8Array(Int16Array.from(d).buffer) };
    case 4: return { dataType: 4, rawData: new Uint8Array(Uint16Array.from(d).buffer) };
    case 3: return { dataType: 3, rawData: new Uint8Array(Int8Array.from(d).buffer) };
    case 2: case 9: return { dataType: t.elemType, rawData: Uint8Array.from(d) };
    default: return { dataType: 1, rawData: new Uint8Array(Float32Array.from(d).buffer) };
  }
}

/** A graph input or output: name, ONNX element type (1 FLOAT, 6 INT32, 7 INT64) and shape (strings are symbolic dims). */
export interface ValueSpec { name: string; elemType: number; shape: (number | string | null)[] | null }

function encodeAttrs(attrs: Record<string, AttrValue>): object[] {
  return Object.entries(attrs).map(([k, v]) => {
    if (typeof v === "string") return { name: k, type: 3, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) return { name: k, type: 7, ints: v };
    if (typeof v === "number") return { name: k, type: 2, i: v };
    if ("float" in v) return { name: k, type: 1, f: v.float };
    if ("strings" in v) return { name: k, type: 8, strings: v.strings.map((x) => new TextEncoder().encode(x)) };
    if ("tensor" in v) return { name: k, type: 4, t: { dims: [...v.tensor.shape], ...rawBytes(v.tensor) } };
    return { name: k, type: 6, floats: v.floats };
  });
}

/** ONNX graph under construction. */
export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly inits: object[] = [];
  private readonly used = new Set<string>();

  /** A value name not used yet, from `base` ("fc1.weight", "fc1.weight_1", ...). */
  fresh(base: string): string {
    let name = base, i = 0;
    while (this.used.has(name)) name = `${base}_${++i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a float32 initializer; returns its name. */
  float(name: string, shape: readonly number[], data: ArrayLike<number>): string {
    const n = this.fresh(name);
    this.inits.push({ name: n, dims: [...shape], dataType: 1, rawData: new Uint8Array(Float32Array.from(data).buffer) });
    return n;
  }

  /** Adds an initializer of any element type under exactly `name` (which must be unused); returns it. */
  raw(name: string, t: RawTensor): string {
    const n = this.fresh(name);
    this.inits.push({ name: n, dims: [...t.shape], ...rawBytes(t) });
    return n;
  }

  /** Marks names as taken (the values of a copied graph). */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.used.add(n);
  }

  /** Adds a node with given output names (a copied graph's node). */
  copyNode(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue>, name: string): void {
    this.nodes.push({ name: this.fresh(name), opType, input: [...inputs], output: [...outputs], attribute: encodeAttrs(attrs) });
  }

  /** Adds an int64 initializer (shapes, axes, split sizes); returns its name. */
  int64(name: string, values: readonly number[], shape: readonly number[] = [values.length]): string {
    const n = this.fresh(name);
    this.inits.push({ name: n, dims: [...shape], dataType: 7, rawData: new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer) });
    return n;
  }

  /** Adds a node; returns the names of its `outputs` outputs. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputs = 1, hint = opType): string[] {
    const name = this.fresh(`/${hint}`);
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(`${name}_output_${i}`));
    this.nodes.push({ name, opType, input: [...inputs], output: outs, attribute: encodeAttrs(attrs) });
    return outs;
  }

  /** Names an existing value as a graph output (an Identity node). */
  rename(value: string, name: string): void {
    this.used.add(name);
    this.nodes.push({ name: this.fresh(`/output_${name}`), opType: "Identity", input: [value], output: [name], attribute: [] });
  }

  /** The ModelProto bytes. */
  encode(inputs: readonly ValueSpec[], outputs: readonly ValueSpec[], opset: number, producerVersion: string): Uint8Array {
    const vi = (v: ValueSpec) => ({
      name: v.name,
      type: { tensorType: { elemType: v.elemType, ...(v.shape ? { shape: { dim: v.shape.map((d) => (typeof d === "string" ? { dimParam: d } : d === null ? {} : { dimValue: d })) } } : {}) } },
    });
    const M = messageType("ModelProto");
    return M.encode(M.fromObject({
      irVersion: 8, producerName: "deepscript", producerVersion, opsetImport: [{ domain: "", version: opset }],
      graph: { name: "deepscript", node: this.nodes, initializer: this.inits, input: inputs.map(vi), output: outputs.map(vi) },
    })).finish();
  }
}
