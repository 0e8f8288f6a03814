// Smooth unconstrained minimisation for the estimators: L-BFGS with a strong-Wolfe line search.
// (Nocedal & Wright, Numerical Optimization, algorithms 7.4, 3.5 and 3.6.)

/** Objective: returns f(x) and writes ∇f(x) into g. */
export type ObjectiveFn = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Iterations at most. */
  maxIter: number;
  /** Stop when max |∇f| ≤ gtol (SciPy's pgtol). */
  gtol: number;
  /** Stop when the relative decrease of f is ≤ ftol (SciPy's factr·eps). */
  ftol?: number;
  /** History pairs kept. Default 10. */
  m?: number;
  /** Function evaluations per line search at most. Default 50. */
  maxLs?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  nIter: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > m) m = v; }
  return m;
}

/** Minimises `fg` from `x0` (not modified). */
export function lbfgs(fg: ObjectiveFn, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length, m = opts.m ?? 10, maxLs = opts.maxLs ?? 50;
  const ftol = opts.ftol ?? 64 * 2.220446049250313e-16;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n), alpha = new Float64Array(m);
  let xNew = new Float64Array(n), gNew = new Float64Array(n);
  if (maxAbs(g) <= opts.gtol) return { x, f, nIter: 0, converged: true };
  let iter = 0;
  for (iter = 0; iter < opts.maxIter; iter++) {
    // Two-loop recursion: d = -H·g
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      const y = Y[j];
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * y[i];
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(Y[j], d);
      const s = S[j];
      for (let i = 0; i < n; i++) d[i] += (alpha[j] - beta) * s[i];
    }
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
    }
    const t0 = k === 0 ? Math.min(1, 1 / maxAbs(g)) : 1;
    const ls = wolfeSearch(fg, x, f, g, d, dg, t0, maxLs, xNew, gNew);
    if (!ls) break;
    const fNew = ls.f;
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i]; }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === m) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (maxAbs(g) <= opts.gtol) return { x, f, nIter: iter + 1, converged: true };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) return { x, f, nIter: iter + 1, converged: true };
  }
  return { x, f, nIter: iter, converged: false };
}

/** Strong Wolfe line search (c1 = 1e-4, c2 = 0.9); writes the accepted point into xOut/gOut. */
function wolfeSearch(
  fg: ObjectiveFn, x: Float64Array, f0: number, g0: Float64Array, d: Float64Array, dg0: number,
  t0: number, maxLs: number, xOut: Float64Array, gOut: Float64Array,
): { f: number } | null {
  const c1 = 1e-4, c2 = 0.9, n = x.length;
  const evalAt = (t: number): { f: number; dg: number } => {
    for (let i = 0; i < n; i++) xOut[i] = x[i] + t * d[i];
    const f = fg(xOut, gOut);
    return { f, dg: dot(gOut, d) };
  };
  let tPrev = 0, fPrev = f0, dgPrev = dg0, t = t0, evals = 0;
  let lo = 0, hi = 0, fLo = 0, dgLo = 0, fHi = 0, zoom = false;
  let best: { t: number; f: number } | null = null;
  while (evals < maxLs) {
    const r = evalAt(t); evals++;
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { t, f: r.f };
    if (!Number.isFinite(r.f) || r.f > f0 + c1 * t * dg0 || (evals > 1 && r.f >= fPrev)) {
      lo = tPrev; fLo = fPrev; dgLo = dgPrev; hi = t; fHi = r.f; zoom = true; break;
    }
    if (Math.abs(r.dg) <= -c2 * dg0) return { f: r.f };
    if (r.dg >= 0) { lo = t; fLo = r.f; dgLo = r.dg; hi = tPrev; fHi = fPrev; zoom = true; break; }
    tPrev = t; fPrev = r.f; dgPrev = r.dg;
    t *= 2;
  }
  if (zoom) {
    while (evals < maxLs) {
      const w = hi - lo;
      if (Math.abs(w) < 1e-16 * Math.max(1, Math.abs(lo))) break;
      // Minimiser of the quadratic through (lo, fLo, dgLo) and (hi, fHi), kept inside the bracket.
      let tj = lo + w / 2;
      const curv = fHi - fLo - dgLo * w;
      if (Number.isFinite(fHi) && curv > 0) {
        const q = lo - (dgLo * w * w) / (2 * curv);
        const a = lo + 0.1 * w, b = hi - 0.1 * w;
        tj = Math.min(Math.max(q, Math.min(a, b)), Math.max(a, b));
      }
      const r = evalAt(tj); evals++;
      if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { t: tj, f: r.f };
      if (!Number.isFinite(r.f) || r.f > f0 + c1 * tj * dg0 || r.f >= fLo) {
        hi = tj; fHi = r.f;
      } else {
        if (Math.abs(r.dg) <= -c2 * dg0) return { f: r.f };
        if (r.dg * (hi - lo) >= 0) { hi = lo; fHi = fLo; }
        lo = tj; fLo = r.f; dgLo = r.dg;
      }
    }
  }
  // No Wolfe point: accept the best decrease seen, if any.
  if (best && best.f < f0) {
    const r = evalAt(best.t);
    return { f: r.f };
  }
  return null;
}
