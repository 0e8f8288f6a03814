// TensorFlow.js' weights manifest: model.json's `weightsManifest` lists groups of weights, each
// group stored in its shards (`paths`, concatenated in order), each weight's bytes following the
// previous one's. This file checks a manifest (shapes, dtypes, quantization, that every group's
// shards hold exactly the bytes its weights declare) and decodes and encodes the weight bytes.
// Everything is checked against the shard sizes before anything is allocated for a weight.
import { FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { halfToFloat } from "../../io/safetensors.js";

/** A weight as model.json's manifest describes it. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  /** Stored as uint8/uint16 (value = q · scale + min) or float16. */
  quantization?: { dtype: "uint8" | "uint16" | "float16"; scale: number; min: number };
}

/** One group: the shard files (in order) and the weights their bytes hold, one after another. */
export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** A decoded weight: its values as float32 (int32 and bool weights too: they load into float layers). */
export interface DecodedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

// The most elements one weight may declare: a typed array's limit, far above any real layer.
const MAX_ELEMENTS = 2 ** 31 - 1;

/** The bytes one weight occupies in its shard. */
export function storedBytes(w: WeightSpec): number {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const per = w.quantization ? (w.quantization.dtype === "uint8" ? 1 : 2) : w.dtype === "bool" ? 1 : 4;
  return n * per;
}

/** A checked copy of model.json's weightsManifest; `fail(reason)` makes the FileError. */
export function readManifest(raw: unknown, fail: (reason: string) => FileError): WeightsGroup[] {
  if (!Array.isArray(raw)) throw fail(`weightsManifest must be a list of groups, got ${brief(raw)}`);
  const names = new Set<string>();
  return raw.map((g: unknown, gi) => {
    const where = `weightsManifest[${gi}]`;
    if (!g || typeof g !== "object" || Array.isArray(g)) throw fail(`${where} must be an object with paths and weights, got ${brief(g)}`);
    const { paths, weights } = g as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string" && safeRelativePath(p))) {
      throw fail(`${where}.paths must be a list of relative file names inside the model's folder, got ${brief(paths)}`);
    }
    if (!Array.isArray(weights)) throw fail(`${where}.weights must be a list, got ${brief(weights)}`);
    const specs = weights.map((w: unknown, wi) => readSpec(w, `${where}.weights[${wi}]`, fail));
    for (const s of specs) {
      if (names.has(s.name)) throw fail(`the manifest lists the weight ${brief(s.name)} twice`);
      names.add(s.name);
    }
    return { paths: paths as string[], weights: specs };
  });
}

// A shard path may name a file in the model's folder or below it; never an absolute path, "..", or a URL scheme.
function safeRelativePath(p: string): boolean {
  if (p === "" || p.length > 4096 || p.startsWith("/") || p.startsWith("\\") || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p) || p.includes("\0")) return false;
  return p.split(/[\\/]/).every((part) => part !== ".." && part !== "." && part !== "");
}

function readSpec(w: unknown, where: string, fail: (reason: string) => FileError): WeightSpec {
  if (!w || typeof w !== "object" || Array.isArray(w)) throw fail(`${where} must be an object { name, shape, dtype }, got ${brief(w)}`);
  const { name, shape, dtype, quantization } = w as Record<string, unknown>;
  if (typeof name !== "string" || name === "") throw fail(`${where}.name must be a non-empty string, got ${brief(name)}`);
  const what = `weight ${brief(name)}`;
  if (!Array.isArray(shape) || shape.length > 16 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`${what}: shape must be a list of at most 16 non-negative integers, got ${brief(shape)}`);
  }
  let n = 1;
  for (const d of shape as number[]) {
    n *= d;
    if (n > MAX_ELEMENTS) throw fail(`${what}: shape ${brief(shape)} has more than ${MAX_ELEMENTS} elements`);
  }
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") {
    throw fail(`${what}: dtype ${brief(dtype)} is not supported (float32, int32 or bool)`);
  }
  const spec: WeightSpec = { name, shape: (shape as number[]).slice(), dtype };
  if (quantization !== undefined && quantization !== null) {
    if (typeof quantization !== "object" || Array.isArray(quantization)) throw fail(`${what}: quantization must be an object, got ${brief(quantization)}`);
    const q = quantization as Record<string, unknown>;
    if (q.dtype === "float16") {
      if (dtype !== "float32") throw fail(`${what}: float16 quantization of a ${dtype} weight`);
      spec.quantization = { dtype: "float16", scale: 1, min: 0 };
    } else if (q.dtype === "uint8" || q.dtype === "uint16") {
      const { scale, min } = q;
      if (typeof scale !== "number" || !Number.isFinite(scale) || typeof min !== "number" || !Number.isFinite(min)) {
        throw fail(`${what}: ${q.dtype} quantization needs finite numbers scale and min, got ${brief({ scale, min })}`);
      }
      if (dtype === "bool") throw fail(`${what}: a bool weight cannot be quantized`);
      spec.quantization = { dtype: q.dtype, scale, min };
    } else {
      throw fail(`${what}: quantization dtype ${brief(q.dtype)} is not supported (uint8, uint16 or float16)`);
    }
  }
  return spec;
}

/**
 * Checks each group's shard sizes against its weights' bytes: the shards (their byte lengths in
 * `sizes`, by path) hold exactly the group's bytes, in order. Call it before reading the shards.
 */
export function checkShardSizes(groups: WeightsGroup[], sizes: (path: string) => number, fail: (reason: string) => FileError): void {
  groups.forEach((g, gi) => {
    const want = g.weights.reduce((s, w) => s + storedBytes(w), 0);
    const have = g.paths.reduce((s, p) => s + sizes(p), 0);
    if (want !== have) {
      throw fail(`weightsManifest[${gi}]: its weights take ${want} bytes, but its shards (${g.paths.join(", ")}) hold ${have}`);
    }
  });
}

/** The weights of each group, decoded from the group's shards (sizes already checked). */
export function decodeGroups(groups: WeightsGroup[], shard: (path: string) => Uint8Array, fail: (reason: string) => FileError): DecodedWeight[] {
  const out: DecodedWeight[] = [];
  groups.forEach((g, gi) => {
    const parts = g.paths.map(shard);
    const total = parts.reduce((s, p) => s + p.byteLength, 0);
    const want = g.weights.reduce((s, w) => s + storedBytes(w), 0);
    if (total !== want) throw fail(`weightsManifest[${gi}]: its weights take ${want} bytes, but its shards hold ${total}`);
    const bytes = parts.length === 1 ? parts[0] : concat(parts, total);
    // A copy at offset 0, so every 4-byte value is aligned for a typed-array view.
    const buf = new Uint8Array(bytes).buffer;
    let at = 0;
    for (const w of g.weights) {
      const len = storedBytes(w);
      out.push({ name: w.name, shape: w.shape, values: decodeValues(buf, at, len, w, fail) });
      at += len;
    }
  });
  return out;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}

function decodeValues(buf: ArrayBuffer, at: number, len: number, w: WeightSpec, fail: (reason: string) => FileError): Float32Array {
  const q = w.quantization;
  if (q) {
    const src = q.dtype === "uint8" ? new Uint8Array(buf, at, len) : new Uint16Array(buf.slice(at, at + len));
    const out = new Float32Array(src.length);
    if (q.dtype === "float16") for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]);
    // TensorFlow.js rounds dequantized int32 weights to integers.
    else if (w.dtype === "int32") for (let i = 0; i < src.length; i++) out[i] = Math.round(src[i] * q.scale + q.min);
    else for (let i = 0; i < src.length; i++) out[i] = src[i] * q.scale + q.min;
    return out;
  }
  if (w.dtype === "float32") return new Float32Array(buf.slice(at, at + len));
  if (w.dtype === "int32") return Float32Array.from(new Int32Array(buf, at, len / 4));
  const src = new Uint8Array(buf, at, len);
  const bad = src.findIndex((v) => v > 1);
  if (bad >= 0) throw fail(`weight ${brief(w.name)}: bool element ${bad} has byte value ${src[bad]}, expected 0 or 1`);
  return Float32Array.from(src);
}

/** One shard's bytes and the manifest group describing them, from float32 weights (in order). */
export function encodeGroup(weights: { name: string; shape: readonly number[]; values: Float32Array }[], path: string): { group: WeightsGroup; bytes: Uint8Array } {
  const total = weights.reduce((s, w) => s + w.values.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const w of weights) {
    bytes.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), at);
    at += w.values.byteLength;
  }
  return { group: { paths: [path], weights: weights.map((w) => ({ name: w.name, shape: w.shape.slice(), dtype: "float32" })) }, bytes };
}
