// Linear regression models: ordinary least squares, Ridge (L2) and Lasso (L1, coordinate descent).
// The dense solves are ds.linalg's (lstsq; solve for Ridge's normal equations) on float64 tensors.
import { type Tensor, matmul, mean as meanOf, sub, add, mul, transpose, eye, reshape } from "../tensor/index.js";
import { frame } from "../tensor/memory.js";
import { lstsq, solve } from "../ops/linalg/index.js";
import { Regressor, toTargets, vectorTensor, matrixTensor, checkNumber, checkInt, checkChoice, rngFrom, type Matrix, type MatrixInput, type TargetInput } from "./base.js";

/** Minimum-norm least squares argmin ‖X w − y‖² (NumPy's lstsq, rcond eps·max(n, d)) by ds.linalg.lstsq. */
function leastSquares(X: Float64Array, y: Float64Array, n: number, d: number): Float64Array {
  return Float64Array.from(frame(() => lstsq(matrixTensor(X, n, d), vectorTensor(y))[0]).dataSync());
}

/** Shared state of linear regressors: y ≈ X·coef + intercept. */
abstract class LinearModel<P extends { fitIntercept: boolean }> extends Regressor<P> {
  protected w: Float64Array = new Float64Array(0);
  protected b = 0;

  /** Coefficients, float64 [nFeatures]. */
  get coef_(): Tensor {
    this.checkFitted("coef_");
    return vectorTensor(this.w.slice());
  }
  /** The intercept (0 when fitIntercept is false). */
  get intercept_(): number {
    this.checkFitted("intercept_");
    return this.b;
  }

  protected predictValues(X: Matrix): Float64Array {
    const { data, rows, cols } = X;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = this.b;
      for (let j = 0; j < cols; j++) s += data[i * cols + j] * this.w[j];
      out[i] = s;
    }
    return out;
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const m = this.fitMatrix(X);
    const t = toTargets(this.name("fit"), y, m.rows);
    this.validate();
    const { rows: n, cols: d } = m;
    let Xc: Float64Array = m.data, yc: Float64Array = t, xMean: Float64Array = new Float64Array(d), yMean = 0;
    if (this.params.fitIntercept) {
      [xMean, Xc] = frame(() => {
        const Xt = matrixTensor(m.data, n, d), mu = meanOf(Xt, 0);
        return [Float64Array.from(mu.dataSync()), Float64Array.from(sub(Xt, mu).dataSync())];
      });
      for (let i = 0; i < n; i++) yMean += t[i];
      yMean /= n;
      yc = t.map((v) => v - yMean);
    }
    const w = this.solve(Xc, yc, n, d);
    let b = 0;
    if (this.params.fitIntercept) {
      b = yMean;
      for (let j = 0; j < d; j++) b -= xMean[j] * w[j];
    }
    this.w = w;
    this.b = b;
    this.markFitted(d);
    return this;
  }

  protected validate(): void {}
  /** Coefficients for centred (or raw, without intercept) data. */
  protected abstract solve(X: Float64Array, y: Float64Array, n: number, d: number): Float64Array;
}

export interface LinearRegressionOptions {
  /** Fit an intercept (centre the data first). Default true. */
  fitIntercept: boolean;
}

/**
 * Ordinary least squares (minimum-norm solution for rank-deficient X, as NumPy's lstsq).
 * @example new ml.LinearRegression().fit([[1], [2], [3]], [2, 4, 6]).predict([[4]]) // [8]
 */
export class LinearRegression extends LinearModel<LinearRegressionOptions> {
  constructor(opts: Partial<LinearRegressionOptions> = {}) {
    super({ fitIntercept: true }, opts);
  }
  protected solve(X: Float64Array, y: Float64Array, n: number, d: number): Float64Array {
    return leastSquares(X, y, n, d);
  }
}

export interface RidgeOptions {
  /** L2 penalty strength: minimises ||y − Xw||² + alpha·||w||². Default 1. */
  alpha: number;
  fitIntercept: boolean;
}

/**
 * Least squares with an L2 penalty, solved exactly (Cholesky), as scikit-learn's `Ridge`.
 * @example new ml.Ridge({ alpha: 0.5 }).fit(X, y).coef_
 */
export class Ridge extends LinearModel<RidgeOptions> {
  constructor(opts: Partial<RidgeOptions> = {}) {
    super({ alpha: 1.0, fitIntercept: true }, opts);
  }
  protected override validate(): void {
    checkNumber(this.name("fit"), "alpha", this.params.alpha, 0);
  }
  protected solve(X: Float64Array, y: Float64Array, n: number, d: number): Float64Array {
    const alpha = this.params.alpha;
    if (alpha === 0) return leastSquares(X, y, n, d);
    // (XᵀX + αI) w = Xᵀy; with α > 0 the matrix is positive definite, so ds.linalg.solve's LU
    // with partial pivoting is as exact as a Cholesky solve here.
    return Float64Array.from(frame(() => {
      const Xt = matrixTensor(X, n, d), XT = transpose(Xt, 0, 1);
      const A = add(matmul(XT, Xt), mul(eye(d, d, { dtype: "float64" }), alpha));
      return reshape(solve(A, matmul(XT, matrixTensor(y, n, 1))), [d]);
    }).dataSync());
  }
}

export interface LassoOptions {
  /** L1 penalty: minimises ||y − Xw||² / (2·nSamples) + alpha·||w||₁. Default 1. */
  alpha: number;
  fitIntercept: boolean;
  /** Coordinate-descent sweeps at most. Default 1000. */
  maxIter: number;
  /** Stop when the duality gap is below tol·||y||². Default 1e-4. */
  tol: number;
  /** "cyclic" (default) or "random" coordinate order. */
  selection: "cyclic" | "random";
  /** Seed for selection "random". */
  seed: number | null;
}

/**
 * L1-penalised least squares by coordinate descent with a duality-gap stop (scikit-learn's algorithm).
 * @example new ml.Lasso({ alpha: 0.1 }).fit(X, y).coef_ // sparse coefficients
 */
export class Lasso extends LinearModel<LassoOptions> {
  /** Sweeps run by the last fit. */
  nIter_ = 0;
  /** Duality gap at the end of the last fit. */
  dualGap_ = 0;

  constructor(opts: Partial<LassoOptions> = {}) {
    super({ alpha: 1.0, fitIntercept: true, maxIter: 1000, tol: 1e-4, selection: "cyclic", seed: null }, opts);
  }
  protected override validate(): void {
    const op = this.name("fit");
    checkNumber(op, "alpha", this.params.alpha, 0);
    checkInt(op, "maxIter", this.params.maxIter, 1);
    checkNumber(op, "tol", this.params.tol, 0);
    checkChoice(op, "selection", this.params.selection, ["cyclic", "random"]);
  }
  protected solve(X: Float64Array, y: Float64Array, n: number, d: number): Float64Array {
    const { maxIter, selection } = this.params;
    const l1 = this.params.alpha * n;
    const rng = rngFrom(this.params.seed);
    // Column-major copy: each coordinate step reads one column.
    const cols: Float64Array[] = [];
    const norm2 = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const c = new Float64Array(n);
      let s = 0;
      for (let i = 0; i < n; i++) { c[i] = X[i * d + j]; s += c[i] * c[i]; }
      cols.push(c);
      norm2[j] = s;
    }
    const w = new Float64Array(d);
    const R = Float64Array.from(y);
    let yy = 0;
    for (let i = 0; i < n; i++) yy += y[i] * y[i];
    const tol = this.params.tol * yy;
    let gap = tol + 1, iter = 0;
    for (iter = 0; iter < maxIter; iter++) {
      let wMax = 0, dwMax = 0;
      for (let jj = 0; jj < d; jj++) {
        const j = selection === "random" ? rng.nextInt(0, d) : jj;
        if (norm2[j] === 0) continue;
        const c = cols[j], wj = w[j];
        let tmp = 0;
        for (let i = 0; i < n; i++) tmp += c[i] * R[i];
        tmp += wj * norm2[j];
        const nw = Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0) / norm2[j];
        if (nw !== wj) {
          const delta = wj - nw;
          for (let i = 0; i < n; i++) R[i] += delta * c[i];
        }
        w[j] = nw;
        dwMax = Math.max(dwMax, Math.abs(nw - wj));
        wMax = Math.max(wMax, Math.abs(nw));
      }
      if (wMax === 0 || dwMax / wMax < this.params.tol || iter === maxIter - 1) {
        gap = dualityGap(cols, R, y, w, l1, n, d);
        if (gap < tol) { iter++; break; }
      }
    }
    this.nIter_ = iter;
    this.dualGap_ = gap;
    return w;
  }
}

function dualityGap(cols: Float64Array[], R: Float64Array, y: Float64Array, w: Float64Array, l1: number, n: number, d: number): number {
  let dual = 0;
  for (let j = 0; j < d; j++) {
    const c = cols[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i] * R[i];
    dual = Math.max(dual, Math.abs(s));
  }
  let rn = 0, ry = 0, l1n = 0;
  for (let i = 0; i < n; i++) { rn += R[i] * R[i]; ry += R[i] * y[i]; }
  for (let j = 0; j < d; j++) l1n += Math.abs(w[j]);
  let k = 1, gap: number;
  if (dual > l1) {
    k = l1 / dual;
    gap = 0.5 * (rn + rn * k * k);
  } else gap = rn;
  return gap + l1 * l1n - k * ry;
}
