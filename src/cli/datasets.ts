// `--dataset` for the command line: the bundled digits, a folder of MNIST IDX files, or a numeric CSV.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, FileError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { datasets, readIdx, trainTestSplit } from "../data/index.js";
import { readCsv } from "../frame/index.js";
import { readsAsNumber } from "../frame/csv.js";

export interface LoadedData {
  name: string;
  train: [Tensor, Tensor];
  test: [Tensor, Tensor];
  classes: number;
}

function idxFile(dir: string, stem: string): string {
  for (const name of [stem, `${stem}.gz`]) if (existsSync(join(dir, name))) return join(dir, name);
  throw new FileError("train", join(dir, stem), `not found (nor ${stem}.gz); expected the four MNIST IDX files in ${dir}`);
}

/** The most classes a csv:FILE may have: labels are 0 … MAX_CLASSES − 1 (the model's output layer and the confusion matrix are this wide). */
const MAX_CLASSES = 1000;

/** A cell as it reads in a message. */
function shown(v: unknown): string {
  return v instanceof Date ? `"${v.toISOString()}"` : typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : String(v);
}

/**
 * A CSV of numbers whose last column holds class labels 0, 1, 2, …, read by frame.readCsv (so quoting,
 * line ends and numbers read as pandas reads them: "0x10" is text). A header is optional: a first row of
 * numbers is data. Every cell must be a finite decimal number; an empty cell, text, or a label that is
 * not a class index is a FileError naming the row (counted from 1, after any header) and column, found
 * before any tensor is made.
 */
function readNumericCsv(path: string): { x: Tensor; y: Tensor; classes: number } {
  const op = "train";
  const first = readCsv(path, { header: false, nrows: 1, parseDates: false });
  const header = first.columns.some((c) => first.dtypes[c] !== "int32" && first.dtypes[c] !== "float64");
  const df = readCsv(path, { header, parseDates: false });
  const names = df.columns;
  if (df.length < 2 || names.length < 2) throw new FileError(op, path, `need at least 2 rows and 2 columns (features…, label), got ${df.length} rows and ${names.length} columns`);
  const fail = (row: number, j: number, why: string): never => {
    throw new FileError(op, path, `data row ${row + 1}, column ${j + 1}${header ? ` ("${names[j].slice(0, 40)}")` : ""}: ${why}`);
  };
  let classes = 0;
  names.forEach((name, j) => {
    const values = df.col(name).values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) fail(i, j, "missing value (an empty cell or NA); every cell must hold a number");
      if (typeof v === "string" && readsAsNumber(v)) continue; // a number in a column that holds text elsewhere
      if (typeof v !== "number") return fail(i, j, `${shown(v)} is not a decimal number`);
      if (!Number.isFinite(v)) fail(i, j, `${v} is not a finite number`);
      if (j === names.length - 1) {
        if (!(Number.isInteger(v) && v >= 0 && v < MAX_CLASSES)) fail(i, j, `label ${v} is not a class index 0, 1, …, ${MAX_CLASSES - 1}`);
        classes = Math.max(classes, v + 1);
      }
    }
  });
  return { x: df.toTensor(names.slice(0, -1)), y: df.toTensor(names[names.length - 1], { dtype: "int32" }), classes };
}

/** Loads a dataset spec: "digits", "mnist-idx:DIR" or "csv:FILE". */
export function loadDataset(spec: string, seed: number): LoadedData {
  if (spec === "digits") {
    const d = datasets.digits();
    return { name: "digits (8,000 train / 2,000 test MNIST digits, bundled)", train: [d.train.x, d.train.y], test: [d.test.x, d.test.y], classes: 10 };
  }
  if (spec.startsWith("mnist-idx:")) {
    const dir = spec.slice("mnist-idx:".length);
    const images = (stem: string) => readIdx(idxFile(dir, stem)).float().div(255).unsqueeze(1);
    const labels = (stem: string) => readIdx(idxFile(dir, stem));
    return {
      name: `MNIST-format IDX files in ${dir}`,
      train: [images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")],
      test: [images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")],
      classes: 10,
    };
  }
  if (spec.startsWith("csv:")) {
    const path = spec.slice(4);
    const { x, y, classes } = readNumericCsv(path);
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.2, seed });
    return { name: `${path} (80/20 split)`, train: [xTrain, yTrain], test: [xTest, yTest], classes };
  }
  throw new ArgumentError("train", `unknown dataset "${spec}"; expected digits, mnist-idx:DIR or csv:FILE`);
}

/** The first n samples of [x, y]. */
export function head([x, y]: [Tensor, Tensor], n: number): [Tensor, Tensor] {
  const k = Math.min(n, x.shape[0]);
  return [x.narrow(0, 0, k), y.narrow(0, 0, k)];
}
