// The options every SVM shares (scikit-learn's names in camelCase), their checks, and gamma's resolution.
import { ArgumentError } from "../../core/errors.js";
import { checkChoice, checkInt, checkNumber, type Matrix } from "../base.js";

/** The SVM's kernel function: K(x, z) = x·z, (γ x·z + coef0)^degree, exp(−γ‖x − z‖²) or tanh(γ x·z + coef0). */
export type SVMKernel = "linear" | "poly" | "rbf" | "sigmoid";

export interface SVMOptions {
  /** "rbf" (default), "linear", "poly" or "sigmoid". */
  kernel: SVMKernel;
  /** Degree of the polynomial kernel. Default 3. */
  degree: number;
  /** Kernel coefficient: "scale" (1 / (nFeatures · X.var()), default), "auto" (1 / nFeatures) or a number. */
  gamma: "scale" | "auto" | number;
  /** Constant term of the poly and sigmoid kernels. Default 0. */
  coef0: number;
  /** Penalty of the error term. Default 1. */
  C: number;
  /** Stop when the KKT violation is below tol. Default 1e-3. */
  tol: number;
  /** Kernel cache in MB. Default 200. */
  cacheSize: number;
  /** Solver iterations at most; -1 for libsvm's limit. */
  maxIter: number;
  /** Use libsvm's shrinking heuristic. Default true. */
  shrinking: boolean;
}

export const SVM: SVMOptions = { kernel: "rbf", degree: 3, gamma: "scale", coef0: 0, C: 1, tol: 1e-3, cacheSize: 200, maxIter: -1, shrinking: true };

export function checkSVM(op: string, o: SVMOptions): void {
  checkChoice(op, "kernel", o.kernel, ["linear", "poly", "rbf", "sigmoid"]);
  checkInt(op, "degree", o.degree, 0);
  if (typeof o.gamma !== "number") checkChoice(op, "gamma", o.gamma, ["scale", "auto"]);
  else checkNumber(op, "gamma", o.gamma, 0);
  checkNumber(op, "coef0", o.coef0);
  checkNumber(op, "C", o.C, 0, Infinity, true);
  checkNumber(op, "tol", o.tol, 0, Infinity, true);
  checkNumber(op, "cacheSize", o.cacheSize, 0, Infinity, true);
  if (!Number.isInteger(o.maxIter) || (o.maxIter < 1 && o.maxIter !== -1)) throw new ArgumentError(op, `maxIter must be -1 or a positive integer, got ${o.maxIter}`);
}

export function resolveGamma(o: SVMOptions, X: Matrix): number {
  if (typeof o.gamma === "number") return o.gamma;
  if (o.gamma === "auto") return 1 / X.cols;
  const n = X.data.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += X.data[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (X.data[i] - mean) ** 2;
  v /= n;
  return v > 0 ? 1 / (X.cols * v) : 1;
}

