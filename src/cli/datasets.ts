// `--dataset` for the command line: the bundled digits, a folder of MNIST IDX files, or a numeric CSV.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, FileError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { datasets, readIdx, trainTestSplit } from "../data/index.js";

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

// Numbers only; the last column holds integer class labels. (deepscript/frame will read general CSV.)
function readNumericCsv(path: string): [Tensor, Tensor] {
  if (!existsSync(path)) throw new FileError("train", path, "file not found");
  const lines = readFileSync(path, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  const rows: number[][] = [];
  lines.forEach((line, i) => {
    const cells = line.split(",").map((c) => Number(c.trim()));
    if (cells.some((v) => Number.isNaN(v))) {
      if (i === 0) return; // a header
      throw new FileError("train", path, `line ${i + 1}: non-numeric value in "${line.slice(0, 60)}"`);
    }
    if (rows.length && cells.length !== rows[0].length) throw new FileError("train", path, `line ${i + 1}: ${cells.length} columns, expected ${rows[0].length}`);
    rows.push(cells);
  });
  if (rows.length < 2 || rows[0].length < 2) throw new FileError("train", path, "need at least 2 rows and 2 columns (features…, label)");
  const labels = rows.map((r) => r[r.length - 1]);
  if (labels.some((v) => !Number.isInteger(v) || v < 0)) throw new FileError("train", path, "the last column must hold class labels 0, 1, 2, …");
  return [ds.tensor(rows.map((r) => r.slice(0, -1))), ds.tensor(labels, { dtype: "int32" })];
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
    const [x, y] = readNumericCsv(path);
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.2, seed });
    return { name: `${path} (80/20 split)`, train: [xTrain, yTrain], test: [xTest, yTest], classes: (y.max().item() as number) + 1 };
  }
  throw new ArgumentError("train", `unknown dataset "${spec}"; expected digits, mnist-idx:DIR or csv:FILE`);
}

/** The first n samples of [x, y]. */
export function head([x, y]: [Tensor, Tensor], n: number): [Tensor, Tensor] {
  const k = Math.min(n, x.shape[0]);
  return [x.narrow(0, 0, k), y.narrow(0, 0, k)];
}
