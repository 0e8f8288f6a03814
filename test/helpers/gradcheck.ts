// Gradient checking by central finite differences in float64: the analytic gradient of
// sum(fn(...xs) * r), r a fixed random upstream tensor, against (L(x + eps) - L(x - eps)) / 2eps.
import assert from "node:assert/strict";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Indices of the inputs to differentiate (default: every float64 input). */
  wrt?: readonly number[];
  /** Seed of the upstream tensor r (default 1234). */
  seed?: number;
  /** Label for failure messages. */
  name?: string;
}

/** A small deterministic generator (mulberry32), independent of ds.seed. */
function uniforms(seed: number, n: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

function multiIndex(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `[${idx.join(",")}]`;
}

/** A contiguous float64 tensor of `shape` holding `values`. */
function f64(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  return ds.tensor(Float64Array.from(values), { dtype: "float64" }).reshape(shape);
}

/**
 * Asserts that autograd's gradient of `fn` matches central differences at `inputs`. Inputs that
 * are not float64 (int32 indices, bool masks) are passed through unperturbed. Inputs may be
 * non-contiguous views: the analytic pass uses them as they are (same strides), the numeric
 * passes use contiguous perturbed copies.
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): void {
  const eps = opts.eps ?? 1e-6, rtol = opts.rtol ?? 1e-6, atol = opts.atol ?? 1e-6;
  const label = opts.name ? `${opts.name}: ` : "";
  const wrt = opts.wrt ?? inputs.map((_, i) => i).filter((i) => inputs[i].dtype === "float64");
  assert.ok(wrt.length > 0, `${label}gradcheck needs at least one float64 input`);
  for (const i of wrt) assert.equal(inputs[i].dtype, "float64", `${label}input ${i} must be float64, got ${inputs[i].dtype}`);

  // ---- analytic -------------------------------------------------------------------------------
  // Fresh leaves sharing the inputs' storage and strides.
  const leaves = inputs.map((x, i) => (wrt.includes(i) ? x.detach().requiresGrad_(true) : x));
  const out = fn(...leaves);
  assert.ok(out instanceof ds.Tensor, `${label}fn must return a Tensor`);
  assert.equal(out.dtype, "float64", `${label}fn must return float64 (got ${out.dtype}) so the check is exact enough`);
  const rVals = uniforms(opts.seed ?? 1234, out.size).map((u) => 2 * u - 1);
  const r = f64(rVals, out.shape);
  const outVals = Float64Array.from(out.dataSync());
  const loss = out.mul(r).sum();
  assert.ok(loss.requiresGrad, `${label}the output does not depend on any input with requiresGrad (no graph recorded)`);
  loss.backward();
  const analytic = wrt.map((i) => {
    const g = leaves[i].grad;
    if (g === null) return new Float64Array(inputs[i].size);
    assert.deepEqual([...g.shape], [...inputs[i].shape], `${label}gradient of input ${i} has shape [${g.shape}], input has [${inputs[i].shape}]`);
    assert.equal(g.dtype, inputs[i].dtype, `${label}gradient of input ${i} has dtype ${g.dtype}, input ${inputs[i].dtype}`);
    return Float64Array.from(g.dataSync());
  });

  // ---- numeric --------------------------------------------------------------------------------
  const base = inputs.map((x) => Float64Array.from(x.dataSync()));
  const plain = inputs.map((x, i) => (wrt.includes(i) ? f64(base[i], x.shape) : x));
  const evalLoss = (xs: Tensor[]): number => {
    const y = ds.noGrad(() => fn(...xs));
    const v = y.dataSync();
    assert.equal(v.length, rVals.length, `${label}fn's output size changed between calls`);
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] * rVals[k];
    return s;
  };
  // fn must be deterministic (dropout: reseed inside fn) or the comparison means nothing.
  {
    const again = ds.noGrad(() => fn(...plain)).dataSync();
    for (let k = 0; k < outVals.length; k++) {
      const same = Object.is(again[k], outVals[k]) || Math.abs(again[k] - outVals[k]) <= 1e-12 * (1 + Math.abs(outVals[k]));
      assert.ok(same, `${label}fn is not deterministic: output ${multiIndex(out.shape, k)} was ${outVals[k]}, then ${again[k]}`);
    }
  }
  let worst = { err: -1, ratio: -1, msg: "" };
  wrt.forEach((i, w) => {
    const shape = inputs[i].shape;
    for (let k = 0; k < base[i].length; k++) {
      const vals = base[i].slice();
      const xs = plain.slice();
      vals[k] = base[i][k] + eps;
      xs[i] = f64(vals, shape);
      const up = evalLoss(xs);
      vals[k] = base[i][k] - eps;
      xs[i] = f64(vals, shape);
      const down = evalLoss(xs);
      const numeric = (up - down) / (2 * eps);
      const a = analytic[w][k];
      const err = Math.abs(a - numeric);
      const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(numeric));
      if (ratio > worst.ratio) {
        worst = { err, ratio, msg: `input ${i} ${multiIndex(shape, k)} (x = ${base[i][k]}): analytic ${a}, numeric ${numeric}, |diff| ${err}` };
      }
    }
  });
  assert.ok(worst.ratio <= 1, `${label}gradient mismatch; worst element: ${worst.msg} (rtol ${rtol}, atol ${atol})`);
}
