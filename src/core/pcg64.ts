// NumPy's default bit generator, bit for bit: PCG64 (O'Neill's 128-bit LCG with the XSL-RR output,
// numpy/random/src/pcg64) seeded through NumPy's SeedSequence (numpy/random/bit_generator.pyx),
// so `ds.random.defaultRng(42)` draws the same 64-bit words as `np.random.default_rng(42)`.
// The 128-bit state is eight 16-bit limbs in plain doubles: every partial product and column sum
// stays below 2^53, so the arithmetic is exact on every JavaScript engine, without BigInt.
import { ArgumentError } from "./errors.js";

/** A source of random bits, as NumPy's BitGenerator: what ds.random.Generator draws from. */
export interface BitGenerator {
  /** 32 random bits as an unsigned integer. */
  nextUint32(): number;
  /** 64 random bits into out: out[0] the low 32, out[1] the high 32 (unsigned). */
  next64(out: Uint32Array): void;
}

/** A PCG64 generator's complete state as plain JSON (NumPy's `bit_generator.state`, 128-bit numbers in hex). */
export interface Pcg64State {
  bitGenerator: "PCG64";
  /** The 128-bit LCG state and increment, 32 hex digits each. */
  state: string;
  inc: string;
  /** NumPy's buffered upper half of the last 64-bit draw (next32 hands out both halves). */
  hasUint32: boolean;
  uinteger: number;
}

// SeedSequence's constants (bit_generator.pyx).
const INIT_A = 0x43b0d7e5, MULT_A = 0x931e8875, INIT_B = 0x8b51f9dd, MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd, MIX_MULT_R = 0x4973f715;

/** The entropy words of a seed: a non-negative integer as little-endian 32-bit words (0 → [0]). */
function seedWords(op: string, seed: number | bigint | readonly (number | bigint)[]): number[] {
  const parts = Array.isArray(seed) ? seed : [seed as number | bigint];
  const words: number[] = [];
  for (const p of parts) {
    if (typeof p === "number" && !(Number.isSafeInteger(p) && p >= 0)) throw new ArgumentError(op, `seed must be a non-negative safe integer (or a bigint, or an array of them), got ${p}`);
    if (typeof p !== "number" && typeof p !== "bigint") throw new ArgumentError(op, `seed must be a non-negative integer, got ${typeof p}`);
    let n = BigInt(p);
    if (n < 0n) throw new ArgumentError(op, `seed must be non-negative, got ${n}`);
    if (n === 0n) { words.push(0); continue; }
    while (n > 0n) { words.push(Number(n & 0xffffffffn)); n >>= 32n; }
  }
  return words;
}

/**
 * NumPy's SeedSequence (pool of 4 words, no spawn key): `generate_state(nWords)` for a seed, the
 * words NumPy gives for the same seed.
 */
export function seedSequenceState(seed: number | bigint | readonly (number | bigint)[], nWords: number, op = "defaultRng"): Uint32Array {
  const entropy = seedWords(op, seed);
  const pool = new Uint32Array(4);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let s = 0; s < 4; s++) for (let d = 0; d < 4; d++) if (s !== d) pool[d] = mix(pool[d], hashmix(pool[s]));
  for (let s = 4; s < entropy.length; s++) for (let d = 0; d < 4; d++) pool[d] = mix(pool[d], hashmix(entropy[s]));
  const out = new Uint32Array(nWords);
  let h = INIT_B;
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % 4] ^ h) >>> 0;
    h = Math.imul(h, MULT_B) >>> 0;
    v = Math.imul(v, h) >>> 0;
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

// The 128-bit multiplier 2549297995355413924 · 2^64 + 4865540595714422341, as 16-bit limbs (low first).
const MULT = limbsOf((0x2360ed051fc65da4n << 64n) | 0x4385df649fccf645n);
const [m0, m1, m2, m3, m4, m5, m6, m7] = MULT;

function limbsOf(n: bigint): Float64Array {
  return Float64Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * i)) & 0xffffn));
}
const hex128 = (l: Float64Array): string => Array.from(l).reverse().map((x) => x.toString(16).padStart(4, "0")).join("");
const fromHex128 = (h: string): Float64Array => limbsOf(BigInt(`0x${h}`));

/**
 * NumPy's PCG64 bit generator (public as `ds.random.PCG64`).
 * @example const bg = new ds.random.PCG64(42); const g = new ds.random.Generator(bg); // = ds.random.defaultRng(42)
 */
export class PCG64 implements BitGenerator {
  private s: Float64Array = new Float64Array(8);
  private inc: Float64Array = new Float64Array(8);
  private hasUint32 = false;
  private uinteger = 0;

  /** Seeded as NumPy seeds it (SeedSequence), or from the system's randomness when omitted. */
  constructor(seed?: number | bigint | readonly (number | bigint)[]) {
    const words = seedSequenceState(seed ?? systemEntropy(), 8, "PCG64");
    // generate_state(4, uint64): uint64 k is words (2k, 2k+1), low first. initstate = v0·2^64 + v1, initseq = v2·2^64 + v3.
    const w = (k: number) => (BigInt(words[2 * k + 1]) << 32n) | BigInt(words[2 * k]);
    const initState = (w(0) << 64n) | w(1), initSeq = (w(2) << 64n) | w(3);
    const mask = (1n << 128n) - 1n;
    this.inc = limbsOf(((initSeq << 1n) | 1n) & mask);
    this.s = limbsOf(0n);
    this.step();
    this.s = limbsOf((BigInt(`0x${hex128(this.s)}`) + initState) & mask);
    this.step();
  }

  /** A generator continuing from `state` (a value from getState()). */
  static fromState(state: Pcg64State): PCG64 {
    const g = new PCG64(0);
    g.setState(state);
    return g;
  }

  /** The complete state, as plain JSON: setState(getState()) continues the same stream. */
  getState(): Pcg64State {
    return { bitGenerator: "PCG64", state: hex128(this.s), inc: hex128(this.inc), hasUint32: this.hasUint32, uinteger: this.uinteger };
  }

  /** Continues from a state returned by getState() (checked first: a malformed state changes nothing). */
  setState(state: Pcg64State): void {
    const s = state as unknown as Record<string, unknown> | null;
    const bad = (why: string) => new ArgumentError("PCG64.setState", `${why}; expected a value from getState(): { bitGenerator: "PCG64", state: 32 hex digits, inc: 32 hex digits (odd), hasUint32: boolean, uinteger: uint32 }`);
    if (s === null || typeof s !== "object") throw bad(`got ${s === null ? "null" : typeof s}`);
    if (s.bitGenerator !== "PCG64") throw bad(`unknown bitGenerator ${JSON.stringify(s.bitGenerator)}`);
    for (const k of ["state", "inc"]) if (typeof s[k] !== "string" || !/^[0-9a-f]{32}$/.test(s[k] as string)) throw bad(`${k} is ${JSON.stringify(s[k])}`);
    if ((parseInt((s.inc as string).slice(31), 16) & 1) === 0) throw bad("inc must be odd");
    if (typeof s.hasUint32 !== "boolean") throw bad(`hasUint32 is ${JSON.stringify(s.hasUint32)}`);
    if (!(Number.isInteger(s.uinteger) && (s.uinteger as number) >= 0 && (s.uinteger as number) <= 0xffffffff)) throw bad(`uinteger is ${JSON.stringify(s.uinteger)}`);
    this.s = fromHex128(s.state as string);
    this.inc = fromHex128(s.inc as string);
    this.hasUint32 = s.hasUint32;
    this.uinteger = s.uinteger as number;
  }

  // state = state · MULT + inc (mod 2^128), column by column over 16-bit limbs: column k sums
  // at most eight products below 2^32 and a carry, exact in a double; `& 0xffff` keeps its low 16
  // bits exactly (ToInt32 is a modulo on any integer below 2^53).
  private step(): void {
    const s = this.s, inc = this.inc;
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5], s6 = s[6], s7 = s[7];
    let c = inc[0] + s0 * m0;
    let t = c & 0xffff; s[0] = t; c = (c - t) / 65536;
    c += inc[1] + s0 * m1 + s1 * m0;
    t = c & 0xffff; s[1] = t; c = (c - t) / 65536;
    c += inc[2] + s0 * m2 + s1 * m1 + s2 * m0;
    t = c & 0xffff; s[2] = t; c = (c - t) / 65536;
    c += inc[3] + s0 * m3 + s1 * m2 + s2 * m1 + s3 * m0;
    t = c & 0xffff; s[3] = t; c = (c - t) / 65536;
    c += inc[4] + s0 * m4 + s1 * m3 + s2 * m2 + s3 * m1 + s4 * m0;
    t = c & 0xffff; s[4] = t; c = (c - t) / 65536;
    c += inc[5] + s0 * m5 + s1 * m4 + s2 * m3 + s3 * m2 + s4 * m1 + s5 * m0;
    t = c & 0xffff; s[5] = t; c = (c - t) / 65536;
    c += inc[6] + s0 * m6 + s1 * m5 + s2 * m4 + s3 * m3 + s4 * m2 + s5 * m1 + s6 * m0;
    t = c & 0xffff; s[6] = t; c = (c - t) / 65536;
    c += inc[7] + s0 * m7 + s1 * m6 + s2 * m5 + s3 * m4 + s4 * m3 + s5 * m2 + s6 * m1 + s7 * m0;
    s[7] = c & 0xffff;
  }

  /** The next 64-bit output (step, then XSL-RR of the new state) into out = [low32, high32]. */
  next64(out: Uint32Array): void {
    this.step();
    const s = this.s;
    let hi = ((s[7] << 16) | s[6]) ^ ((s[3] << 16) | s[2]);
    let lo = ((s[5] << 16) | s[4]) ^ ((s[1] << 16) | s[0]);
    let r = s[7] >>> 10; // state >> 122
    if (r >= 32) { const x = hi; hi = lo; lo = x; r -= 32; }
    if (r > 0) {
      const h = (hi >>> r) | (lo << (32 - r)), l = (lo >>> r) | (hi << (32 - r));
      hi = h; lo = l;
    }
    out[0] = lo >>> 0;
    out[1] = hi >>> 0;
  }

  private readonly w = new Uint32Array(2);

  /** The low half of a 64-bit draw, then its high half on the next call (NumPy's pcg64_next32). */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.next64(this.w);
    this.hasUint32 = true;
    this.uinteger = this.w[1];
    return this.w[0];
  }
}

function systemEntropy(): bigint[] {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  const a = new Uint32Array(4);
  if (c?.getRandomValues) c.getRandomValues(a);
  else for (let i = 0; i < 4; i++) a[i] = (Math.random() * 4294967296) >>> 0;
  return [(BigInt(a[3]) << 96n) | (BigInt(a[2]) << 64n) | (BigInt(a[1]) << 32n) | BigInt(a[0])];
}
