// Regression metrics: mean squared error, mean absolute error and R², over one or several outputs.
import { ShapeError, ArgumentError } from "../../core/errors.js";
import { r2Of } from "../base.js";
import { toValues, type ValuesInput } from "./common.js";

function pair(op: string, yTrue: ValuesInput, yPred: ValuesInput) {
  const a = toValues(op, "yTrue", yTrue), b = toValues(op, "yPred", yPred);
  if (a.rows === 0) throw new ArgumentError(op, "yTrue is empty");
  if (a.rows !== b.rows || a.cols !== b.cols) throw new ShapeError(op, `yTrue is [${a.rows},${a.cols}] but yPred is [${b.rows},${b.cols}]`);
  return [a, b] as const;
}

/**
 * Mean squared error, averaged over samples and (uniformly) over outputs.
 * @example ml.metrics.mse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) // 0.375
 */
export function mse(yTrue: ValuesInput, yPred: ValuesInput): number {
  const [a, b] = pair("metrics.mse", yTrue, yPred);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
  return s / a.data.length;
}

/**
 * Mean absolute error, averaged over samples and (uniformly) over outputs.
 * @example ml.metrics.mae([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) // 0.5
 */
export function mae(yTrue: ValuesInput, yPred: ValuesInput): number {
  const [a, b] = pair("metrics.mae", yTrue, yPred);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot (1 for a perfect fit; constant yTrue gives 1 if
 * predicted exactly, else 0, as scikit-learn); several outputs are averaged uniformly.
 * @example ml.metrics.r2(yTest, reg.predict(xTest))
 */
export function r2(yTrue: ValuesInput, yPred: ValuesInput): number {
  const [a, b] = pair("metrics.r2", yTrue, yPred);
  if (a.rows < 2) throw new ArgumentError("metrics.r2", "R² is not well-defined with fewer than two samples");
  let total = 0;
  for (let j = 0; j < a.cols; j++) {
    const t = Float64Array.from({ length: a.rows }, (_, i) => a.data[i * a.cols + j]);
    const p = Float64Array.from({ length: a.rows }, (_, i) => b.data[i * b.cols + j]);
    total += r2Of(t, p);
  }
  return total / a.cols;
}
