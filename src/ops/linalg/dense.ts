// The numerics of ds.linalg on one dense row-major float64 matrix at a time: LU with partial
// pivoting, Cholesky, Householder QR, cyclic Jacobi for symmetric eigenproblems, one-sided Jacobi
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
 * cyclic Jacobi rotations: slower than tridiagonal QR for large n but accurate to the last bits
 * and simple. Reads the lower triangle (as torch.linalg.eigh's default UPLO="L").
 */
export function eighJacobi(a: Mat): { w: Float64Array; v: Mat } {
  const n = a.rows, s = new Float64Array(n * n), v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) s[i * n + j] = s[j * n + i] = a.data[i * n + j];
    v[i * n + i] = 1;
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { const x = s[i * n + j] ** 2; total += x; if (i !== j) off += x; }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq === 0) continue;
        const theta = (s[q * n + q] - s[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), sn = t * c;
        for (let k = 0; k < n; k++) { // columns p, q
          const skp = s[k * n + p], skq = s[k * n + q];
          s[k * n + p] = c * skp - sn * skq;
          s[k * n + q] = sn * skp + c * skq;
        }
        for (let k = 0; k < n; k++) { // rows p, q
          const spk = s[p * n + k], sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[x * n + x] - s[y * n + y]);
  const w = new Float64Array(n), vs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    w[dst] = s[src * n + src];
    for (let k = 0; k < n; k++) vs[k * n + dst] = v[k * n + src];
  });
  return { w, v: mat(n, n, vs) };
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
  const m = a.rows, n = a.cols, w = a.data.slice(), v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p], y = w[i * n + q];
          alpha += x * x; beta += y * y; gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p], y = w[i * n + q];
          w[i * n + p] = c * x - sn * y;
          w[i * n + q] = sn * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[i * n + p], y = v[i * n + q];
          v[i * n + p] = c * x - sn * y;
          v[i * n + q] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => { let s = 0; for (let i = 0; i < m; i++) s += w[i * n + j] ** 2; return Math.sqrt(s); });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const ucols = full ? m : n;
  const u = new Float64Array(m * ucols), s = new Float64Array(n), vt = new Float64Array(n * n);
  const smax = norms[order[0]] ?? 0;
  const filled: number[] = [];
  order.forEach((src, dst) => {
    s[dst] = norms[src];
    for (let k = 0; k < n; k++) vt[dst * n + k] = v[k * n + src];
    // Columns of a zero (or negligible) singular value carry no direction: the completion below supplies one.
    if (norms[src] > smax * m * 2.2e-16 && norms[src] > 0) {
      for (let i = 0; i < m; i++) u[i * ucols + dst] = w[i * n + src] / norms[src];
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
