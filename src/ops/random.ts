// ds.random: NumPy's Generator (np.random.default_rng) over a bit generator. With PCG64
// (core/pcg64.ts) it reproduces NumPy 1.24 draw for draw: random() is (next64 >> 11)·2^-53,
// integers and choice use Lemire's bounded draw, permutation and shuffle NumPy's Fisher–Yates with
// masked rejection, choice without replacement Floyd's algorithm with NumPy's hash set, normals
// NumPy's 256-box ziggurat. The module-level functions draw with the same algorithms from the
// process-wide generator that ds.seed seeds (PCG32: numbers differ from NumPy's, one seed serves
// the whole program).
import { ArgumentError, GradError, ShapeError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { PCG64, type BitGenerator } from "../core/pcg64.js";
import { activeRng, mulHi32 } from "../core/rng.js";
import { zigguratTables, ZIGGURAT_NOR_INV_R, ZIGGURAT_NOR_R } from "../core/ziggurat.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { frame } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { tensor } from "./creation.js";
import { indexSelect } from "./indexing.js";
import { reshape } from "./shape.js";

export { PCG64, type BitGenerator, type Pcg64State } from "../core/pcg64.js";

/** How many values to draw: a count, or a shape. */
export type Size = number | readonly number[];

/** Options of random and standardNormal: float64 (NumPy's default) or float32. */
export interface FloatDrawOptions {
  /** float64 (default, as NumPy) or float32 (random(): NumPy's 24-bit draw; the others: float64 draws rounded). */
  dtype?: "float64" | "float32";
}

/** Options of integers. */
export interface IntegersOptions {
  /** Include `high` (NumPy's endpoint=True). */
  endpoint?: boolean;
}

/** Options of choice. */
export interface ChoiceOptions {
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Probabilities of each entry (length = the population, non-negative, summing to 1). */
  p?: Tensor | readonly number[];
  /** Without replacement: shuffle the sample (default true; false keeps Floyd's order, as NumPy). */
  shuffle?: boolean;
}

const TWO_NEG_53 = 1 / 9007199254740992;
const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

function checkSize(op: string, size: Size): number[] {
  const shape = typeof size === "number" ? [size] : Array.isArray(size) ? [...size] : null;
  if (!shape || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ArgumentError(op, `size must be a non-negative integer or an array of them, got ${JSON.stringify(size)}`);
  return shape;
}

function checkFloatDType(op: string, opts: FloatDrawOptions): "float64" | "float32" {
  checkOptions(op, opts, ["dtype"]);
  const d = opts.dtype ?? "float64";
  if (d !== "float64" && d !== "float32") throw new ArgumentError(op, `dtype must be "float64" or "float32", got ${JSON.stringify(d)}`);
  return d;
}

/** The smallest all-ones mask covering `max` (max < 2^32). */
function maskOf(max: number): number {
  let m = max >>> 0;
  m |= m >>> 1; m |= m >>> 2; m |= m >>> 4; m |= m >>> 8; m |= m >>> 16;
  return m >>> 0;
}

/**
 * NumPy's Generator: distributions over a bit generator. Make one with `ds.random.defaultRng(seed)`
 * (PCG64, NumPy's numbers) or `new ds.random.Generator(bitGenerator)` (any `nextUint32`/`next64`
 * source, e.g. a `ds.Generator`). Draws without `size` return a number; with it, a tensor
 * (float64, as NumPy; integers int32).
 * @example const rng = ds.random.defaultRng(42); rng.random(3) // tensor([0.7740, 0.4389, 0.8586], dtype=float64), as NumPy
 */
export class Generator {
  private readonly w = new Uint32Array(2);

  constructor(readonly bitGenerator: BitGenerator) {
    const b = bitGenerator as unknown as Record<string, unknown> | null;
    if (!b || typeof b.nextUint32 !== "function" || typeof b.next64 !== "function") {
      throw new ArgumentError("Generator", "expected a bit generator (an object with nextUint32() and next64(out)), e.g. new ds.random.PCG64(seed)");
    }
  }

  // ---- single draws, as NumPy's distributions.c ------------------------------------------------

  /** (next64 >> 11) · 2^-53: a double in [0, 1). */
  private nextDouble(): number {
    this.bitGenerator.next64(this.w);
    return (this.w[1] * 2097152 + (this.w[0] >>> 11)) * TWO_NEG_53;
  }

  /** (next32 >> 8) · 2^-24: NumPy's float32 uniform. */
  private nextFloat(): number {
    return (this.bitGenerator.nextUint32() >>> 8) / 16777216;
  }

  /** An integer in [0, rng] (rng < 2^32): Lemire's multiply-and-reject (NumPy's random_bounded_uint64 below 2^32). */
  private bounded(rng: number): number {
    if (rng === 0) return 0;
    if (rng === 0xffffffff) return this.bitGenerator.nextUint32();
    const excl = rng + 1;
    let x = this.bitGenerator.nextUint32();
    let leftover = Math.imul(x, excl) >>> 0;
    if (leftover < excl) {
      const threshold = (4294967296 - excl) % excl;
      while (leftover < threshold) {
        x = this.bitGenerator.nextUint32();
        leftover = Math.imul(x, excl) >>> 0;
      }
    }
    return mulHi32(x, excl);
  }

  /** An integer in [0, max] (max < 2^32) by masked rejection (NumPy's random_interval: shuffles). */
  private interval(max: number): number {
    if (max === 0) return 0;
    const mask = maskOf(max);
    let v: number;
    do v = (this.bitGenerator.nextUint32() & mask) >>> 0; while (v > max);
    return v;
  }

  /** A standard normal by NumPy's ziggurat (random_standard_normal). */
  private nextNormal(): number {
    const { ki, wi, fi } = zigguratTables();
    const w = this.w;
    for (;;) {
      this.bitGenerator.next64(w);
      const lo = w[0], hi = w[1];
      const idx = lo & 0xff;
      // r >> 8: bit 0 is the sign, bits 1..52 the magnitude (bits 8 and 9..60 of the draw).
      const rabs = (hi & 0x1fffffff) * 8388608 + (lo >>> 9);
      let x = rabs * wi[idx];
      if ((lo >>> 8) & 1) x = -x;
      if (rabs < ki[idx]) return x; // 99.3% of draws
      if (idx === 0) {
        for (;;) {
          const xx = -ZIGGURAT_NOR_INV_R * Math.log1p(-this.nextDouble());
          const yy = -Math.log1p(-this.nextDouble());
          if (yy + yy > xx * xx) return Math.floor(rabs / 256) % 2 ? -(ZIGGURAT_NOR_R + xx) : ZIGGURAT_NOR_R + xx;
        }
      }
      if ((fi[idx - 1] - fi[idx]) * this.nextDouble() + fi[idx] < Math.exp(-0.5 * x * x)) return x;
    }
  }

  private fill(op: string, size: Size, dtype: "float64" | "float32" | "int32", draw: () => number): Tensor {
    const shape = checkSize(op, size);
    const values = new Float64Array(sizeOf(shape));
    for (let i = 0; i < values.length; i++) values[i] = draw();
    return frame(() => reshape(tensor(dtype === "int32" ? Int32Array.from(values) : values, { dtype }), shape));
  }

  // ---- distributions -----------------------------------------------------------------------------

  /** Uniform in [0, 1) (NumPy's Generator.random). */
  random(): number;
  random(size: Size, opts?: FloatDrawOptions): Tensor;
  random(size?: Size, opts: FloatDrawOptions = {}): number | Tensor {
    const dtype = checkFloatDType("random", opts);
    if (size === undefined) return this.nextDouble();
    return this.fill("random", size, dtype, dtype === "float32" ? () => this.nextFloat() : () => this.nextDouble());
  }

  /** Uniform in [low, high): low + (high − low)·random(). */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size): Tensor;
  uniform(low = 0, high = 1, size?: Size): number | Tensor {
    const range = checkRange("uniform", low, high);
    const draw = () => low + range * this.nextDouble();
    return size === undefined ? draw() : this.fill("uniform", size, "float64", draw);
  }

  /** Standard normal draws (NumPy's ziggurat: the same numbers as NumPy for the same bit stream). */
  standardNormal(): number;
  standardNormal(size: Size, opts?: FloatDrawOptions): Tensor;
  standardNormal(size?: Size, opts: FloatDrawOptions = {}): number | Tensor {
    const dtype = checkFloatDType("standardNormal", opts);
    return size === undefined ? this.nextNormal() : this.fill("standardNormal", size, dtype, () => this.nextNormal());
  }

  /** Normal draws: loc + scale·standardNormal(). */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size): Tensor;
  normal(loc = 0, scale = 1, size?: Size): number | Tensor {
    if (!(Number.isFinite(loc) && Number.isFinite(scale) && scale >= 0)) throw new ArgumentError("normal", `loc must be finite and scale finite and >= 0, got loc ${loc}, scale ${scale}`);
    const draw = () => loc + scale * this.nextNormal();
    return size === undefined ? draw() : this.fill("normal", size, "float64", draw);
  }

  /**
   * Integers in [low, high) (with `endpoint`, [low, high]); `integers(n)` is [0, n). int32 results,
   * so the bounds must lie in int32's range. NumPy's stream for the same bounds.
   */
  integers(low: number, high?: number | null): number;
  integers(low: number, high: number | null | undefined, size: Size, opts?: IntegersOptions): Tensor;
  integers(low: number, high?: number | null, size?: Size, opts: IntegersOptions = {}): number | Tensor {
    checkOptions("integers", opts, ["endpoint"]);
    if (high === undefined || high === null) { high = low; low = 0; }
    if (!Number.isInteger(low) || !Number.isInteger(high)) throw new ArgumentError("integers", `low and high must be integers, got ${low} and ${high}`);
    const top = opts.endpoint ? high : high - 1;
    if (top < low) throw new ArgumentError("integers", `low >= high (low ${low}, high ${high}${opts.endpoint ? ", endpoint" : ""}): the range is empty`);
    if (low < INT32_MIN || top > INT32_MAX) throw new ArgumentError("integers", `the range [${low}, ${top}] exceeds int32 (the result dtype)`);
    const rng = top - low;
    const draw = () => low + this.bounded(rng);
    return size === undefined ? draw() : this.fill("integers", size, "int32", draw);
  }

  /**
   * A random sample from `a` (a tensor: along dim 0; a number n: from 0..n-1), NumPy's choice:
   * with replacement (Lemire draws, or with `p` the inverse CDF of random()), without (Floyd's
   * algorithm then a shuffle; with `p`, repeated draws with the found entries zeroed). Without
   * `size`, one draw: a 0-d int32 tensor, or one row of `a`.
   * @example rng.choice(5, 3, { replace: false }); rng.choice(ds.tensor([10, 20, 30]), [2, 2], { p: [0.5, 0.25, 0.25] })
   */
  choice(a: number | Tensor, size?: Size, opts: ChoiceOptions = {}): Tensor {
    checkOptions("choice", opts, ["replace", "p", "shuffle"]);
    const shape = size === undefined ? [] : checkSize("choice", size);
    const n = sizeOf(shape);
    let pop: number;
    if (a instanceof Tensor) {
      if (a.ndim < 1) throw new ShapeError("choice", "a must be a tensor of at least one dim or a positive integer, got a 0-d tensor");
      pop = a.shape[0];
      if (pop === 0 && n > 0) throw new ArgumentError("choice", "a cannot be empty unless no samples are taken");
    } else {
      if (!Number.isInteger(a)) throw new ArgumentError("choice", `a must be a tensor or an integer, got ${String(a)}`);
      pop = a;
      if (pop <= 0 && n > 0) throw new ArgumentError("choice", `a must be a positive integer unless no samples are taken, got ${a}`);
    }
    const p = opts.p === undefined ? null : checkProbabilities(opts.p, pop);
    const replace = opts.replace ?? true;
    let idx: Float64Array;
    if (replace) {
      idx = new Float64Array(n);
      if (p) {
        const cdf = cdfOf(p);
        for (let i = 0; i < n; i++) idx[i] = searchRight(cdf, this.nextDouble());
      } else for (let i = 0; i < n; i++) idx[i] = this.bounded(pop - 1);
    } else {
      if (n > pop) throw new ArgumentError("choice", `cannot take a larger sample (${n}) than the population (${pop}) when replace is false`);
      idx = p ? this.choiceWeighted(p, n) : this.choiceUniform(pop, n, opts.shuffle ?? true);
    }
    return frame(() => {
      const picked = tensor(Int32Array.from(idx));
      if (!(a instanceof Tensor)) return reshape(picked, shape);
      return reshape(indexSelect(a, 0, picked), [...shape, ...a.shape.slice(1)]);
    });
  }

  // Without replacement, with probabilities: draw, keep the new distinct entries, zero them, repeat.
  private choiceWeighted(p: Float64Array, n: number): Float64Array {
    let positive = 0;
    for (const v of p) if (v > 0) positive++;
    if (positive < n) throw new ArgumentError("choice", `fewer non-zero entries in p (${positive}) than the sample size (${n})`);
    const w = Float64Array.from(p), found = new Float64Array(n);
    let have = 0;
    while (have < n) {
      const u = new Float64Array(n - have);
      for (let i = 0; i < u.length; i++) u[i] = this.nextDouble();
      for (let i = 0; i < have; i++) w[found[i]] = 0;
      const cdf = cdfOf(w);
      const seen = new Set<number>();
      for (const x of u) {
        const j = searchRight(cdf, x);
        if (!seen.has(j)) { seen.add(j); found[have++] = j; }
      }
    }
    return found;
  }

  // Without replacement, uniform: NumPy's tail shuffle for large samples of large populations, else
  // Floyd's algorithm with its open-addressing hash set, then (shuffle) a Fisher–Yates pass.
  private choiceUniform(pop: number, n: number, shuffle: boolean): Float64Array {
    if (pop > 10000 && n > Math.floor(pop / (shuffle ? 50 : 20))) {
      const all = new Float64Array(pop);
      for (let i = 0; i < pop; i++) all[i] = i;
      this.shuffleBounded(all, pop, Math.max(pop - n, 1));
      return all.slice(pop - n);
    }
    const idx = new Float64Array(n);
    const mask = maskOf(Math.floor(1.2 * n));
    const set = new Float64Array(mask + 1).fill(-1);
    for (let j = pop - n; j < pop; j++) {
      const val = this.bounded(j);
      let loc = val & mask;
      while (set[loc] !== -1 && set[loc] !== val) loc = (loc + 1) & mask;
      if (set[loc] === -1) {
        set[loc] = val;
        idx[j - pop + n] = val;
      } else {
        loc = j & mask;
        while (set[loc] !== -1) loc = (loc + 1) & mask;
        set[loc] = j;
        idx[j - pop + n] = j;
      }
    }
    if (shuffle) this.shuffleBounded(idx, n, 1);
    return idx;
  }

  // NumPy's _shuffle_int: Fisher–Yates from the end down to `first`, Lemire draws.
  private shuffleBounded(a: Float64Array, n: number, first: number): void {
    for (let i = n - 1; i >= first; i--) {
      const j = this.bounded(i);
      const t = a[j]; a[j] = a[i]; a[i] = t;
    }
  }

  // NumPy's shuffle of an array: Fisher–Yates from the end, masked-rejection draws.
  private permutationIndices(n: number): Int32Array {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = a[j]; a[j] = a[i]; a[i] = t;
    }
    return a;
  }

  /**
   * A random permutation: of 0..n-1 (int32), or of a tensor's rows (dim 0), NumPy's permutation.
   * @example ds.random.defaultRng(42).permutation(10) // [5, 6, 0, 7, 3, 2, 4, 9, 1, 8], as NumPy
   */
  permutation(x: number | Tensor): Tensor {
    if (x instanceof Tensor) {
      if (x.ndim < 1) throw new ShapeError("permutation", "x must have at least one dim, got a 0-d tensor");
      const perm = this.permutationIndices(x.shape[0]);
      return frame(() => indexSelect(x, 0, tensor(perm)));
    }
    if (!(Number.isInteger(x) && x >= 0 && x <= INT32_MAX)) throw new ArgumentError("permutation", `x must be a non-negative integer or a tensor, got ${String(x)}`);
    return tensor(this.permutationIndices(x));
  }

  /**
   * Shuffles a tensor's rows (dim 0) in place, NumPy's shuffle: the tensor's storage is rewritten
   * (a view writes through to its base, as in NumPy). A tensor that requires grad cannot be
   * written in place (a GradError); use permutation(x) for a shuffled copy.
   */
  shuffle(x: Tensor): void {
    if (!(x instanceof Tensor)) throw new ArgumentError("shuffle", `x must be a tensor, got ${x === null ? "null" : typeof x}`);
    if (x.ndim < 1) throw new ShapeError("shuffle", "x must have at least one dim, got a 0-d tensor");
    if (x.requiresGrad) throw new GradError("shuffle", "cannot shuffle a tensor that requires grad in place; use permutation(x) for a shuffled copy");
    const perm = this.permutationIndices(x.shape[0]);
    frame(() => noGrad(() => x.copy_(indexSelect(x, 0, tensor(perm)))));
  }
}

function checkRange(op: string, low: number, high: number): number {
  const range = high - low;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !Number.isFinite(range)) throw new ArgumentError(op, `low and high must be finite with a finite range, got ${low} and ${high}`);
  return range;
}

// p as float64, checked as NumPy checks it: one dim of the population's length, no NaN, no
// negative entry, summing to 1 within sqrt(eps) (sqrt(float32 eps) for a float32 tensor).
function checkProbabilities(p: Tensor | readonly number[], pop: number): Float64Array {
  const isF32 = p instanceof Tensor && (p.dtype === "float32" || p.dtype === "float16");
  if (p instanceof Tensor && p.ndim !== 1) throw new ShapeError("choice", `p must be one-dimensional, got shape [${p.shape.join(", ")}]`);
  const v = Float64Array.from(p instanceof Tensor ? p.dataSync() : p);
  if (v.length !== pop) throw new ShapeError("choice", `a and p must have the same size, got ${pop} and ${v.length}`);
  let sum = 0, c = 0;
  for (const x of v) { const y = x - c, t = sum + y; c = t - sum - y; sum = t; } // Kahan, as NumPy
  if (Number.isNaN(sum)) throw new ArgumentError("choice", "probabilities contain NaN");
  if (v.some((x) => x < 0)) throw new ArgumentError("choice", "probabilities must be non-negative");
  const atol = isF32 ? Math.max(Math.sqrt(2.220446049250313e-16), Math.sqrt(1.1920929e-7)) : Math.sqrt(2.220446049250313e-16);
  if (Math.abs(sum - 1) > atol) throw new ArgumentError("choice", `probabilities do not sum to 1 (sum ${sum})`);
  return v;
}

// cumsum then divided by its last entry, as NumPy's choice normalises.
function cdfOf(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i];
  const last = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
  return cdf;
}

// The number of cdf entries <= u (searchsorted side="right").
function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A Generator over PCG64 seeded as NumPy seeds it: `ds.random.defaultRng(42)` draws exactly what
 * `np.random.default_rng(42)` draws (random, uniform, integers, choice, permutation, shuffle,
 * standardNormal, normal). Unseeded: from the system's randomness.
 * @example const rng = ds.random.defaultRng(42); rng.integers(0, 10, 5) // [0, 7, 6, 4, 4], as NumPy
 */
export function defaultRng(seed?: number | bigint | readonly (number | bigint)[]): Generator {
  return new Generator(new PCG64(seed));
}

// The module-level functions: a Generator over the generator random ops draw from by default
// (the running module's, else the process-wide one that ds.seed seeds).
const current = (): Generator => new Generator(activeRng());

/** Uniform in [0, 1) from the process-wide generator (ds.seed). */
export function random(size: Size, opts?: FloatDrawOptions): Tensor { return current().random(size, opts); }
/** Uniform in [low, high) from the process-wide generator (ds.seed). */
export function uniform(low: number, high: number, size: Size): Tensor { return current().uniform(low, high, size); }
/** Normal draws from the process-wide generator (ds.seed). */
export function normal(loc: number, scale: number, size: Size): Tensor { return current().normal(loc, scale, size); }
/** Standard normal draws from the process-wide generator (ds.seed). */
export function standardNormal(size: Size, opts?: FloatDrawOptions): Tensor { return current().standardNormal(size, opts); }
/** Integers in [low, high) from the process-wide generator (ds.seed). */
export function integers(low: number, high: number | null | undefined, size: Size, opts?: IntegersOptions): Tensor { return current().integers(low, high, size, opts); }
/** A sample of `a` from the process-wide generator (ds.seed); see Generator.choice. */
export function choice(a: number | Tensor, size?: Size, opts?: ChoiceOptions): Tensor { return current().choice(a, size, opts); }
/** A permutation from the process-wide generator (ds.seed); see Generator.permutation. */
export function permutation(x: number | Tensor): Tensor { return current().permutation(x); }
/** Shuffles a tensor's rows in place with the process-wide generator (ds.seed); see Generator.shuffle. */
export function shuffle(x: Tensor): void { current().shuffle(x); }
