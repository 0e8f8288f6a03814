// Shared input handling of the metrics: labels and scores as tensors or arrays, checked for length.
import { Tensor } from "../../tensor/index.js";
import { ArgumentError, NonFiniteError, ShapeError } from "../../core/errors.js";
import type { Label } from "../base.js";

/** Labels: a 1-D tensor, numbers or strings. */
export type LabelsInput = Tensor | ArrayLike<number> | ArrayLike<string>;
/** Scores or values: a tensor (1-D or 2-D) or arrays of numbers. */
export type ValuesInput = Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** Labels as a plain array, 1-D (a [n, 1] tensor counts as 1-D). */
export function toLabels(op: string, name: string, y: LabelsInput): Label[] {
  if (y instanceof Tensor) {
    if (y.ndim !== 1 && !(y.ndim === 2 && y.shape[1] === 1)) throw new ShapeError(op, `${name} must be 1-D, got shape [${y.shape.join(",")}]`);
    return Array.from(y.dataSync());
  }
  if (y == null || typeof (y as ArrayLike<unknown>).length !== "number") throw new ArgumentError(op, `${name} must be a 1-D tensor or array, got ${typeof y}`);
  const out = Array.from(y as ArrayLike<Label>);
  out.forEach((v, i) => {
    if (typeof v !== "number" && typeof v !== "string") throw new ArgumentError(op, `${name}[${i}] is ${v === null ? "null" : typeof v}; expected a number or a string`);
  });
  return out;
}

/** Both label arrays, non-empty and of equal length. */
export function labelPair(op: string, yTrue: LabelsInput, yPred: LabelsInput, predName = "yPred"): [Label[], Label[]] {
  const a = toLabels(op, "yTrue", yTrue), b = toLabels(op, predName, yPred);
  if (a.length === 0) throw new ArgumentError(op, "yTrue is empty");
  if (a.length !== b.length) throw new ShapeError(op, `yTrue has ${a.length} samples but ${predName} has ${b.length}`);
  return [a, b];
}

/** Numbers as a row-major matrix: 1-D input gives cols = 1 and `vector` true. */
export function toValues(op: string, name: string, v: ValuesInput): { data: Float64Array; rows: number; cols: number; vector: boolean } {
  let data: Float64Array, rows: number, cols: number, vector: boolean;
  if (v instanceof Tensor) {
    if (v.ndim !== 1 && v.ndim !== 2) throw new ShapeError(op, `${name} must be 1-D or 2-D, got shape [${v.shape.join(",")}]`);
    const raw = v.dataSync();
    data = raw instanceof Float64Array ? raw : Float64Array.from(raw);
    vector = v.ndim === 1;
    rows = v.shape[0];
    cols = vector ? 1 : v.shape[1];
  } else {
    if (v == null || typeof (v as ArrayLike<unknown>).length !== "number") throw new ArgumentError(op, `${name} must be a tensor or an array, got ${typeof v}`);
    rows = v.length;
    const first = rows > 0 ? (v as ArrayLike<unknown>)[0] : 0;
    vector = typeof first === "number";
    if (vector) {
      data = Float64Array.from(v as ArrayLike<number>);
      cols = 1;
    } else {
      const m = v as ArrayLike<ArrayLike<number>>;
      cols = m[0]?.length ?? 0;
      data = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        if (m[i] == null || m[i].length !== cols) throw new ShapeError(op, `${name} is ragged: row 0 has ${cols} values but row ${i} has ${m[i]?.length ?? "none"}`);
        for (let j = 0; j < cols; j++) data[i * cols + j] = m[i][j];
      }
    }
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) throw new NonFiniteError(op, `${name} contains ${data[k]} at ${vector ? `index ${k}` : `row ${Math.floor(k / cols)}, column ${k % cols}`}`);
  }
  return { data, rows, cols, vector };
}

/** Sorted distinct labels (numbers ascending, or strings), refusing a mix. */
export function uniqueSorted(op: string, ...lists: Label[][]): Label[] {
  const seen = new Set<Label>();
  for (const l of lists) for (const v of l) seen.add(v);
  const all = [...seen];
  const kinds = new Set(all.map((v) => typeof v));
  if (kinds.size > 1) throw new ArgumentError(op, `labels mix numbers and strings: ${JSON.stringify(all.slice(0, 6))}`);
  return typeof all[0] === "string" ? (all as string[]).sort() : (all as number[]).sort((a, b) => a - b);
}
