// The numerics of ds.linalg on one dense row-major float64 matrix at a time: LU with partial
// pivoting, Cholesky, Householder QR, tridiagonal QL for symmetric eigenproblems, one-sided Jacobi
// SVD. Plain loops over Float64Array, no tensors: the one home of deepscript's factorizations
// (ops/linalg/*.ts apply them over batches and add gradients).

/** A matrix: `rows` × `cols` values, row-major. */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export const mat = (rows: number, cols: number, data = new Float64Array(rows * cols)): Mat => ({ rows, cols, data });

export function transposed(a: Mat): Mat {
  const out = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

/** LU with partial pivoting, in place: PA = LU, L unit lower. `sign` is det(P); `singular` the first zero pivot (-1: none). */
export interface LU { lu: Float64Array; n: number; perm: Int32Array; sign: number; singular: number }

export function luFactor(a: Mat): LU {
  const n = a.rows, lu = a.data.slice(), perm = new Int32Array(n);
  let sign = 1, singular = -1;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) { best = v; p = i; }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) { const t = lu[k * n + j]; lu[k * n + j] = lu[p * n + j]; lu[p * n + j] = t; }
      const t = perm[k]; perm[k] = perm[p]; perm[p] = t;
      sign = -sign;
    }
    const piv = lu[k * n + k];
    // LAPACK's getrf goes on past a zero pivot (U is then singular); so do we, for det's sake.
    if (piv === 0) { if (singular < 0) singular = k; continue; }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= piv);
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { lu, n, perm, sign, singular };
}

/** Solves A X = B from A's LU (B is n × k); the factorization must not be singular. */
export function luSolve(f: LU, b: Mat): Mat {
  const { lu, n, perm } = f, k = b.cols, x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x[i * k + j] = b.data[perm[i] * k + j];
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < i; m++) {
      const l = lu[i * n + m];
      if (l !== 0) for (let j = 0; j < k; j++) x[i * k + j] -= l * x[m * k + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let m = i + 1; m < n; m++) {
      const u = lu[i * n + m];
      if (u !== 0) for (let j = 0; j < k; j++) x[i * k + j] -= u * x[m * k + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < k; j++) x[i * k + j] /= d;
  }
  return mat(n, k, x);
}

/** Determinant from an LU: the product of U's diagonal times det(P). */
export function luDet(f: LU): number {
  let d = f.sign;
  for (let i = 0; i < f.n; i++) d *= f.lu[i * f.n + i];
  return d;
}

/** sign(det) and log|det| from an LU, without overflow: (0, -Infinity) for a singular matrix. */
export function luSlogdet(f: LU): [number, number] {
  let s = f.sign, l = 0;
  for (let i = 0; i < f.n; i++) {
    const d = f.lu[i * f.n + i];
    if (d === 0) return [0, -Infinity];
    if (d < 0) s = -s;
    l += Math.log(Math.abs(d));
  }
  return [s, l];
}

/** Lower Cholesky factor of a symmetric positive-definite A (reads the lower triangle); `failed` is the order of the first non-positive leading minor (0: none). */
export function cholesky(a: Mat): { l: Mat; failed: number } {
  const n = a.rows, l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a.data[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) return { l: mat(n, n, l), failed: j + 1 };
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a.data[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return { l: mat(n, n, l), failed: 0 };
}

/**
 * Householder QR (LAPACK's geqrf + orgqr conventions: each reflector maps its column onto
 * -sign(a_kk)·‖a‖, so R's diagonal signs match torch.linalg.qr). `complete` gives Q m × m and R
 * m × n; otherwise Q m × k and R k × n, k = min(m, n).
 */
export function qr(a: Mat, complete: boolean): { q: Mat; r: Mat } {
  const m = a.rows, n = a.cols, k = Math.min(m, n), r = a.data.slice();
  const vs: Float64Array[] = [], taus: number[] = [];
  for (let j = 0; j < k; j++) {
    let norm2 = 0;
    for (let i = j + 1; i < m; i++) norm2 += r[i * n + j] ** 2;
    const alpha = r[j * n + j];
    const v = new Float64Array(m - j);
    if (norm2 === 0) { vs.push(v); taus.push(0); continue; } // already upper triangular here: H = I
    const beta = -Math.sign(alpha || 1) * Math.sqrt(alpha * alpha + norm2);
    const tau = (beta - alpha) / beta;
    v[0] = 1;
    for (let i = j + 1; i < m; i++) v[i - j] = r[i * n + j] / (alpha - beta);
    // R ← (I - tau v vᵀ) R on rows j.., columns j..
    for (let c = j; c < n; c++) {
      let s = 0;
      for (let i = j; i < m; i++) s += v[i - j] * r[i * n + c];
      s *= tau;
      for (let i = j; i < m; i++) r[i * n + c] -= s * v[i - j];
    }
    for (let i = j + 1; i < m; i++) r[i * n + j] = 0;
    r[j * n + j] = beta;
    vs.push(v);
    taus.push(tau);
  }
  const qc = complete ? m : k;
  // Q = H_0 H_1 … H_{k-1} applied to the first qc columns of the identity, last reflector first.
  const q = new Float64Array(m * qc);
  for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j], tau = taus[j];
    if (tau === 0) continue;
    for (let c = 0; c < qc; c++) {
      let s = 0;
      for (let i = j; i < m; i++) s += v[i - j] * q[i * qc + c];
      s *= tau;
      for (let i = j; i < m; i++) q[i * qc + c] -= s * v[i - j];
    }
  }
  const rr = complete ? m : k;
  const rOut = new Float64Array(rr * n);
  rOut.set(r.subarray(0, Math.min(rr, m) * n));
  return { q: mat(m, qc, q), r: mat(rr, n, rOut) };
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns of V) of a symmetric matrix, by
 * Householder tridiagonalisation and implicit QL iterations (EISPACK's tred2/tql2, as in JAMA):
 * O(n³). Reads the lower triangle (as torch.linalg.eigh's default UPLO="L"). `converged` is false
 * when an eigenvalue needed more than 60 iterations (LAPACK's limit is 30 per eigenvalue).
 */
export function eigh(a: Mat): { w: Float64Array; v: Mat; converged: boolean } {
  const n = a.rows, V = new Float64Array(n * n), d = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) V[i * n + j] = V[j * n + i] = a.data[i * n + j];
  const converged = tridiagonalQL(V, d, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const w = new Float64Array(n), vs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    w[dst] = d[src];
    for (let k = 0; k < n; k++) vs[k * n + dst] = V[k * n + src];
  });
  return { w, v: mat(n, n, vs), converged };
}

/**
 * Eigen-decomposes the symmetric n×n `V` (row-major, full) in place: on return `d` holds the
 * eigenvalues (unsorted) and column k of `V` the eigenvector of `d[k]`. False if QL did not
 * converge. (eigh returns it ascending; ml/eigen.ts reverses it for PCA.)
 */
export function tridiagonalQL(V: Float64Array, d: Float64Array, n: number): boolean {
  if (n === 0) return true;
  const e = new Float64Array(n);
  tred2(V, d, e, n);
  return tql2(V, d, e, n);
}

// Householder reduction of the symmetric V to tridiagonal form (diagonal d, subdiagonal e[1..]);
// V becomes the accumulated orthogonal transformation.
function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1], g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

// Implicit QL on the tridiagonal (d, e), rotating V's columns along; false if it fails to converge.
function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): boolean {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) return false;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            h = V[k * n + i + 1];
            V[k * n + i + 1] = s * V[k * n + i] + c * h;
            V[k * n + i] = c * V[k * n + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return true;
}

/**
 * Thin SVD by one-sided Jacobi (Hestenes) on the columns of A (A transposed first when wide):
 * A = U diag(s) Vᵀ with s descending. `full` completes U (or V, for wide A) to a square
 * orthonormal basis.
 */
export function svdJacobi(a: Mat, full: boolean): { u: Mat; s: Float64Array; vt: Mat } {
  if (a.rows < a.cols) {
    const t = svdJacobi(transposed(a), full);
    return { u: transposed(t.vt), s: t.s, vt: transposed(t.u) };
  }
  // Columns kept as contiguous arrays: every step reads and rotates two whole columns.
  const m = a.rows, n = a.cols;
  const w = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a.data[i * n + j]));
  const v = Array.from({ length: n }, (_, j) => { const c = new Float64Array(n); c[j] = 1; return c; });
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const wp = w[p], vp = v[p];
      for (let q = p + 1; q < n; q++) {
        const wq = w[q], vq = v[q];
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = wp[i], y = wq[i];
          alpha += x * x; beta += y * y; gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < m; i++) {
          const x = wp[i], y = wq[i];
          wp[i] = c * x - sn * y;
          wq[i] = sn * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = vp[i], y = vq[i];
          vp[i] = c * x - sn * y;
          vq[i] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = w.map((col) => { let s = 0; for (let i = 0; i < m; i++) s += col[i] * col[i]; return Math.sqrt(s); });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const ucols = full ? m : n;
  const u = new Float64Array(m * ucols), s = new Float64Array(n), vt = new Float64Array(n * n);
  const smax = norms[order[0]] ?? 0;
  const filled: number[] = [];
  order.forEach((src, dst) => {
    s[dst] = norms[src];
    vt.set(v[src], dst * n);
    // Columns of a zero (or negligible) singular value carry no direction: the completion below supplies one.
    if (norms[src] > smax * m * 2.2e-16 && norms[src] > 0) {
      for (let i = 0; i < m; i++) u[i * ucols + dst] = w[src][i] / norms[src];
      filled.push(dst);
    }
  });
  completeBasis(u, m, ucols, filled);
  return { u: mat(m, ucols, u), s, vt: mat(n, n, vt) };
}

// Fills the columns of q (m × cols) not in `have` with unit vectors orthogonal to all others (Gram-Schmidt on e_i).
function completeBasis(q: Float64Array, m: number, cols: number, have: number[]): void {
  const done = new Set(have);
  let e = 0;
  for (let c = 0; c < cols; c++) {
    if (done.has(c)) continue;
    for (; e < m; e++) {
      const x = new Float64Array(m);
      x[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const d of done) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += q[i * cols + d] * x[i];
          for (let i = 0; i < m; i++) x[i] -= dot * q[i * cols + d];
        }
      }
      const nrm = Math.hypot(...x);
      if (nrm > 1e-8) {
        for (let i = 0; i < m; i++) q[i * cols + c] = x[i] / nrm;
        done.add(c);
        e++;
        break;
      }
    }
  }
}
