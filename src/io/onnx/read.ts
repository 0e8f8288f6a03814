// Reading an ONNX model file into a checked, plain description: opset, graph inputs and outputs,
// initializers as typed arrays, nodes with decoded attributes. Everything is validated before any
// tensor is allocated: tensor sizes against their data, dims, names defined before use, external
// data (resolved next to the model file, never outside its folder). Building a runnable module is
// nn/onnx's work; this file knows only the format.
import { FileError } from "../../core/errors.js";
import type { DType } from "../../core/dtype.js";
import { nodeBuiltin } from "../../core/source.js";
import { int64, messageType, type PbAttribute, type PbModel, type PbTensor, type PbValueInfo } from "./proto.js";

/** The ONNX opsets io.loadOnnx reads (attribute and input forms of each operator across them). */
export const MIN_OPSET = 13, MAX_OPSET = 21;

/** A tensor of the file (initializer or attribute), converted to one of deepscript's dtypes. */
export interface OnnxTensor {
  name: string;
  dtype: DType;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
  /** The ONNX element type in the file (what io.saveOnnx writes back). */
  elemType: number;
}

/** A decoded node attribute. */
export type OnnxAttr =
  | { kind: "float"; value: number } | { kind: "int"; value: number } | { kind: "string"; value: string }
  | { kind: "tensor"; value: OnnxTensor } | { kind: "floats"; value: number[] } | { kind: "ints"; value: number[] }
  | { kind: "strings"; value: string[] } | { kind: "other"; type: number };

export interface OnnxNode {
  /** The node's name, or "#i" (its index) when the file gives none. */
  name: string;
  opType: string;
  domain: string;
  /** Input names; "" marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Map<string, OnnxAttr>;
}

/** A graph input or output: its name, ONNX element type number and shape (a string or null for a symbolic or unknown dim). */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  shape: (number | string | null)[] | null;
}

export interface OnnxModelFile {
  irVersion: number;
  opset: number;
  producer: string;
  /** Graph inputs that are not initializers (what a caller feeds). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensor[];
  nodes: OnnxNode[];
}

// ONNX TensorProto.DataType → deepscript dtype and bytes per element in raw_data. Integer types
// become int32 (int64 values are clamped to int32's range: shape arithmetic, indices and the
// "to the end" sentinels of Slice keep their meaning), float16/bfloat16 become float32.
const ELEM: Record<number, { name: string; dtype: DType; bytes: number }> = {
  1: { name: "FLOAT", dtype: "float32", bytes: 4 }, 2: { name: "UINT8", dtype: "int32", bytes: 1 },
  3: { name: "INT8", dtype: "int32", bytes: 1 }, 4: { name: "UINT16", dtype: "int32", bytes: 2 },
  5: { name: "INT16", dtype: "int32", bytes: 2 }, 6: { name: "INT32", dtype: "int32", bytes: 4 },
  7: { name: "INT64", dtype: "int32", bytes: 8 }, 9: { name: "BOOL", dtype: "bool", bytes: 1 },
  10: { name: "FLOAT16", dtype: "float32", bytes: 2 }, 11: { name: "DOUBLE", dtype: "float64", bytes: 8 },
  12: { name: "UINT32", dtype: "int32", bytes: 4 }, 13: { name: "UINT64", dtype: "int32", bytes: 8 },
  16: { name: "BFLOAT16", dtype: "float32", bytes: 2 },
};

/** ONNX's element type names by number (for messages). */
export const ELEM_NAMES: Record<number, string> = { 8: "STRING", 14: "COMPLEX64", 15: "COMPLEX128", ...Object.fromEntries(Object.entries(ELEM).map(([k, v]) => [k, v.name])) };

/** The deepscript dtype an ONNX element type becomes, or undefined when it has none. */
export function dtypeOfElem(t: number): DType | undefined {
  return ELEM[t]?.dtype;
}

/** Most elements one tensor may declare (2^31 - 1, the largest typed array index here). */
const MAX_ELEMENTS = 2 ** 31 - 1;
const I32_MIN = -(2 ** 31), I32_MAX = 2 ** 31 - 1;
const clampI32 = (v: number) => (v > I32_MAX ? I32_MAX : v < I32_MIN ? I32_MIN : v);

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

interface Ctx { op: string; file: string; dir: string | null }

function fail(ctx: Ctx, reason: string): never {
  throw new FileError(ctx.op, ctx.file, reason);
}

/** The bytes of external data `t` refers to, read from the model's folder (never outside it). */
function externalBytes(ctx: Ctx, t: PbTensor, what: string): Uint8Array {
  const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = kv.get("location");
  if (!location) fail(ctx, `${what} is stored externally but names no location`);
  if (ctx.dir === null) fail(ctx, `${what} is stored in the external file "${location}", which cannot be found from bytes or a URL: load the model from its path`);
  const parts = location.split(/[\\/]/);
  if (location.startsWith("/") || /^[A-Za-z]:/.test(location) || parts.includes("..") || location.includes("\0")) {
    fail(ctx, `${what} names external data "${location}" outside the model's folder (an absolute path or "..")`);
  }
  const fs = nodeBuiltin<typeof import("node:fs")>("node:fs")!, p = nodeBuiltin<typeof import("node:path")>("node:path")!;
  const full = p.join(ctx.dir, location);
  const offset = Number(kv.get("offset") ?? 0), length = kv.has("length") ? Number(kv.get("length")) : null;
  if (!Number.isSafeInteger(offset) || offset < 0 || (length !== null && (!Number.isSafeInteger(length) || length < 0))) {
    fail(ctx, `${what} has an invalid external offset/length (${kv.get("offset")}, ${kv.get("length")})`);
  }
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(full);
  } catch (e) {
    fail(ctx, `${what}'s external data "${location}" cannot be read (${(e as Error).message})`);
  }
  const end = length === null ? bytes.length : offset + length;
  if (end > bytes.length || offset > bytes.length) fail(ctx, `${what}'s external data "${location}" has ${bytes.length} bytes, fewer than offset ${offset} + length ${length}`);
  return bytes.subarray(offset, end);
}

/** A TensorProto as an OnnxTensor, its size checked against its data before allocating. */
function readTensor(ctx: Ctx, t: PbTensor, what: string): OnnxTensor {
  const info = ELEM[t.dataType];
  if (!info) fail(ctx, `${what} has element type ${ELEM_NAMES[t.dataType] ?? t.dataType}, which deepscript does not read`);
  if (t.segment) fail(ctx, `${what} is a segment of a tensor, which deepscript does not read`);
  const shape = t.dims.map(int64);
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(ctx, `${what} has an invalid dimension ${d} in [${shape.join(",")}]`);
    n *= d;
    if (n > MAX_ELEMENTS) fail(ctx, `${what} declares shape [${shape.join(",")}], more than ${MAX_ELEMENTS} elements`);
  }
  let raw: Uint8Array | null = t.rawData && t.rawData.length ? t.rawData : null;
  if ((t.dataLocation ?? 0) === 1) raw = externalBytes(ctx, t, what);
  const typedLen = t.floatData.length + t.int32Data.length + t.int64Data.length + t.doubleData.length + t.uint64Data.length;
  if (raw) {
    if (typedLen) fail(ctx, `${what} has both raw_data and typed data`);
    if (raw.length !== n * info.bytes) fail(ctx, `${what} declares shape [${shape.join(",")}] of ${info.name} (${n * info.bytes} bytes) but holds ${raw.length} bytes`);
  } else if (typedLen !== n) {
    fail(ctx, `${what} declares shape [${shape.join(",")}] (${n} values) but holds ${typedLen} values`);
  }
  const name = t.name ?? "";
  const dv = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  // Values as numbers, element by element (little-endian raw data, or the typed field ONNX uses for the type).
  const get = (i: number): number => {
    if (dv) {
      switch (t.dataType) {
        case 1: return dv.getFloat32(i * 4, true);
        case 11: return dv.getFloat64(i * 8, true);
        case 2: case 9: return dv.getUint8(i);
        case 3: return dv.getInt8(i);
        case 4: return dv.getUint16(i * 2, true);
        case 5: return dv.getInt16(i * 2, true);
        case 6: return dv.getInt32(i * 4, true);
        case 12: return dv.getUint32(i * 4, true);
        case 7: return Number(dv.getBigInt64(i * 8, true));
        case 13: return Number(dv.getBigUint64(i * 8, true));
        case 10: return half(dv.getUint16(i * 2, true));
        default: return new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]; // bfloat16
      }
    }
    switch (t.dataType) {
      case 1: return t.floatData[i];
      case 11: return t.doubleData[i];
      case 7: return int64(t.int64Data[i]);
      case 12: case 13: return int64(t.uint64Data[i]);
      case 10: return half(t.int32Data[i]);
      case 16: return new Float32Array(new Uint32Array([t.int32Data[i] << 16]).buffer)[0];
      default: return t.int32Data[i];
    }
  };
  let data: OnnxTensor["data"];
  if (info.dtype === "float32") data = new Float32Array(n);
  else if (info.dtype === "float64") data = new Float64Array(n);
  else if (info.dtype === "bool") data = new Uint8Array(n);
  else data = new Int32Array(n);
  if (info.dtype === "int32") for (let i = 0; i < n; i++) data[i] = clampI32(get(i));
  else if (info.dtype === "bool") for (let i = 0; i < n; i++) data[i] = get(i) ? 1 : 0;
  else for (let i = 0; i < n; i++) data[i] = get(i);
  return { name, dtype: info.dtype, shape, data, elemType: t.dataType };
}

// protobufjs leaves an unset bytes field as an empty array, not a Uint8Array.
const utf8 = (b: Uint8Array | undefined) => new TextDecoder().decode(b instanceof Uint8Array ? b : new Uint8Array(0));

function readAttr(ctx: Ctx, a: PbAttribute, what: string): OnnxAttr {
  if (a.refAttrName) fail(ctx, `${what}: attribute "${a.name}" refers to a function attribute, which deepscript does not read`);
  switch (a.type) {
    case 1: return { kind: "float", value: a.f ?? 0 };
    case 2: return { kind: "int", value: int64(a.i) };
    case 3: return { kind: "string", value: utf8(a.s) };
    case 4: return { kind: "tensor", value: readTensor(ctx, a.t ?? ({ dims: [], floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [], stringData: [], externalData: [], dataType: 0, name: "" } as PbTensor), `${what} attribute "${a.name}"`) };
    case 6: return { kind: "floats", value: [...a.floats] };
    case 7: return { kind: "ints", value: a.ints.map(int64) };
    case 8: return { kind: "strings", value: a.strings.map(utf8) };
    default: return { kind: "other", type: a.type };
  }
}

function valueInfo(ctx: Ctx, v: PbValueInfo): OnnxValueInfo {
  const tt = v.type?.tensorType;
  if (v.type && !tt) fail(ctx, `graph input/output "${v.name}" is not a tensor (sequence, map or optional values are not read)`);
  const shape = tt?.shape ? tt.shape.dim.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null && Object.hasOwn(d, "dimValue") ? int64(d.dimValue) : null)) : null;
  return { name: v.name, elemType: tt?.elemType ?? 0, shape };
}

/**
 * Decodes and checks an ONNX model file. `file` names it in errors; `path` (when read from
 * disk) lets external data be found beside it. Throws FileError for anything malformed or
 * outside what deepscript reads (opsets outside 13–21, other operator domains, functions,
 * sparse initializers, strings).
 */
export function readOnnx(op: string, bytes: Uint8Array, file: string, path: string | null): OnnxModelFile {
  const p = path === null ? null : nodeBuiltin<typeof import("node:path")>("node:path");
  const ctx: Ctx = { op, file, dir: p && path !== null ? p.dirname(path) : null };
  let m: PbModel;
  try {
    m = messageType("ModelProto").decode(bytes) as unknown as PbModel;
  } catch (e) {
    fail(ctx, `is not an ONNX model (protobuf: ${(e as Error).message})`);
  }
  const g = m.graph;
  if (!g) fail(ctx, "is not an ONNX model: it has no graph");
  const onnxOpset = m.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  if (!onnxOpset) fail(ctx, "imports no ONNX operator set (opset_import has no default domain)");
  const opset = int64(onnxOpset.version);
  if (opset < MIN_OPSET || opset > MAX_OPSET) fail(ctx, `uses opset ${opset}; deepscript reads opsets ${MIN_OPSET} to ${MAX_OPSET}`);
  if (m.functions.length) fail(ctx, "defines model-local functions, which deepscript does not read");
  if (g.sparseInitializer.length) fail(ctx, "has sparse initializers, which deepscript does not read");

  const initializers = g.initializer.map((t, i) => readTensor(ctx, t, `initializer "${t.name || "#" + i}"`));
  const known = new Set<string>();
  for (const t of initializers) {
    if (!t.name) fail(ctx, "has an initializer without a name");
    if (known.has(t.name)) fail(ctx, `has two initializers named "${t.name}"`);
    known.add(t.name);
  }
  const inputs = g.input.filter((v) => !known.has(v.name)).map((v) => valueInfo(ctx, v));
  for (const v of inputs) {
    if (!v.name || known.has(v.name)) fail(ctx, `has a graph input without a name or twice "${v.name}"`);
    known.add(v.name);
  }
  const nodes: OnnxNode[] = g.node.map((n, i) => {
    const name = n.name || `#${i}`;
    const domain = n.domain ?? "";
    const what = `node "${name}" (${n.opType}, opset ${opset})`;
    if (domain && domain !== "ai.onnx") fail(ctx, `${what} is in operator domain "${domain}", which deepscript does not run`);
    for (const x of n.input) if (x && !known.has(x)) fail(ctx, `${what} reads "${x}", which no earlier node, input or initializer defines (the graph must be in topological order)`);
    for (const y of n.output) {
      if (!y) continue;
      if (known.has(y)) fail(ctx, `${what} defines "${y}" a second time`);
      known.add(y);
    }
    const attrs = new Map<string, OnnxAttr>();
    for (const a of n.attribute) attrs.set(a.name, readAttr(ctx, a, what));
    return { name, opType: n.opType, domain, inputs: [...n.input], outputs: [...n.output], attrs };
  });
  const outputs = g.output.map((v) => valueInfo(ctx, v));
  for (const o of outputs) if (!known.has(o.name)) fail(ctx, `graph output "${o.name}" is not computed by any node`);
  if (!outputs.length) fail(ctx, "has a graph without outputs");
  return { irVersion: int64(m.irVersion), opset, producer: `${m.producerName ?? ""} ${m.producerVersion ?? ""}`.trim(), inputs, outputs, initializers, nodes };
}
