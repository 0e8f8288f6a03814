// ml.datasets: scikit-learn's bundled toy datasets (iris, wine, breast cancer, diabetes, 8×8 digits), offline.
import type { Tensor } from "../tensor/index.js";
import { tensor, reshape } from "../tensor/index.js";
import { ArgumentError, FileError } from "../core/errors.js";
import { maybeGunzip } from "../data/files.js";
import { assetPath, preloadAsset, readAsset } from "../core/assets.js";

/** A bundled dataset, as scikit-learn's Bunch. */
export interface Dataset {
  /** Features, float64 [nSamples, nFeatures]. */
  data: Tensor;
  /** Targets: class indices int32 [nSamples] (diabetes: float64 values). */
  target: Tensor;
  /** Name of each feature column. */
  featureNames: string[];
  /** Name of each class (empty for diabetes, a regression target). */
  targetNames: string[];
}

type Name = "iris" | "wine" | "breast_cancer" | "diabetes" | "digits";
interface Raw { rows: number; cols: number; X: Float64Array; y: Float64Array; featureNames: string[]; targetNames: string[]; intTarget: boolean }
const cache = new Map<Name, Raw>();

// The bundled files, relative to this module so they work from src/ (tsx), dist/ and a bundler's
// output (each URL a literal, which is what bundlers recognise as an asset).
const URLS: Record<Name, URL> = {
  iris: new URL("../../data/ml-iris.csv.gz", import.meta.url),
  wine: new URL("../../data/ml-wine.csv.gz", import.meta.url),
  breast_cancer: new URL("../../data/ml-breast_cancer.csv.gz", import.meta.url),
  diabetes: new URL("../../data/ml-diabetes.csv.gz", import.meta.url),
  digits: new URL("../../data/ml-digits.csv.gz", import.meta.url),
};

/** Path of a bundled file in Node (its URL elsewhere). */
export function datasetFile(name: Name): string {
  return assetPath(URLS[name]);
}

/**
 * Fetches bundled datasets once, so the synchronous loaders work in a browser (in Node they read
 * the disk and need no preload). With no names, all five (about 110 KB, gzipped).
 * @example await ml.datasets.preload("iris"); const { data, target } = ml.datasets.loadIris();
 */
export async function preload(...names: Name[]): Promise<void> {
  const all = names.length ? names : (Object.keys(URLS) as Name[]);
  for (const n of all) {
    if (!Object.hasOwn(URLS, n)) throw new ArgumentError("datasets.preload", `unknown dataset ${JSON.stringify(n)}; expected one of ${Object.keys(URLS).join(", ")}`);
  }
  await Promise.all(all.map((n) => preloadAsset("datasets.preload", URLS[n])));
}

// Format (tools/make_ml_datasets.py): gzip of a JSON header line, then one CSV line per sample (features, target).
function read(name: Name): Raw {
  const hit = cache.get(name);
  if (hit) return hit;
  const op = `datasets.load${name === "breast_cancer" ? "BreastCancer" : name[0].toUpperCase() + name.slice(1)}`;
  const path = datasetFile(name);
  const text = new TextDecoder().decode(maybeGunzip(op, path, readAsset(op, URLS[name], `ml.datasets.preload("${name}")`)));
  const lines = text.split("\n").filter((l) => l.length > 0);
  let head: { featureNames: string[]; targetNames: string[]; target: string };
  try {
    head = JSON.parse(lines[0]);
  } catch {
    throw new FileError(op, path, "line 1: not a JSON header; rebuild the file with tools/make_ml_datasets.py");
  }
  const cols = head.featureNames.length, rows = lines.length - 1;
  const X = new Float64Array(rows * cols), y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const parts = lines[i + 1].split(",");
    if (parts.length !== cols + 1) throw new FileError(op, path, `line ${i + 2}: expected ${cols + 1} values, got ${parts.length}`);
    for (let j = 0; j < cols; j++) X[i * cols + j] = Number(parts[j]);
    y[i] = Number(parts[cols]);
  }
  if (X.some(Number.isNaN) || y.some(Number.isNaN)) throw new FileError(op, path, "contains a value that is not a number");
  const raw: Raw = { rows, cols, X, y, featureNames: head.featureNames, targetNames: head.targetNames, intTarget: head.target === "int" };
  cache.set(name, raw);
  return raw;
}

function bunch(raw: Raw, X: Float64Array = raw.X): Dataset {
  return {
    data: reshape(tensor(X.slice()), [raw.rows, raw.cols]),
    target: raw.intTarget ? tensor(Int32Array.from(raw.y)) : tensor(raw.y.slice()),
    featureNames: [...raw.featureNames],
    targetNames: [...raw.targetNames],
  };
}

/**
 * Fisher's iris: 150 flowers, 4 measurements (cm), 3 species (50 each). As bundled with scikit-learn
 * (Fisher 1936; the R version, which fixes two samples of the UCI copy).
 * @example const { data, target, targetNames } = ml.datasets.loadIris(); // data [150, 4], target int32 [150]
 */
export function loadIris(): Dataset {
  return bunch(read("iris"));
}

/**
 * Wine recognition (UCI): 178 wines from 3 cultivars, 13 chemical measurements. As bundled with scikit-learn.
 * @example const { data, target } = ml.datasets.loadWine(); // [178, 13], classes 0–2
 */
export function loadWine(): Dataset {
  return bunch(read("wine"));
}

/**
 * Breast Cancer Wisconsin (Diagnostic) (UCI; Wolberg, Street, Mangasarian 1995): 569 tumours, 30 features
 * of cell nuclei, target 0 = malignant (212), 1 = benign (357). As bundled with scikit-learn.
 * @example const { data, target } = ml.datasets.loadBreastCancer(); // [569, 30]
 */
export function loadBreastCancer(): Dataset {
  return bunch(read("breast_cancer"));
}

/**
 * Diabetes (Efron, Hastie, Johnstone, Tibshirani 2004): 442 patients, 10 baseline variables, target a
 * float64 measure of disease progression one year later. By default the features are scaled as
 * scikit-learn's load_diabetes does (each column centred and divided by its standard deviation times
 * √nSamples, so its sum of squares is 1); `scaled: false` gives the raw values.
 * @example const { data, target } = ml.datasets.loadDiabetes(); // [442, 10], target float64
 */
export function loadDiabetes(opts: { scaled?: boolean } = {}): Dataset {
  const raw = read("diabetes");
  if (opts.scaled === false) return bunch(raw);
  const { rows, cols } = raw;
  const X = raw.X.slice();
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += X[i * cols + j];
    mean /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (X[i * cols + j] - mean) ** 2;
    const std = Math.sqrt(v / rows);
    for (let i = 0; i < rows; i++) X[i * cols + j] = (X[i * cols + j] - mean) / std / Math.sqrt(rows);
  }
  return bunch(raw, X);
}

/**
 * Optical recognition of handwritten digits (UCI; Alpaydin & Kaynak 1998), test set: 1,797 digits as
 * 8×8 images of counts 0–16, flattened to 64 features; classes 0–9. As bundled with scikit-learn.
 * (For 28×28 MNIST digits see `data.datasets.digits()`.)
 * @example const { data, target } = ml.datasets.loadDigits(); // data [1797, 64], target int32 [1797]
 */
export function loadDigits(opts: { nClass?: number } = {}): Dataset {
  const raw = read("digits");
  const nClass = opts.nClass ?? 10;
  if (nClass >= 10) return bunch(raw);
  const keep: number[] = [];
  raw.y.forEach((t, i) => t < nClass && keep.push(i));
  const X = new Float64Array(keep.length * raw.cols);
  keep.forEach((i, r) => X.set(raw.X.subarray(i * raw.cols, (i + 1) * raw.cols), r * raw.cols));
  return bunch({ ...raw, rows: keep.length, X, y: Float64Array.from(keep, (i) => raw.y[i]), targetNames: raw.targetNames.slice(0, nClass) });
}

// Generated datasets (scikit-learn's make_*), in their own file.
export {
  makeBlobs, makeMoons, makeRegression, makeClassification,
  type MakeBlobsOptions, type MakeMoonsOptions, type MakeRegressionOptions, type MakeClassificationOptions,
} from "./generators.js";
