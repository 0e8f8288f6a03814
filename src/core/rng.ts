// The seeded, portable random generator: PCG32 (O'Neill, pcg-random.org), XSH-RR output.
// Integer-only arithmetic on 32-bit halves, so every JavaScript engine on every machine produces
// the same stream for the same seed. Also: its state as plain JSON (for resumable training), the
// process-wide generator, and which generator random ops draw from while a module runs.
import { ArgumentError } from "./errors.js";
import type { BitGenerator } from "./pcg64.js";

/**
 * A generator's complete state as plain JSON: PCG32's 64-bit state and increment as 16 hex digits
 * each, and the second normal of the last Box–Muller pair if it is still unused.
 */
export interface RngState {
  algorithm: "pcg32";
  state: string;
  inc: string;
  spareNormal: number | null;
}

const HEX64 = /^[0-9a-f]{16}$/;
const hex32 = (n: number): string => n.toString(16).padStart(8, "0");

/**
 * A PCG32 generator: 64-bit LCG state, 32-bit permuted output. Public as `ds.Generator`
 * (PyTorch's torch.Generator): give one to `ds.rand(shape, { generator })`, to a module
 * (`model.setGenerator(g)`: its dropout masks), to a `DataLoader` (`{ generator }`: its shuffles),
 * so that two trainings in one process do not share a stream.
 * @example
 * const g = new ds.Generator(0);
 * const saved = g.getState(); ds.rand([3], { generator: g }); g.setState(saved); // the same 3 numbers again
 */
export class PCG32 implements BitGenerator {
  // State and increment as 32-bit halves (high, low).
  private hi = 0;
  private lo = 0;
  private incHi = 0;
  private incLo = 0;
  private spareNormal: number | null = null;

  /** Seeded with `seed` (any safe integer), or from the system's randomness when omitted. */
  constructor(seed: number = initialSeed(), stream = 54) {
    this.seed(seed, stream);
  }

  /** A new generator in `state` (a value from getState()). */
  static fromState(state: RngState): PCG32 {
    const g = new PCG32(0);
    g.setState(state);
    return g;
  }

  /** The complete state, as plain JSON: setState(getState()) continues the same stream. */
  getState(): RngState {
    return { algorithm: "pcg32", state: hex32(this.hi) + hex32(this.lo), inc: hex32(this.incHi) + hex32(this.incLo), spareNormal: this.spareNormal };
  }

  /** Continues from a state returned by getState() (checked first: a malformed state changes nothing). */
  setState(state: RngState): void {
    const s = state as unknown as Record<string, unknown> | null;
    const bad = (why: string) => new ArgumentError("Generator.setState", `${why}; expected a value from getState(): { algorithm: "pcg32", state: 16 hex digits, inc: 16 hex digits (odd), spareNormal: number or null }`);
    if (s === null || typeof s !== "object") throw bad(`got ${s === null ? "null" : typeof s}`);
    if (s.algorithm !== "pcg32") throw bad(`unknown algorithm ${JSON.stringify(s.algorithm)}`);
    for (const k of ["state", "inc"]) if (typeof s[k] !== "string" || !HEX64.test(s[k] as string)) throw bad(`${k} is ${JSON.stringify(s[k])}`);
    const inc = s.inc as string, st = s.state as string;
    if ((parseInt(inc.slice(15), 16) & 1) === 0) throw bad("inc must be odd");
    const spare = s.spareNormal;
    if (spare !== null && !(typeof spare === "number" && Number.isFinite(spare))) throw bad(`spareNormal is ${String(spare)}`);
    this.hi = parseInt(st.slice(0, 8), 16) >>> 0;
    this.lo = parseInt(st.slice(8), 16) >>> 0;
    this.incHi = parseInt(inc.slice(0, 8), 16) >>> 0;
    this.incLo = parseInt(inc.slice(8), 16) >>> 0;
    this.spareNormal = spare as number | null;
  }

  seed(seed: number, stream = 54): void {
    // Split the seed (any safe integer) into two 32-bit halves.
    const s = Math.floor(Math.abs(seed));
    const sLo = s >>> 0;
    const sHi = Math.floor(s / 4294967296) >>> 0;
    // inc = (stream << 1) | 1
    this.incHi = (stream >>> 31) >>> 0;
    this.incLo = ((stream << 1) | 1) >>> 0;
    this.hi = 0;
    this.lo = 0;
    this.spareNormal = null;
    this.step();
    this.add(sHi, sLo);
    this.step();
  }

  private add(hi: number, lo: number): void {
    const l = this.lo + lo;
    this.lo = l >>> 0;
    this.hi = (this.hi + hi + (l > 0xffffffff ? 1 : 0)) >>> 0;
  }

  // state = state * 6364136223846793005 + inc  (mod 2^64), from exact 32-bit pieces.
  private step(): void {
    const mHi = 0x5851f42d, mLo = 0x4c957f2d;
    const lo = Math.imul(this.lo, mLo) >>> 0;
    const hi = (mulHi32(this.lo, mLo) + Math.imul(this.hi, mLo) + Math.imul(this.lo, mHi)) >>> 0;
    this.lo = lo;
    this.hi = hi;
    this.add(this.incHi, this.incLo);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const hi = this.hi, lo = this.lo;
    this.step();
    // xorshifted = ((old >> 18) ^ old) >> 27, truncated to 32 bits
    const xHi = (hi ^ (hi >>> 18)) >>> 0;
    const xLo = (lo ^ ((lo >>> 18) | (hi << 14))) >>> 0;
    const xorshifted = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = hi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }

  /** 32 random bits (the BitGenerator interface ds.random.Generator draws from). */
  nextUint32(): number {
    return this.nextU32();
  }

  /** 64 random bits into out = [low32, high32]: two draws, the first the high half (NumPy's convention for 32-bit generators). */
  next64(out: Uint32Array): void {
    out[1] = this.nextU32();
    out[0] = this.nextU32();
  }

  /** A double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const a = this.nextU32() >>> 5, b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A float32-representable number in [0, 1) with 24 random bits. */
  nextFloat(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }

  /** A standard normal, by the Box–Muller transform (pairs are cached). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextDouble();
    const v = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [low, high), without modulo bias. */
  nextInt(low: number, high: number): number {
    const span = high - low;
    if (span <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % span);
      let x = this.nextU32();
      while (x >= limit) x = this.nextU32();
      return low + (x % span);
    }
    return low + Math.floor(this.nextDouble() * span);
  }
}

/** The high 32 bits of the 64-bit product of two unsigned 32-bit integers. */
export function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

function initialSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0];
  return Date.now() >>> 0;
}

/** The process-wide generator used by rand/randn/randint/dropout/shuffling. */
export const globalRng = new PCG32(initialSeed());

/** Reseeds the process-wide generator: the same seed gives the same numbers on every machine. */
export function seed(n: number): void {
  globalRng.seed(n);
}

/**
 * The process-wide generator's state, as plain JSON (PyTorch's torch.get_rng_state).
 * @example const s = ds.getRngState(); const a = ds.rand([2]); ds.setRngState(s); // ds.rand([2]) equals a
 */
export function getRngState(): RngState {
  return globalRng.getState();
}

/** Sets the process-wide generator's state from getRngState() (PyTorch's torch.set_rng_state). */
export function setRngState(state: RngState): void {
  globalRng.setState(state);
}

// The generator of the module whose forward is running (Module.call), if it has one.
let active: PCG32 | null = null;

/** The generator random ops draw from when given none: the running module's own, else the global one. */
export function activeRng(): PCG32 {
  return active ?? globalRng;
}

/** Runs the synchronous `fn` with `g` as the generator random ops draw from by default. */
export function withRng<T>(g: PCG32, fn: () => T): T {
  const outer = active;
  active = g;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

export { PCG32 as Generator };
