// Keras initializers (keras.initializers.*): by name or object, Keras' fan rules and defaults,
// values drawn from deepscript's seeded generator (ds.seed) or the initializer's own seed.
import { ArgumentError } from "../core/errors.js";
import { PCG32, globalRng } from "../core/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { checkOptions } from "../core/options.js";
import { kerasSnake, toSnakeKey, type Config, type Serialized } from "./names.js";

/** Keras' compute_fans: the last two dims are [in, out], the ones before them the receptive field. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const rf = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * rf, fanOut: shape[shape.length - 1] * rf };
}

/** Base class: `make(shape)` returns a new float tensor; `getConfig()` its Keras config. */
export abstract class Initializer {
  static className = "Initializer";
  protected rng: PCG32 | null;
  constructor(readonly seed: number | null = null) {
    this.rng = seed === null ? null : new PCG32(seed);
  }
  abstract make(shape: readonly number[], dtype?: "float32" | "float64"): Tensor;
  getConfig(): Config {
    return { seed: this.seed };
  }
  get className(): string {
    return (this.constructor as typeof Initializer).className;
  }
  protected get gen(): PCG32 {
    return this.rng ?? globalRng;
  }
  protected fromValues(shape: readonly number[], dtype: "float32" | "float64", draw: () => number): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = draw();
    return ds.tensor(v).reshape([...shape]);
  }
}

export class Zeros extends Initializer {
  static override className = "Zeros";
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    return ds.zeros([...shape], { dtype });
  }
  override getConfig(): Config {
    return {};
  }
}

export class Ones extends Initializer {
  static override className = "Ones";
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    return ds.ones([...shape], { dtype });
  }
  override getConfig(): Config {
    return {};
  }
}

export class Constant extends Initializer {
  static override className = "Constant";
  readonly value: number;
  constructor(opts: { value?: number } = {}) {
    super();
    checkOptions("Constant", opts, ["value"]);
    this.value = opts.value ?? 0;
  }
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    return ds.full([...shape], this.value, { dtype });
  }
  override getConfig(): Config {
    return { value: this.value };
  }
}

export class RandomUniform extends Initializer {
  static override className = "RandomUniform";
  readonly minval: number;
  readonly maxval: number;
  constructor(opts: { minval?: number; maxval?: number; seed?: number | null } = {}) {
    checkOptions("RandomUniform", opts, ["minval", "maxval", "seed"]);
    super(opts.seed ?? null);
    this.minval = opts.minval ?? -0.05;
    this.maxval = opts.maxval ?? 0.05;
  }
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    const g = this.gen, a = this.minval, w = this.maxval - this.minval;
    return this.fromValues(shape, dtype, () => a + w * g.nextDouble());
  }
  override getConfig(): Config {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}

// A normal draw, or one redrawn until within two standard deviations (TensorFlow's truncated normal).
function normalDraw(g: PCG32, truncated: boolean): number {
  for (;;) {
    const z = g.nextNormal();
    if (!truncated || Math.abs(z) <= 2) return z;
  }
}

export class RandomNormal extends Initializer {
  static override className = "RandomNormal";
  readonly mean: number;
  readonly stddev: number;
  constructor(opts: { mean?: number; stddev?: number; seed?: number | null } = {}) {
    checkOptions(new.target.className, opts, ["mean", "stddev", "seed"]);
    super(opts.seed ?? null);
    this.mean = opts.mean ?? 0;
    this.stddev = opts.stddev ?? 0.05;
  }
  protected get truncated(): boolean {
    return false;
  }
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    const g = this.gen, t = this.truncated;
    return this.fromValues(shape, dtype, () => this.mean + this.stddev * normalDraw(g, t));
  }
  override getConfig(): Config {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

/** Normal values redrawn beyond two standard deviations. */
export class TruncatedNormal extends RandomNormal {
  static override className = "TruncatedNormal";
  protected override get truncated(): boolean {
    return true;
  }
}

export type FanMode = "fan_in" | "fan_out" | "fan_avg";
export type Distribution = "truncated_normal" | "untruncated_normal" | "normal" | "uniform";

export interface VarianceScalingOptions {
  scale?: number;
  mode?: FanMode | "fanIn" | "fanOut" | "fanAvg";
  distribution?: Distribution;
  seed?: number | null;
}

/**
 * Keras' VarianceScaling: variance scale / n with n the fan in, out or their mean; uniform on
 * ±√(3·scale/n), or a normal truncated at 2σ with σ corrected by 0.87962566 (TensorFlow's constant).
 */
export class VarianceScaling extends Initializer {
  static override className = "VarianceScaling";
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  constructor(opts: VarianceScalingOptions = {}) {
    checkOptions("VarianceScaling", opts, ["scale", "mode", "distribution", "seed"]);
    super(opts.seed ?? null);
    this.scale = opts.scale ?? 1;
    this.mode = toSnakeKey(opts.mode ?? "fan_in") as FanMode;
    this.distribution = (opts.distribution ?? "truncated_normal") as Distribution;
    if (!(this.scale > 0)) throw new ArgumentError("VarianceScaling", `scale must be positive, got ${this.scale}`);
    if (!["fan_in", "fan_out", "fan_avg"].includes(this.mode)) throw new ArgumentError("VarianceScaling", `mode must be fan_in, fan_out or fan_avg, got ${JSON.stringify(opts.mode)}`);
    if (!["truncated_normal", "untruncated_normal", "normal", "uniform"].includes(this.distribution)) {
      throw new ArgumentError("VarianceScaling", `distribution must be truncated_normal, untruncated_normal or uniform, got ${JSON.stringify(opts.distribution)}`);
    }
  }
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === "fan_in" ? fanIn : this.mode === "fan_out" ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const g = this.gen;
    if (this.distribution === "uniform") {
      const limit = Math.sqrt(3 * variance);
      return this.fromValues(shape, dtype, () => (2 * g.nextDouble() - 1) * limit);
    }
    const truncated = this.distribution === "truncated_normal" || this.distribution === "normal";
    const std = truncated ? Math.sqrt(variance) / 0.87962566103423978 : Math.sqrt(variance);
    return this.fromValues(shape, dtype, () => std * normalDraw(g, truncated));
  }
  override getConfig(): Config {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

// The named special cases of VarianceScaling, each serialized under its own class name with only a seed.
abstract class NamedScaling extends VarianceScaling {
  constructor(name: string, scale: number, mode: FanMode, distribution: Distribution, opts: { seed?: number | null }) {
    checkOptions(name, opts, ["seed"]);
    super({ scale, mode, distribution, seed: opts.seed ?? null });
  }
  override getConfig(): Config {
    return { seed: this.seed };
  }
}

/** Uniform on ±√(6 / (fanIn + fanOut)) (Keras' default kernel initializer). */
export class GlorotUniform extends NamedScaling {
  static override className = "GlorotUniform";
  constructor(opts: { seed?: number | null } = {}) { super("GlorotUniform", 1, "fan_avg", "uniform", opts); }
}
/** Truncated normal, variance 2 / (fanIn + fanOut). */
export class GlorotNormal extends NamedScaling {
  static override className = "GlorotNormal";
  constructor(opts: { seed?: number | null } = {}) { super("GlorotNormal", 1, "fan_avg", "truncated_normal", opts); }
}
/** Uniform on ±√(6 / fanIn). */
export class HeUniform extends NamedScaling {
  static override className = "HeUniform";
  constructor(opts: { seed?: number | null } = {}) { super("HeUniform", 2, "fan_in", "uniform", opts); }
}
/** Truncated normal, variance 2 / fanIn. */
export class HeNormal extends NamedScaling {
  static override className = "HeNormal";
  constructor(opts: { seed?: number | null } = {}) { super("HeNormal", 2, "fan_in", "truncated_normal", opts); }
}
/** Uniform on ±√(3 / fanIn). */
export class LecunUniform extends NamedScaling {
  static override className = "LecunUniform";
  constructor(opts: { seed?: number | null } = {}) { super("LecunUniform", 1, "fan_in", "uniform", opts); }
}
/** Truncated normal, variance 1 / fanIn. */
export class LecunNormal extends NamedScaling {
  static override className = "LecunNormal";
  constructor(opts: { seed?: number | null } = {}) { super("LecunNormal", 1, "fan_in", "truncated_normal", opts); }
}

/**
 * A (semi-)orthogonal matrix times `gain`: the Q of a Gram–Schmidt QR of a normal matrix, signs
 * fixed by R's diagonal (as Keras), for shapes flattened to [prod(shape[:-1]), shape[-1]].
 */
export class Orthogonal extends Initializer {
  static override className = "Orthogonal";
  readonly gain: number;
  constructor(opts: { gain?: number; seed?: number | null } = {}) {
    checkOptions("Orthogonal", opts, ["gain", "seed"]);
    super(opts.seed ?? null);
    this.gain = opts.gain ?? 1;
  }
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    if (shape.length < 2) throw new ArgumentError("Orthogonal", `needs a shape of at least 2 dims, got [${shape.join(",")}]`);
    const cols = shape[shape.length - 1], rows = shape.reduce((a, b) => a * b, 1) / cols;
    // Orthonormalise the columns of a tall matrix (transposing a wide one), then read it back.
    const m = Math.max(rows, cols), k = Math.min(rows, cols);
    const g = this.gen;
    const q: Float64Array[] = [];
    for (let j = 0; j < k; j++) {
      const v = new Float64Array(m);
      for (let i = 0; i < m; i++) v[i] = g.nextNormal();
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= d * u[i];
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < m; i++) v[i] /= norm;
      q.push(v);
    }
    const out = dtype === "float64" ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = this.gain * (rows >= cols ? q[c][r] : q[r][c]);
    }
    return ds.tensor(out).reshape([...shape]);
  }
  override getConfig(): Config {
    return { gain: this.gain, seed: this.seed };
  }
}

/** gain × the identity matrix (2-d shapes only). */
export class Identity extends Initializer {
  static override className = "Identity";
  readonly gain: number;
  constructor(opts: { gain?: number } = {}) {
    checkOptions("Identity", opts, ["gain"]);
    super();
    this.gain = opts.gain ?? 1;
  }
  make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
    if (shape.length !== 2) throw new ArgumentError("Identity", `needs a 2-d shape, got [${shape.join(",")}]`);
    return ds.eye(shape[0], shape[1], { dtype }).mul(this.gain);
  }
  override getConfig(): Config {
    return { gain: this.gain };
  }
}

type InitClass = (new (opts?: never) => Initializer) & { className: string };
const CLASSES: InitClass[] = [
  Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling,
  GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity,
] as unknown as InitClass[];
const BY_NAME = new Map<string, InitClass>();
for (const C of CLASSES) {
  BY_NAME.set(C.className, C);
  BY_NAME.set(kerasSnake(C.className), C);
}
// Keras' short aliases.
BY_NAME.set("uniform", RandomUniform as unknown as InitClass);
BY_NAME.set("normal", RandomNormal as unknown as InitClass);

/** A name ("glorot_uniform", "glorotUniform", "GlorotUniform"), a `{ class_name, config }` dict, or an initializer. */
export type InitializerSpec = string | Initializer | Serialized | { className: string; config: Record<string, unknown> };

/** Resolves an initializer spec. */
export function get(spec: InitializerSpec, op = "initializer"): Initializer {
  if (spec instanceof Initializer) return spec;
  if (typeof spec === "string") {
    const C = BY_NAME.get(spec) ?? BY_NAME.get(kerasSnake(spec)) ?? BY_NAME.get(toSnakeKey(spec));
    if (C) return new C();
  } else if (spec && typeof spec === "object") {
    const name = "class_name" in spec ? spec.class_name : spec.className;
    const C = BY_NAME.get(name);
    if (C) {
      const config = Object.fromEntries(Object.entries(spec.config ?? {}).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
      // Identity and Constant take no seed; Keras writes none for them, TensorFlow.js sometimes does.
      if (C === Zeros || C === Ones) return new C();
      return new C(config as never);
    }
  }
  throw new ArgumentError(op, `unknown initializer ${JSON.stringify(spec)}; expected an Initializer or one of ${CLASSES.map((C) => kerasSnake(C.className)).join(", ")}`);
}

/** `{ module, class_name, config, registered_name }`, as Keras 3 writes an initializer. */
export function serialize(init: Initializer): Serialized {
  return { module: "keras.initializers", class_name: init.className, config: init.getConfig(), registered_name: null };
}

// Keras' lowercase functional names (keras.initializers.glorotUniform({ seed })) for TensorFlow.js ports.
export const zeros = () => new Zeros();
export const ones = () => new Ones();
export const constant = (opts: { value?: number }) => new Constant(opts);
export const randomUniform = (opts?: { minval?: number; maxval?: number; seed?: number | null }) => new RandomUniform(opts);
export const randomNormal = (opts?: { mean?: number; stddev?: number; seed?: number | null }) => new RandomNormal(opts);
export const truncatedNormal = (opts?: { mean?: number; stddev?: number; seed?: number | null }) => new TruncatedNormal(opts);
export const varianceScaling = (opts?: VarianceScalingOptions) => new VarianceScaling(opts);
export const glorotUniform = (opts?: { seed?: number | null }) => new GlorotUniform(opts);
export const glorotNormal = (opts?: { seed?: number | null }) => new GlorotNormal(opts);
export const heUniform = (opts?: { seed?: number | null }) => new HeUniform(opts);
export const heNormal = (opts?: { seed?: number | null }) => new HeNormal(opts);
export const lecunUniform = (opts?: { seed?: number | null }) => new LecunUniform(opts);
export const lecunNormal = (opts?: { seed?: number | null }) => new LecunNormal(opts);
export const orthogonal = (opts?: { gain?: number; seed?: number | null }) => new Orthogonal(opts);
export const identity = (opts?: { gain?: number }) => new Identity(opts);
