// The fuzz harness's random source and generic byte mutators: what found the failures of issue 12
// (bit flips, chunk edits, truncation, splicing, numbers swapped for huge or negative ones,
// nesting thousands deep, long repeats, prototype-sensitive names), for any file format.

/** A seeded generator of floats in [0, 1) (mulberry32): input i of a target is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of a string (FNV-1a), to derive one seed per (run seed, target, input). */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export type Rand = () => number;
export const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)];

const enc = new TextEncoder();
const dec = new TextDecoder();
export const text = (b: Uint8Array): string => dec.decode(b);
export const bytes = (s: string): Uint8Array => enc.encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Numbers that broke parsers: sizes past 2^31, 2^32, 2^53, negative, zero, fractional, overflowing to Infinity. */
export const NUMBERS = [
  "0", "-1", "-3", "1", "2", "3", "1e9", "1000000000", "30000", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
  "9007199254740991", "9007199254740992", "18446744073709551616", "1.5", "-0", "1e308", "1e999", "-1e999", "1e-300", "0.5", "99999999999999999999",
];
/** Strings that matter to JavaScript objects. */
export const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "", "__metadata__", "a".repeat(10000)];
/** Binary integers for fixed-width fields (little- and big-endian both tried). */
const BINARY = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, (1n << 64n) - 1n, 1000000000n];

// Byte range [a, b) of a random chunk, up to `max` long.
function chunk(rand: Rand, n: number, max = 64): [number, number] {
  const a = int(rand, n + 1), b = Math.min(n, a + 1 + int(rand, max));
  return [a, b];
}

// Offsets of ASCII number tokens and of JSON string literals in a text.
function tokens(s: string, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  for (const m of s.matchAll(re)) {
    out.push([m.index!, m.index! + m[0].length]);
    if (out.length > 2000) break;
  }
  return out;
}
const NUMBER_RE = /-?\d+(\.\d+)?([eE][+-]?\d+)?/g;
const STRING_RE = /"(?:[^"\\]|\\.){0,200}"/g;

/** Nesting `n` deep as text: arrays, objects, or a format's own container (the caller's prefix/suffix). */
export function nesting(rand: Rand, n: number): [string, string] {
  switch (int(rand, 3)) {
    case 0: return ["[".repeat(n), "]".repeat(n)];
    case 1: return ['{"a":'.repeat(n), "}".repeat(n)];
    default: return ['[{"a":'.repeat(n), "}]".repeat(n)];
  }
}
export const DEPTHS = [100, 1000, 3000, 5000, 100_000];

type Generic = (input: Uint8Array, rand: Rand, corpus: readonly Uint8Array[]) => Uint8Array;

/** The generic mutators, by name (reports and tests can name them). */
export const GENERIC: Record<string, Generic> = {
  flipBits(b, rand) {
    const out = b.slice();
    for (let k = 1 + int(rand, 8); k > 0 && out.length; k--) out[int(rand, out.length)] ^= 1 << int(rand, 8);
    return out;
  },
  setBytes(b, rand) {
    const out = b.slice();
    for (let k = 1 + int(rand, 4); k > 0 && out.length; k--) out[int(rand, out.length)] = pick(rand, [0, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x5b, 0x7b, int(rand, 256)]);
    return out;
  },
  insertBytes(b, rand) {
    const at = int(rand, b.length + 1);
    const ins = Uint8Array.from({ length: 1 + int(rand, 32) }, () => int(rand, 256));
    return concat(b.subarray(0, at), ins, b.subarray(at));
  },
  deleteChunk(b, rand) {
    const [x, y] = chunk(rand, b.length);
    return concat(b.subarray(0, x), b.subarray(y));
  },
  duplicateChunk(b, rand) {
    const [x, y] = chunk(rand, b.length);
    const at = int(rand, b.length + 1);
    return concat(b.subarray(0, at), b.subarray(x, y), b.subarray(at));
  },
  truncate(b, rand) {
    return b.slice(0, int(rand, b.length));
  },
  splice(b, rand, corpus) {
    const other = pick(rand, corpus);
    return concat(b.subarray(0, int(rand, b.length + 1)), other.subarray(int(rand, other.length + 1)));
  },
  repeatChunk(b, rand) {
    const [x, y] = chunk(rand, b.length, 16);
    const times = pick(rand, [10, 1000, 100_000]);
    const piece = b.subarray(x, y);
    if (!piece.length) return b;
    // Up to 1 MB: enough for a quadratic parse to take minutes, small enough for 10,000 inputs in CI.
    const reps = new Uint8Array(Math.min(piece.length * times, 1_000_000));
    for (let at = 0; at < reps.length; at += piece.length) reps.set(piece.subarray(0, reps.length - at), at);
    return concat(b.subarray(0, y), reps, b.subarray(y));
  },
  binaryInt(b, rand) {
    if (b.length < 1) return b;
    const width = pick(rand, [1, 2, 4, 8]);
    const at = int(rand, Math.max(1, b.length - width + 1));
    const v = pick(rand, BINARY);
    const out = b.slice();
    const little = rand() < 0.5;
    for (let i = 0; i < width && at + i < out.length; i++) {
      const byte = Number((v >> BigInt(8 * i)) & 0xffn);
      out[little ? at + i : at + width - 1 - i] = byte;
    }
    return out;
  },
  replaceNumber(b, rand) {
    const s = text(b);
    const found = tokens(s, NUMBER_RE);
    if (!found.length) return b;
    // Right to left, so the offsets of the tokens still to replace stay valid.
    const chosen = [...new Set(Array.from({ length: 1 + int(rand, 3) }, () => int(rand, found.length)))].sort((p, q) => q - p);
    let out = s;
    for (const i of chosen) out = out.slice(0, found[i][0]) + pick(rand, NUMBERS) + out.slice(found[i][1]);
    return bytes(out);
  },
  replaceString(b, rand) {
    const s = text(b);
    const found = tokens(s, STRING_RE);
    if (!found.length) return b;
    const [x, y] = pick(rand, found);
    return bytes(s.slice(0, x) + JSON.stringify(pick(rand, NAMES)) + s.slice(y));
  },
  nestDeep(b, rand) {
    const s = text(b);
    const [open, close] = nesting(rand, pick(rand, DEPTHS));
    // Wrap a number or a string literal (so the result often stays valid JSON), else anywhere.
    const found = [...tokens(s, NUMBER_RE), ...tokens(s, STRING_RE)];
    const [x, y] = found.length && rand() < 0.8 ? pick(rand, found) : [int(rand, s.length + 1), int(rand, s.length + 1)].sort((p, q) => p - q);
    return bytes(s.slice(0, x) + open + s.slice(x, y) + (rand() < 0.8 ? close : "") + s.slice(y));
  },
};

/** Applies 1–4 mutations: a target's own (when it has some, half the time) or generic ones. Inputs are capped at 8 MB. */
export function mutate(base: Uint8Array, rand: Rand, corpus: readonly Uint8Array[], own: readonly ((b: Uint8Array, r: Rand) => Uint8Array)[]): { bytes: Uint8Array; steps: string[] } {
  let b = base;
  const steps: string[] = [];
  const generic = Object.entries(GENERIC);
  for (let k = 1 + Math.floor(rand() * rand() * 4); k > 0; k--) {
    const ownIndex = own.length && rand() < 0.5 ? int(rand, own.length) : -1;
    const [name, fn] = ownIndex >= 0 ? [`own${ownIndex}`, own[ownIndex]] : pick(rand, generic);
    // A structure-aware mutator may meet an input an earlier step made unparseable or too deep to
    // re-serialise; then this step is skipped (marked "!"), deterministically.
    try {
      b = fn(b, rand, corpus);
      steps.push(fn.name || name);
    } catch {
      steps.push(`${fn.name || name}!`);
    }
    if (b.length > 8_000_000) b = b.subarray(0, 8_000_000);
  }
  return { bytes: b, steps };
}
