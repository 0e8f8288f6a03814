// The safetensors format (huggingface/safetensors): 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}, then the raw
// little-endian tensor bytes, every byte belonging to exactly one tensor.
import { ArgumentError, FileError } from "../core/errors.js";
import { brief } from "../core/describe.js";
import type { DType, TypedArray } from "../core/dtype.js";
import { halfBits, halfFromBits } from "../core/half.js";
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { reshape } from "../ops/shape.js";

/** Largest header accepted (the reference implementation's limit): anything bigger is corrupt. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Element sizes of the safetensors dtypes we read. */
const SIZES: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8 };
const UNSUPPORTED = new Set(["F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"]);
const WRITE_DTYPE: Record<DType, string> = { float32: "F32", float64: "F64", float16: "F16", int32: "I32", uint8: "U8", bool: "BOOL" };
const WRITE_SIZE: Record<DType, number> = { float32: 4, float64: 8, float16: 2, int32: 4, uint8: 1, bool: 1 };

// A tensor's bytes as the file stores them (float16, held as float32 in memory, as 16-bit halves).
function fileBytes(t: Tensor): Uint8Array {
  const data = t.dataSync();
  if (t.dtype !== "float16") return bytesOf(data);
  const h = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) h[i] = halfBits(data[i]);
  return new Uint8Array(h.buffer);
}

export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Encodes tensors (and optional string metadata) as safetensors bytes. Tensors are laid out by
 * decreasing element size, as the reference writer does, so every tensor starts aligned to its
 * element size; the header is padded with spaces so the data starts on an 8-byte boundary.
 * Returns the pieces in file order (header first) to let callers stream them to disk.
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>, op = "saveStateDict"): Uint8Array[] {
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new ArgumentError(op, `state dict entry "${name}" is not a Tensor`);
    if (name === "__metadata__" || name === "") throw new ArgumentError(op, `"${name}" cannot be a tensor name`);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") throw new ArgumentError(op, `metadata value "${k}" must be a string, got ${typeof v}`);
  }
  const datas = new Map(entries.map(([name, t]) => [name, fileBytes(t)]));
  const layout = entries.map(([name, t]) => ({ name, t, size: WRITE_SIZE[t.dtype] }));
  layout.sort((a, b) => b.size - a.size); // stable: keeps state-dict order within a size
  const offsets = new Map<string, [number, number]>();
  let at = 0;
  for (const { name } of layout) {
    const n = datas.get(name)!.byteLength;
    offsets.set(name, [at, at + n]);
    at += n;
  }
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  for (const [name, t] of entries) define(header, name, { dtype: WRITE_DTYPE[t.dtype], shape: [...t.shape], data_offsets: offsets.get(name) });
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) throw new ArgumentError(op, `header of ${padded} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(padded), true);
  return [prefix, json, ...layout.map(({ name }) => datas.get(name)!)];
}

/** Limits on what a safetensors file may declare, checked before anything is allocated. */
export interface SafetensorsLimits {
  /** Largest JSON header accepted, in bytes (default {@link MAX_HEADER_BYTES}, the reference implementation's limit). */
  maxHeaderBytes?: number;
}

/** One tensor of a parsed header: its dtype as the file names it, shape, and byte range in the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: the tensor table (header order), the string metadata, and where the data section starts. */
export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

/** The kind a file dtype loads as ("float", "int32" or "bool"), for comparing a file with a model without decoding it. */
export function loadedKind(dtype: string): "float" | "int32" | "bool" {
  return dtype === "BOOL" ? "bool" : dtype === "F32" || dtype === "F64" || dtype === "F16" || dtype === "BF16" ? "float" : "int32";
}

/**
 * Decodes safetensors bytes. Everything is validated before any tensor is made: the header
 * length and JSON, each entry's dtype, shape and offsets, and that the offsets tile the data
 * exactly. F32/F64/F16/I32/U8/BOOL load as float32/float64/float16/int32/uint8/bool; I64/U64/U32
 * load as int32 when every value fits (else an error), I8/I16/U16 as int32, BF16 as float32. `path` names the source in errors.
 * @example const { tensors, metadata } = io.decodeSafetensors(bytes, "weights.safetensors");
 */
export function decodeSafetensors(bytes: Uint8Array, path = "(bytes)", limits: SafetensorsLimits = {}): SafetensorsContents {
  const op = "decodeSafetensors";
  return decodeTensors(bytes, parseSafetensors(bytes, path, op, limits), path, op);
}

/**
 * Reads and checks the header of safetensors bytes without decoding any tensor: a wrong size,
 * dtype, shape or offset is a FileError naming `path` and the reason. The data section is only
 * checked to be tiled exactly by the declared tensors, so every declared byte is in the file.
 */
export function parseSafetensors(bytes: Uint8Array, path: string, op: string, limits: SafetensorsLimits = {}): SafetensorsHeader {
  const fail = (why: string) => new FileError(op, path, why);
  const maxHeader = limits.maxHeaderBytes ?? MAX_HEADER_BYTES;
  if (!(Number.isSafeInteger(maxHeader) && maxHeader > 0)) throw new ArgumentError(op, `maxHeaderBytes must be a positive integer, got ${brief(maxHeader)}`);
  if (bytes.length < 8) throw fail(`truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(maxHeader)) throw fail(`header length ${headerLen} exceeds the ${maxHeader}-byte limit (maxHeaderBytes): not a safetensors file, or corrupt`);
  const n = Number(headerLen);
  if (n < 2) throw fail(`header length ${n} is too small for a JSON object: not a safetensors file, or corrupt`);
  if (8 + n > bytes.length) throw fail(`truncated: the header needs ${n} bytes, the file has ${bytes.length - 8} after the length`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw fail("corrupt header: not valid UTF-8");
  }
  if (!text.startsWith("{")) throw fail("corrupt header: does not start with '{' (not a safetensors file?)");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw fail(`corrupt header: invalid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw fail("corrupt header: not a JSON object");

  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    const what = `tensor ${brief(name)}`;
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw fail("corrupt header: __metadata__ must be an object of strings");
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== "string") throw fail(`corrupt header: __metadata__ value ${brief(k)} is not a string`);
        define(metadata, k, v);
      }
      continue;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw fail(`corrupt header: entry ${brief(name)} is not an object`);
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = Object.hasOwn(e, "dtype") ? e.dtype : undefined;
    if (typeof dtype !== "string") throw fail(`corrupt header: ${what} has no dtype`);
    if (UNSUPPORTED.has(dtype)) throw fail(`${what} has dtype ${dtype}, which deepscript cannot load`);
    const size = Object.hasOwn(SIZES, dtype) ? SIZES[dtype] : undefined;
    if (size === undefined) throw fail(`corrupt header: ${what} has unknown dtype ${brief(dtype)}`);
    const shape = Object.hasOwn(e, "shape") ? e.shape : undefined;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail(`corrupt header: ${what} has an invalid shape ${brief(shape)}, expected a list of non-negative integers`);
    }
    const off = Object.hasOwn(e, "data_offsets") ? e.data_offsets : undefined;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw fail(`corrupt header: ${what} has invalid data_offsets ${brief(off)}, expected [begin, end] with 0 <= begin <= end`);
    }
    // Beyond 2^53 the product is inexact, but then it cannot equal a span of safe integers either.
    const need = (shape as number[]).reduce((a, b) => a * b, 1) * size;
    if (off[1] - off[0] !== need) {
      throw fail(`bad offsets: ${what} (${dtype} ${brief(shape)}) needs ${need} bytes, its data_offsets [${off}] span ${off[1] - off[0]}`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin: off[0], end: off[1] });
  }

  // The offsets must tile the data section exactly: no gaps, no overlaps, nothing missing or left over.
  const dataStart = 8 + n, dataLen = bytes.length - dataStart;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) {
      throw fail(`bad offsets: tensor ${brief(e.name)} starts at byte ${e.begin} of the data, expected ${at} (${e.begin > at ? "a gap" : "an overlap"})`);
    }
    at = e.end;
  }
  if (at > dataLen) throw fail(`truncated: the tensors need ${at} bytes of data after the header, the file has ${dataLen}`);
  if (at < dataLen) throw fail(`corrupt: ${dataLen - at} bytes after the last tensor's data`);
  return { entries, metadata, dataStart };
}

/** The tensors of a parsed header (all values decoded and checked first, so an error leaves nothing half-made). */
export function decodeTensors(bytes: Uint8Array, h: SafetensorsHeader, path: string, op: string): SafetensorsContents {
  const values = h.entries.map((e) => decodeValues(bytes, h.dataStart + e.begin, e.end - e.begin, e.dtype, (why) => new FileError(op, path, `tensor ${brief(e.name)}: ${why}`)));
  const tensors: Record<string, Tensor> = {};
  h.entries.forEach((e, i) => {
    define(tensors, e.name, reshape(tensor(values[i].data, { dtype: values[i].dtype }), e.shape));
  });
  return { tensors, metadata: h.metadata };
}

// An own property even for names like "__proto__", which plain assignment would treat specially.
function define<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// Little-endian elements of `dtype` at bytes[at, at+len) as a typed array deepscript can store.
function decodeValues(bytes: Uint8Array, at: number, len: number, dtype: string, fail: (why: string) => Error): { data: TypedArray; dtype: DType } {
  const size = SIZES[dtype];
  // A typed-array view needs an offset aligned to the element size; copy when it is not.
  // (Not with slice(): on a Node Buffer that is a view into the same, possibly pooled, memory.)
  const abs = bytes.byteOffset + at;
  const aligned = abs % size === 0;
  const buf = aligned ? bytes.buffer : new Uint8Array(bytes.subarray(at, at + len)).buffer;
  const start = aligned ? abs : 0;
  const count = len / size;
  switch (dtype) {
    case "F32": return { data: new Float32Array(buf, start, count), dtype: "float32" };
    case "F64": return { data: new Float64Array(buf, start, count), dtype: "float64" };
    case "I32": return { data: new Int32Array(buf, start, count), dtype: "int32" };
    case "BOOL": {
      const src = new Uint8Array(buf, start, count);
      const bad = src.findIndex((v) => v > 1);
      if (bad >= 0) throw fail(`BOOL element ${bad} has byte value ${src[bad]}, expected 0 or 1`);
      return { data: src, dtype: "bool" };
    }
    case "U8": return { data: new Uint8Array(buf, start, count), dtype: "uint8" };
    case "I8": return { data: widen(new Int8Array(buf, start, count)), dtype: "int32" };
    case "I16": return { data: widen(new Int16Array(buf, start, count)), dtype: "int32" };
    case "U16": return { data: widen(new Uint16Array(buf, start, count)), dtype: "int32" };
    case "U32": {
      const src = new Uint32Array(buf, start, count);
      const bad = src.findIndex((v) => v > 0x7fffffff);
      if (bad >= 0) throw fail(`U32 element ${bad} = ${src[bad]} does not fit int32`);
      return { data: widen(src), dtype: "int32" };
    }
    case "I64":
    case "U64": {
      // Each element is (low, high) 32-bit words; it fits int32 when high is low's sign extension.
      const words = new Int32Array(buf, start, count * 2);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = words[2 * i], hi = words[2 * i + 1];
        if (hi !== lo >> 31 || (dtype === "U64" && lo < 0)) {
          const v = dtype === "U64" ? new BigUint64Array(buf, start + 8 * i, 1)[0] : new BigInt64Array(buf, start + 8 * i, 1)[0];
          throw fail(`${dtype} element ${i} = ${v} does not fit int32 (deepscript's integer dtype)`);
        }
        out[i] = lo;
      }
      return { data: out, dtype: "int32" };
    }
    case "F16": {
      const src = new Uint16Array(buf, start, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(src[i]);
      return { data: out, dtype: "float16" };
    }
    default: { // BF16: the high half of a float32
      const src = new Uint16Array(buf, start, count);
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = src[i] << 16;
      return { data: new Float32Array(out.buffer), dtype: "float32" };
    }
  }
}

function widen(src: Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array): Int32Array {
  const o = new Int32Array(src.length);
  o.set(src);
  return o;
}

/** IEEE 754 half precision bits → number (subnormals, infinities and NaN included). */
export const halfToFloat = halfFromBits;
