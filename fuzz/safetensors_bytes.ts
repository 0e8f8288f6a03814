// Structure-aware mutators for safetensors bytes (the tensor files and the model files): they edit
// the JSON header and re-encode its length, so the mutation reaches the checks behind the length
// prefix instead of stopping at "truncated".
import { GENERIC, NAMES, NUMBERS, DEPTHS, bytes, int, nesting, pick, text, type Rand } from "./mutators.js";

/** The header text and the data section, or null when the length prefix does not fit the bytes. */
export function split(b: Uint8Array): { header: string; data: Uint8Array } | null {
  if (b.length < 8) return null;
  const n = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > b.length) return null;
  return { header: text(b.subarray(8, 8 + n)), data: b.subarray(8 + n) };
}

/** Header text + data as safetensors bytes, with the right length prefix. */
export function join(header: string, data: Uint8Array): Uint8Array {
  const h = bytes(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** A JSON-able stand-in for raw text that JSON.stringify cannot make (nesting thousands deep, 1e999); see inject(). */
const HOLE = "\u0001hole\u0001";
export function hole(): string {
  return HOLE;
}
/** Replaces the hole (as a JSON string literal) in `json` with `raw`. */
export function inject(json: string, raw: string): string {
  return json.replace(JSON.stringify(HOLE), () => raw);
}

/** A value that broke readers before: huge, negative, fractional, of the wrong type, or nested deep (raw text). */
export function weirdValue(rand: Rand): { value: unknown; raw?: string } {
  switch (int(rand, 6)) {
    case 0: return { value: hole(), raw: pick(rand, NUMBERS) };
    case 1: {
      const [open, close] = nesting(rand, pick(rand, DEPTHS));
      return { value: hole(), raw: `${open}1${close}` };
    }
    case 2: return { value: pick(rand, ["x", null, true, {}, [], [1, 2, 3], { a: 1 }, ""]) };
    case 3: return { value: [pick(rand, [2 ** 32, 2 ** 53, 1e9, -1, 0, 30000]), pick(rand, [2 ** 32, 2 ** 53, 1e9, -1, 0, 1.5])] };
    case 4: return { value: pick(rand, NAMES) };
    default: return { value: Array.from({ length: pick(rand, [0, 1, 65, 1000]) }, () => pick(rand, [0, 1, 2])) };
  }
}

// Own property, also for "__proto__".
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function withHeader(b: Uint8Array, edit: (h: Record<string, unknown>, data: Uint8Array) => { raw?: string; data?: Uint8Array } | void): Uint8Array {
  const s = split(b);
  if (!s) return b;
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(s.header);
  } catch {
    return b;
  }
  if (typeof h !== "object" || h === null) return b;
  const r = edit(h, s.data) ?? {};
  const json = JSON.stringify(h);
  return join(r.raw === undefined ? json : inject(json, r.raw), r.data ?? s.data);
}

const tensorNames = (h: Record<string, unknown>) => Object.keys(h).filter((k) => k !== "__metadata__");

/** A generic text mutation applied to the header only. */
export function headerText(b: Uint8Array, rand: Rand): Uint8Array {
  const s = split(b);
  if (!s) return b;
  const fn = GENERIC[pick(rand, ["replaceNumber", "replaceString", "nestDeep", "deleteChunk", "duplicateChunk", "insertBytes", "flipBits", "repeatChunk"])];
  return join(text(fn(bytes(s.header), rand, [])), s.data);
}

/** One tensor's dtype, shape or data_offsets (or the entry itself) replaced by a weird value. */
export function headerField(b: Uint8Array, rand: Rand): Uint8Array {
  return withHeader(b, (h) => {
    const names = tensorNames(h);
    if (!names.length) return;
    const entry = h[pick(rand, names)] as Record<string, unknown>;
    const field = pick(rand, ["dtype", "shape", "data_offsets", "entry"]);
    if (field === "dtype") {
      entry.dtype = pick(rand, ["F32", "F64", "I32", "BOOL", "I64", "U64", "U32", "U8", "I8", "I16", "U16", "F16", "BF16", "F8_E4M3", "C64", "Q7", "constructor", "__proto__", 3]);
      return;
    }
    const w = weirdValue(rand);
    if (field === "entry") setOwn(h, pick(rand, names), w.value);
    else entry[field] = w.value;
    return { raw: w.raw };
  });
}

/** An extra tensor (often empty, so the offsets still tile) under a prototype-sensitive or duplicate name, or one renamed. */
export function extraTensor(b: Uint8Array, rand: Rand): Uint8Array {
  return withHeader(b, (h, data) => {
    const name = pick(rand, [...NAMES.slice(0, 6), ...tensorNames(h).map((n) => `${n}x`)]);
    const names = tensorNames(h);
    if (names.length && rand() < 0.3) {
      const old = pick(rand, names);
      const v = h[old];
      delete h[old];
      setOwn(h, name, v);
      return;
    }
    if (rand() < 0.7) setOwn(h, name, { dtype: "F32", shape: [0], data_offsets: [0, 0] });
    else {
      setOwn(h, name, { dtype: "F32", shape: [1], data_offsets: [data.length, data.length + 4] });
      const more = new Uint8Array(data.length + 4);
      more.set(data);
      return { data: more };
    }
  });
}

/** The __metadata__ object replaced, or one of its values. */
export function metadataField(b: Uint8Array, rand: Rand): Uint8Array {
  return withHeader(b, (h) => {
    const w = weirdValue(rand);
    const meta = h.__metadata__ as Record<string, unknown> | undefined;
    if (meta && typeof meta === "object" && rand() < 0.6) setOwn(meta, pick(rand, [...Object.keys(meta), ...NAMES.slice(0, 4)]), w.value);
    else h.__metadata__ = w.value;
    return { raw: w.raw };
  });
}

/** Bit flips and byte changes in the data section only (BOOL bytes, I64 values that do not fit int32). */
export function dataBytes(b: Uint8Array, rand: Rand): Uint8Array {
  const s = split(b);
  if (!s || !s.data.length) return b;
  const data = s.data.slice();
  for (let k = 1 + int(rand, 8); k > 0; k--) data[int(rand, data.length)] = pick(rand, [0, 1, 2, 0x7f, 0x80, 0xff]);
  return join(s.header, data);
}

/** The safetensors-level mutators, shared by the tensor-file and model-file targets. */
export const SAFETENSORS_MUTATORS = [headerText, headerField, extraTensor, metadataField, dataBytes];
