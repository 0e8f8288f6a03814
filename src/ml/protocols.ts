// The estimator shape that composites (Pipeline, GridSearchCV, crossValScore, SelfTraining) rely on, structurally.
import type { Tensor } from "../tensor/index.js";
import { Classifier, type Label } from "./base.js";

/**
 * What a composite needs from an estimator: fit, parameters and a fresh unfitted copy. Every
 * deepscript estimator has this shape; inputs and parameters are typed loosely here (methods are
 * compared bivariantly) because each estimator has its own input kinds and option set.
 */
export interface Estimator {
  fit(X: unknown, y?: unknown): unknown;
  getParams(): object;
  setParams(params: unknown): unknown;
  clone(): Estimator;
}

/** Optional capabilities, used when present. */
export interface EstimatorMethods {
  predict?(X: unknown): Tensor;
  predictProba?(X: unknown): Tensor;
  predictLabels?(X: unknown): Label[];
  decisionFunction?(X: unknown): Tensor;
  transform?(X: unknown): Tensor;
  fitTransform?(X: unknown, y?: unknown): Tensor;
  inverseTransform?(X: unknown): unknown;
  score?(X: unknown, y?: unknown): number;
  classes_?: Label[];
  estimatorType?: "classifier" | "regressor" | "clusterer" | "transformer";
}

/** An estimator with whatever optional methods it has. */
export type AnyEstimator = Estimator & EstimatorMethods;

/** Whether an estimator is a classifier (decides stratified splits and label handling). */
export function isClassifier(est: unknown): boolean {
  return est instanceof Classifier || (est as EstimatorMethods | null)?.estimatorType === "classifier";
}
