// The playground's table part: a CSV read into a frame, its summary (pandas' describe), and a
// scikit-learn-style estimator fitted on it: a classifier when the target is text or a few whole
// numbers, a regressor otherwise; scored on a held-out quarter.
import * as ds from "../../src/index.js";

const { frame, ml } = ds;

export type Task = "classification" | "regression";

export interface Summary {
  rows: number;
  columns: { name: string; dtype: string }[];
  /** describe(): one record per statistic (count, mean, std, min, 25%, 50%, 75%, max). */
  describe: Record<string, unknown>[];
  /** The first rows, as records. */
  head: Record<string, unknown>[];
}

export async function readTable(src: File | Blob | Response | ArrayBuffer): Promise<ds.frame.DataFrame> {
  return await frame.readCsv(src as Blob);
}

export function summarize(df: ds.frame.DataFrame): Summary {
  const dtypes = df.dtypes;
  let describe: Record<string, unknown>[] = [];
  try {
    describe = df.describe().toRecords();
  } catch {
    // A table without numeric columns has no describe(); its columns and first rows still show.
  }
  return { rows: df.shape[0], columns: df.columns.map((name) => ({ name, dtype: String(dtypes[name]) })), describe, head: df.head(5).toRecords() };
}

/** Classification when the target is text/bool or whole numbers with at most 20 distinct values. */
export function taskOf(df: ds.frame.DataFrame, target: string): Task {
  const values = df.col(target).dropna().toArray();
  if (values.some((v) => typeof v !== "number")) return "classification";
  const distinct = new Set(values);
  return distinct.size <= 20 && values.every((v) => Number.isInteger(v)) ? "classification" : "regression";
}

export const ESTIMATORS: Record<Task, Record<string, () => ds.ml.AnyEstimator>> = {
  classification: {
    "Logistic regression (scaled)": () => new ml.Pipeline([["scale", new ml.StandardScaler()], ["model", new ml.LogisticRegression({ maxIter: 500 })]]),
    "Random forest": () => new ml.RandomForestClassifier({ nEstimators: 100, seed: 0 }),
    "k nearest neighbours (scaled)": () => new ml.Pipeline([["scale", new ml.StandardScaler()], ["model", new ml.KNeighborsClassifier({ nNeighbors: 5 })]]),
  },
  regression: {
    "Ridge (scaled)": () => new ml.Pipeline([["scale", new ml.StandardScaler()], ["model", new ml.Ridge({ alpha: 1 })]]),
    "Random forest": () => new ml.RandomForestRegressor({ nEstimators: 100, seed: 0 }),
    "k nearest neighbours (scaled)": () => new ml.Pipeline([["scale", new ml.StandardScaler()], ["model", new ml.KNeighborsRegressor({ nNeighbors: 5 })]]),
  },
};

export interface FitResult {
  task: Task; estimator: string; target: string; features: string[];
  nTrain: number; nTest: number;
  /** Accuracy (classification) or R² (regression) on the held-out quarter. */
  score: number;
  /** The same on the training rows. */
  trainScore: number;
}

/** Fits `estimator` (a name of ESTIMATORS[task]) on the numeric columns other than `target`, rows with a missing value dropped. */
export function fitTable(df: ds.frame.DataFrame, target: string, estimator: string): FitResult {
  const task = taskOf(df, target);
  const make = ESTIMATORS[task][estimator];
  if (!make) throw new Error(`no ${task} estimator named ${estimator}`);
  const dtypes = df.dtypes;
  const features = df.columns.filter((c) => c !== target && /^(float|int|uint)/.test(String(dtypes[c])));
  if (!features.length) throw new Error(`no numeric feature columns besides ${target}`);
  const clean = df.select([...features, target]).dropna();
  const X = clean.toTensor(features, { dtype: "float64" });
  const yCol = clean.col(target);
  const y = task === "regression" ? yCol.toTensor("float64") : yCol.toArray().map((v) => String(v));
  const stratify = task === "classification" ? (y as string[]) : undefined;
  const [Xtr, Xte, ytr, yte] = ml.trainTestSplit(X, y, { testSize: 0.25, seed: 0, stratify });
  const model = make() as ds.ml.AnyEstimator & { fit(X: unknown, y: unknown): unknown; score(X: unknown, y: unknown): number };
  model.fit(Xtr, ytr);
  return { task, estimator, target, features, nTrain: Xtr.shape[0], nTest: Xte.shape[0], score: model.score(Xte, yte), trainScore: model.score(Xtr, ytr) };
}
