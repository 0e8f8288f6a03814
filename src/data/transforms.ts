// Image augmentations (torchvision.transforms for tensors): seeded, composable, per-sample random
// shifts, crops, rotations, affine and elastic warps, noise. They run on [C,H,W] or [N,C,H,W] float
// tensors as plain loops over the data (no gradients: they make training data, not models).
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import { PCG32, globalRng } from "../core/rng.js";
import { checkChoice, checkOptions, optionNames } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";

/**
 * An image transform: takes [C,H,W] or [N,C,H,W] (each of the N images gets its own random
 * parameters) and returns a new tensor. Random transforms draw from `rng` when given (compose
 * passes its own), else from their own seeded generator (`seed` option), else from the global one
 * (`ds.seed`).
 */
export type Transform = (x: Tensor, rng?: PCG32) => Tensor;

/** A seeded generator for transforms: `aug(x, data.transforms.generator(0))`. */
export const generator = (seed: number): PCG32 => new PCG32(seed);

interface Seeded { /** Seed of this transform's private generator (else the global one is used). */ seed?: number }

const own = (opts: Seeded): PCG32 | null => (opts.seed === undefined ? null : new PCG32(opts.seed));
const pick = (rng: PCG32 | undefined, mine: PCG32 | null): PCG32 => rng ?? mine ?? globalRng;
const uniform = (rng: PCG32, lo: number, hi: number): number => lo + (hi - lo) * rng.nextDouble();

// ---- the image batch as plain arrays --------------------------------------------------------------

interface Batch { data: Float32Array | Float64Array; n: number; c: number; h: number; w: number; batched: boolean; dtype: "float32" | "float64" }

function batchOf(op: string, x: Tensor): Batch {
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new DTypeError(op, `expected a float32 or float64 image tensor, got ${x.dtype}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(op, `expected [C,H,W] or [N,C,H,W], got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.ndim === 4 ? x.shape : [1, ...x.shape];
  return { data: x.dataSync() as Float32Array | Float64Array, n, c, h, w, batched: x.ndim === 4, dtype: x.dtype };
}

function tensorOf(b: Batch, data: Float32Array | Float64Array, h: number, w: number): Tensor {
  return tensor(data, { dtype: b.dtype }).reshape(b.batched ? [b.n, b.c, h, w] : [b.c, h, w]);
}

/**
 * Resamples every image: for output pixel (i, j) of image k, `where(k, i, j)` gives the source
 * coordinates (row, column; fractional) read bilinearly, with `fill` outside the image.
 */
function resample(b: Batch, oh: number, ow: number, fill: number, coords: (k: number, xs: Float64Array, ys: Float64Array) => void, nearest = false): Tensor {
  const out = b.dtype === "float32" ? new Float32Array(b.n * b.c * oh * ow) : new Float64Array(b.n * b.c * oh * ow);
  const xs = new Float64Array(oh * ow), ys = new Float64Array(oh * ow);
  const { h, w, c, data } = b;
  for (let k = 0; k < b.n; k++) {
    coords(k, xs, ys);
    for (let p = 0; p < oh * ow; p++) {
      let sy = ys[p], sx = xs[p];
      if (nearest) { sy = Math.round(sy); sx = Math.round(sx); }
      const y0 = Math.floor(sy), x0 = Math.floor(sx);
      const fy = sy - y0, fx = sx - x0;
      // The four neighbours' weights and offsets (-1: outside, reads `fill`); weights that are
      // exactly 0 are dropped, so integer coordinates copy exactly.
      const w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
      const in0 = y0 >= 0 && y0 < h, in1 = y0 + 1 >= 0 && y0 + 1 < h, jn0 = x0 >= 0 && x0 < w, jn1 = x0 + 1 >= 0 && x0 + 1 < w;
      const o00 = in0 && jn0 ? y0 * w + x0 : -1, o01 = in0 && jn1 ? y0 * w + x0 + 1 : -1;
      const o10 = in1 && jn0 ? (y0 + 1) * w + x0 : -1, o11 = in1 && jn1 ? (y0 + 1) * w + x0 + 1 : -1;
      for (let ch = 0; ch < c; ch++) {
        const base = (k * c + ch) * h * w;
        let v = w00 * (o00 >= 0 ? data[base + o00] : fill);
        if (fx) v += w01 * (o01 >= 0 ? data[base + o01] : fill);
        if (fy) v += w10 * (o10 >= 0 ? data[base + o10] : fill);
        if (fx && fy) v += w11 * (o11 >= 0 ? data[base + o11] : fill);
        out[(k * c + ch) * oh * ow + p] = v;
      }
    }
  }
  return tensorOf(b, out, oh, ow);
}

// ---- deterministic geometry -----------------------------------------------------------------------

export interface AffineParams {
  /** Counter-clockwise rotation in degrees, about the image centre. */
  angle?: number;
  /** Translation [dx, dy] in pixels (right, down). */
  translate?: readonly [number, number];
  /** Zoom factor (> 1 enlarges). */
  scale?: number;
  /** Shear angles [x, y] in degrees. */
  shear?: readonly [number, number];
}

export interface WarpOptions {
  /** Value of pixels that come from outside the image (default 0). */
  fill?: number;
  /** "bilinear" (default) or "nearest". */
  interpolation?: "bilinear" | "nearest";
}

// The inverse of centre → shear → scale → rotate → translate, as a 2×3 map from output (x, y)
// to source (x, y), both in pixel-index coordinates with the centre at ((w-1)/2, (h-1)/2).
function inverseAffine(p: AffineParams, h: number, w: number): number[] {
  const a = ((p.angle ?? 0) * Math.PI) / 180, s = p.scale ?? 1;
  const [shx, shy] = (p.shear ?? [0, 0]).map((d) => Math.tan((d * Math.PI) / 180));
  const [tx, ty] = p.translate ?? [0, 0];
  if (!(s > 0)) throw new ArgumentError("affine", `scale must be positive, got ${s}`);
  // Forward linear part (y down, so counter-clockwise on screen is [[c, s], [-s, c]]): R·S·Shear.
  // Quarter turns exactly (cos 90° is not 0 in floating point), so they move pixels exactly.
  const deg = (((p.angle ?? 0) % 360) + 360) % 360;
  const quarter = deg % 90 === 0 ? deg / 90 : -1;
  const c = quarter >= 0 ? [1, 0, -1, 0][quarter] : Math.cos(a), sn = quarter >= 0 ? [0, 1, 0, -1][quarter] : Math.sin(a);
  const r = [c * s, sn * s, -sn * s, c * s];
  const f = [r[0] + r[1] * shy, r[0] * shx + r[1], r[2] + r[3] * shy, r[2] * shx + r[3]];
  const det = f[0] * f[3] - f[1] * f[2];
  if (Math.abs(det) < 1e-12) throw new ArgumentError("affine", "the shear makes the map singular");
  const inv = [f[3] / det, -f[1] / det, -f[2] / det, f[0] / det];
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  // source = inv·(out - centre - t) + centre
  return [inv[0], inv[1], cx - inv[0] * (cx + tx) - inv[1] * (cy + ty), inv[2], inv[3], cy - inv[2] * (cx + tx) - inv[3] * (cy + ty)];
}

function affineCoords(m: number[], oh: number, ow: number, xs: Float64Array, ys: Float64Array): void {
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      xs[i * ow + j] = m[0] * j + m[1] * i + m[2];
      ys[i * ow + j] = m[3] * j + m[4] * i + m[5];
    }
  }
}

function checkInterpolation(op: string, opts: WarpOptions): void {
  if (opts.interpolation !== undefined) checkChoice(op, "interpolation", opts.interpolation, ["bilinear", "nearest"]);
}

const AFFINE_PARAMS = optionNames<AffineParams>({ angle: true, translate: true, scale: true, shear: true });
const WARP_OPTIONS = optionNames<WarpOptions>({ fill: true, interpolation: true });

/**
 * An affine warp of every image (torchvision's F.affine on tensors): rotation about the centre,
 * scale, shear, then translation; bilinear, `fill` outside.
 * @example data.transforms.affine(x, { angle: 15, translate: [2, 0] })
 */
export function affine(x: Tensor, params: AffineParams, opts: WarpOptions = {}): Tensor {
  checkOptions("affine", opts, WARP_OPTIONS);
  checkInterpolation("affine", opts);
  checkOptions("affine", params, AFFINE_PARAMS);
  const b = batchOf("affine", x);
  const m = inverseAffine(params, b.h, b.w);
  return resample(b, b.h, b.w, opts.fill ?? 0, (_k, xs, ys) => affineCoords(m, b.h, b.w, xs, ys), opts.interpolation === "nearest");
}

/** Counter-clockwise rotation by `angle` degrees about the centre. */
export const rotate = (x: Tensor, angle: number, opts: WarpOptions = {}): Tensor => affine(x, { angle }, opts);

/** Moves every image dx pixels right and dy down (whole pixels copy exactly), `fill` where it uncovers. */
export const shift = (x: Tensor, dx: number, dy: number, opts: WarpOptions = {}): Tensor => affine(x, { translate: [dx, dy] }, opts);

/** Per-channel (x - mean) / std, as torchvision's Normalize. */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  return (x) => {
    const b = batchOf("normalize", x);
    const m = typeof mean === "number" ? Array(b.c).fill(mean) : mean, s = typeof std === "number" ? Array(b.c).fill(std) : std;
    if (m.length !== b.c || s.length !== b.c) throw new ShapeError("normalize", `${m.length} means and ${s.length} stds for ${b.c} channels`);
    const out = b.data.slice();
    const hw = b.h * b.w;
    for (let i = 0; i < out.length; i++) {
      const ch = Math.floor(i / hw) % b.c;
      out[i] = (out[i] - m[ch]) / s[ch];
    }
    return tensorOf(b, out, b.h, b.w);
  };
}

// ---- random transforms ----------------------------------------------------------------------------

const range = (op: string, name: string, v: number | readonly [number, number], symmetric: boolean): [number, number] => {
  const r: [number, number] = typeof v === "number" ? (symmetric ? [-v, v] : [v, v]) : [v[0], v[1]];
  if (!(r[0] <= r[1]) || !r.every(Number.isFinite)) throw new ArgumentError(op, `${name} must be a number or a [min, max] pair, got ${JSON.stringify(v)}`);
  return r;
};

export interface RandomAffineOptions extends WarpOptions, Seeded {
  /** Rotation range in degrees: d means [-d, d]. */
  degrees?: number | readonly [number, number];
  /** Largest shift as a fraction of [width, height]: each image moves by up to ±fx·W, ±fy·H. */
  translate?: readonly [number, number];
  /** Zoom range [min, max]. */
  scale?: readonly [number, number];
  /** Shear range in degrees along x: d means [-d, d]. */
  shear?: number | readonly [number, number];
}

const RANDOM_AFFINE_OPTIONS = optionNames<RandomAffineOptions>({ degrees: true, translate: true, scale: true, shear: true, fill: true, interpolation: true, seed: true });

/**
 * A random rotation, translation, zoom and shear per image (torchvision's RandomAffine).
 * @example const aug = data.transforms.randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1], seed: 0 })
 */
export function randomAffine(opts: RandomAffineOptions = {}): Transform {
  checkOptions("randomAffine", opts, RANDOM_AFFINE_OPTIONS);
  checkInterpolation("randomAffine", opts);
  const op = "randomAffine";
  const deg = range(op, "degrees", opts.degrees ?? 0, true);
  const shear = range(op, "shear", opts.shear ?? 0, true);
  const scale = range(op, "scale", opts.scale ?? [1, 1], false);
  const [fx, fy] = opts.translate ?? [0, 0];
  if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) throw new ArgumentError(op, `translate fractions must be in [0, 1], got ${JSON.stringify(opts.translate)}`);
  if (!(scale[0] > 0)) throw new ArgumentError(op, `scale must be positive, got ${JSON.stringify(opts.scale)}`);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf(op, x);
    return resample(b, b.h, b.w, opts.fill ?? 0, (_k, xs, ys) => {
      const p: AffineParams = {
        angle: uniform(g, deg[0], deg[1]),
        translate: [Math.round(uniform(g, -fx * b.w, fx * b.w)), Math.round(uniform(g, -fy * b.h, fy * b.h))],
        scale: uniform(g, scale[0], scale[1]),
        shear: [uniform(g, shear[0], shear[1]), 0],
      };
      affineCoords(inverseAffine(p, b.h, b.w), b.h, b.w, xs, ys);
    }, opts.interpolation === "nearest");
  };
}

/** A random rotation per image, uniform in [-degrees, degrees] (or [min, max]); bilinear. */
export function randomRotation(degrees: number | readonly [number, number], opts: WarpOptions & Seeded = {}): Transform {
  checkOptions("randomRotation", opts, optionNames<typeof opts>({ fill: true, interpolation: true, seed: true }));
  return randomAffine({ ...opts, degrees });
}

/**
 * A random whole-pixel shift per image, up to maxShift pixels each way (uniform in
 * [-maxShift, maxShift] on each axis), `fill` where it uncovers.
 */
export function randomShift(maxShift: number, opts: { fill?: number } & Seeded = {}): Transform {
  checkOptions("randomShift", opts, optionNames<typeof opts>({ fill: true, seed: true }));
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new ArgumentError("randomShift", `maxShift must be a whole number ≥ 0, got ${maxShift}`);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("randomShift", x);
    return resample(b, b.h, b.w, opts.fill ?? 0, (_k, xs, ys) => {
      const dx = g.nextInt(-maxShift, maxShift + 1), dy = g.nextInt(-maxShift, maxShift + 1);
      affineCoords([1, 0, -dx, 0, 1, -dy], b.h, b.w, xs, ys);
    });
  };
}

/**
 * Pads by `padding` (fill value) and cuts a random size×size (or [h, w]) window per image, as
 * torchvision's RandomCrop.
 */
export function randomCrop(size: number | readonly [number, number], opts: { padding?: number; fill?: number } & Seeded = {}): Transform {
  checkOptions("randomCrop", opts, optionNames<typeof opts>({ padding: true, fill: true, seed: true }));
  const [oh, ow] = typeof size === "number" ? [size, size] : size;
  const pad = opts.padding ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new ArgumentError("randomCrop", `padding must be a whole number ≥ 0, got ${pad}`);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("randomCrop", x);
    if (oh > b.h + 2 * pad || ow > b.w + 2 * pad) throw new ShapeError("randomCrop", `crop ${oh}×${ow} is larger than the padded image ${b.h + 2 * pad}×${b.w + 2 * pad}`);
    return resample(b, oh, ow, opts.fill ?? 0, (_k, xs, ys) => {
      const top = g.nextInt(0, b.h + 2 * pad - oh + 1) - pad, left = g.nextInt(0, b.w + 2 * pad - ow + 1) - pad;
      affineCoords([1, 0, left, 0, 1, top], oh, ow, xs, ys);
    });
  };
}

export interface RandomResizedCropOptions extends Seeded {
  /** Range of the crop's area as a fraction of the image (default [0.08, 1], torchvision's). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio w/h, sampled log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
}

const RANDOM_RESIZED_CROP_OPTIONS = optionNames<RandomResizedCropOptions>({ scale: true, ratio: true, seed: true });

/**
 * A random box (area and aspect ratio drawn per image) resized bilinearly to size×size — the crop
 * SimCLR's augmentations start from (torchvision's RandomResizedCrop, 10 tries then the centre).
 */
export function randomResizedCrop(size: number | readonly [number, number], opts: RandomResizedCropOptions = {}): Transform {
  checkOptions("randomResizedCrop", opts, RANDOM_RESIZED_CROP_OPTIONS);
  const [oh, ow] = typeof size === "number" ? [size, size] : size;
  const [smin, smax] = opts.scale ?? [0.08, 1];
  const [rmin, rmax] = opts.ratio ?? [3 / 4, 4 / 3];
  if (!(smin > 0 && smin <= smax && smax <= 1)) throw new ArgumentError("randomResizedCrop", `scale must be a range within (0, 1], got ${JSON.stringify(opts.scale)}`);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("randomResizedCrop", x);
    return resample(b, oh, ow, 0, (_k, xs, ys) => {
      let ch = b.h, cw = b.w, top = 0, left = 0;
      for (let t = 0; t < 10; t++) {
        const area = b.h * b.w * uniform(g, smin, smax);
        const ratio = Math.exp(uniform(g, Math.log(rmin), Math.log(rmax)));
        const w = Math.round(Math.sqrt(area * ratio)), h = Math.round(Math.sqrt(area / ratio));
        if (w > 0 && h > 0 && w <= b.w && h <= b.h) {
          [ch, cw] = [h, w];
          top = g.nextInt(0, b.h - h + 1);
          left = g.nextInt(0, b.w - w + 1);
          break;
        }
      }
      // Pixel centres of the output spread over the box (align-corners-false mapping).
      const sy = ch / oh, sx = cw / ow;
      affineCoords([sx, 0, left + 0.5 * sx - 0.5, 0, sy, top + 0.5 * sy - 0.5], oh, ow, xs, ys);
      for (let p = 0; p < xs.length; p++) {
        xs[p] = Math.min(Math.max(xs[p], left), left + cw - 1);
        ys[p] = Math.min(Math.max(ys[p], top), top + ch - 1);
      }
    });
  };
}

const SEEDED_OPTIONS = optionNames<Seeded>({ seed: true });

/** Mirrors each image left-right with probability p. */
export function randomHorizontalFlip(p = 0.5, opts: Seeded = {}): Transform {
  checkOptions("randomHorizontalFlip", opts, SEEDED_OPTIONS);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("randomHorizontalFlip", x);
    return resample(b, b.h, b.w, 0, (_k, xs, ys) => {
      const flip = g.nextDouble() < p;
      affineCoords(flip ? [-1, 0, b.w - 1, 0, 1, 0] : [1, 0, 0, 0, 1, 0], b.h, b.w, xs, ys);
    });
  };
}

export interface ElasticOptions extends WarpOptions, Seeded {
  /** Displacement strength in pixels (default 8). */
  alpha?: number;
  /** Smoothness: the Gaussian blur's standard deviation in pixels (default 3). */
  sigma?: number;
}

const ELASTIC_OPTIONS = optionNames<ElasticOptions>({ alpha: true, sigma: true, fill: true, interpolation: true, seed: true });

/**
 * Elastic distortion (Simard et al. 2003): a random displacement field per image, uniform in
 * [-1, 1], smoothed by a Gaussian of `sigma` pixels and scaled by `alpha`, then bilinear resampling.
 */
export function elastic(opts: ElasticOptions = {}): Transform {
  checkOptions("elastic", opts, ELASTIC_OPTIONS);
  checkInterpolation("elastic", opts);
  const alpha = opts.alpha ?? 8, sigma = opts.sigma ?? 3;
  if (!(sigma > 0) || !(alpha >= 0)) throw new ArgumentError("elastic", `alpha must be ≥ 0 and sigma > 0, got ${alpha}, ${sigma}`);
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const ksum = kernel.reduce((a, v) => a + v, 0);
  const blur = (f: Float64Array, h: number, w: number): Float64Array => {
    const tmp = new Float64Array(h * w), out = new Float64Array(h * w);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++) { const jj = j + t; if (jj >= 0 && jj < w) s += kernel[t + radius] * f[i * w + jj]; }
      tmp[i * w + j] = s / ksum;
    }
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++) { const ii = i + t; if (ii >= 0 && ii < h) s += kernel[t + radius] * tmp[ii * w + j]; }
      out[i * w + j] = s / ksum;
    }
    return out;
  };
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("elastic", x);
    return resample(b, b.h, b.w, opts.fill ?? 0, (_k, xs, ys) => {
      const field = () => blur(Float64Array.from({ length: b.h * b.w }, () => uniform(g, -1, 1)), b.h, b.w);
      const dx = field(), dy = field();
      for (let i = 0; i < b.h; i++) for (let j = 0; j < b.w; j++) {
        xs[i * b.w + j] = j + alpha * dx[i * b.w + j];
        ys[i * b.w + j] = i + alpha * dy[i * b.w + j];
      }
    }, opts.interpolation === "nearest");
  };
}

export interface NoiseOptions extends Seeded {
  mean?: number;
  /** Clip the result to [min, max] (e.g. [0, 1] for pixel intensities). */
  clip?: readonly [number, number];
}

const NOISE_OPTIONS = optionNames<NoiseOptions>({ mean: true, clip: true, seed: true });

/** Adds N(mean, std²) noise to every pixel (the denoising autoencoder's corruption). */
export function gaussianNoise(std: number, opts: NoiseOptions = {}): Transform {
  checkOptions("gaussianNoise", opts, NOISE_OPTIONS);
  if (!(std >= 0)) throw new ArgumentError("gaussianNoise", `std must be ≥ 0, got ${std}`);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("gaussianNoise", x);
    const out = b.data.slice();
    const [lo, hi] = opts.clip ?? [-Infinity, Infinity];
    for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i] + (opts.mean ?? 0) + std * g.nextNormal()));
    return tensorOf(b, out, b.h, b.w);
  };
}

/** Applies `t` to each image with probability p (else passes it through). */
export function randomApply(t: Transform, p = 0.5, opts: Seeded = {}): Transform {
  checkOptions("randomApply", opts, SEEDED_OPTIONS);
  const mine = own(opts);
  return (x, rng) => {
    const g = pick(rng, mine);
    const b = batchOf("randomApply", x);
    if (!b.batched) return g.nextDouble() < p ? t(x, g) : x.clone();
    const chosen = Array.from({ length: b.n }, () => g.nextDouble() < p);
    const y = t(x, g);
    const yd = y.dataSync(), out = b.data.slice(), size = b.c * b.h * b.w;
    if (y.size !== x.size) throw new ShapeError("randomApply", `the transform changed the image size (${fmtShape(x.shape)} → ${fmtShape(y.shape)}); randomApply needs size-preserving transforms`);
    chosen.forEach((on, k) => { if (on) out.set(yd.subarray(k * size, (k + 1) * size), k * size); });
    return tensorOf(b, out, b.h, b.w);
  };
}

/**
 * Chains transforms left to right. With `seed`, the chain owns a generator (seeded once, so calls
 * draw fresh but reproducible parameters) and hands it to every member.
 * @example const aug = data.transforms.compose([randomResizedCrop(28, { scale: [0.5, 1] }), randomRotation(15), gaussianNoise(0.1)], { seed: 0 })
 */
export function compose(transforms: readonly Transform[], opts: Seeded = {}): Transform {
  checkOptions("compose", opts, SEEDED_OPTIONS);
  const mine = own(opts);
  return (x, rng) => {
    const g = rng ?? mine ?? undefined;
    return transforms.reduce((y, t) => t(y, g), x);
  };
}
