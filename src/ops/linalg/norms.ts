// Vector and matrix norms, as torch.linalg.vector_norm / matrix_norm / norm, composed from
// elementwise ops, reductions and svdvals (so gradients come from the composition).
import { ArgumentError, ShapeError, fmtShape } from "../../core/errors.js";
import { checkBoolean, checkOptions } from "../../core/options.js";
import { normDim } from "../../core/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { frame } from "../../tensor/memory.js";
import { binary, cast, mul, pow, unary } from "../../prims/elementwise.js";
import { reduce } from "../../prims/reduce.js";
import * as mv from "../../prims/movement.js";
import { squeeze, unsqueeze } from "../shape.js";
import { floatDType } from "./batch.js";
import { svdvals } from "./decompose.js";

export interface VectorNormOptions {
  /** The p of the p-norm: any number, Infinity (max |x|), -Infinity (min |x|), 0 (count of nonzeros). Default 2. */
  ord?: number;
  /** Dims to reduce (default: all). */
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
}

/** The p-norm over `dim` (all elements by default), as torch.linalg.vector_norm. @example ds.linalg.vectorNorm(x, { ord: 1, dim: -1 }) */
export function vectorNorm(x: Tensor, opts: VectorNormOptions = {}): Tensor {
  return frame(() => {
  checkOptions("linalg.vectorNorm", opts, ["ord", "dim", "keepdim"]);
  floatDType("vectorNorm", x);
  const ord = opts.ord ?? 2;
  if (typeof ord !== "number" || Number.isNaN(ord)) throw new ArgumentError("linalg.vectorNorm", `ord must be a number (Infinity and -Infinity included), got ${String(ord)}`);
  const keepdim = opts.keepdim === undefined ? false : checkBoolean("linalg.vectorNorm", "keepdim", opts.keepdim);
  const dim = opts.dim === null || opts.dim === undefined ? undefined : opts.dim;
  const a = unary("abs", x);
  if (ord === Infinity) return reduce("max", a, dim, keepdim);
  if (ord === -Infinity) return reduce("min", a, dim, keepdim);
  if (ord === 0) return cast(reduce("sum", binary("ne", x, 0), dim, keepdim), x.dtype);
  if (ord === 1) return reduce("sum", a, dim, keepdim);
  if (ord === 2) return unary("sqrt", reduce("sum", mul(x, x), dim, keepdim));
  return pow(reduce("sum", pow(a, ord), dim, keepdim), 1 / ord);
  });
}

export type MatrixOrd = "fro" | "nuc" | number;

export interface MatrixNormOptions {
  /** "fro" (default), "nuc", 2 / -2 (largest / smallest singular value), 1 / -1 (max / min column sum), Infinity / -Infinity (max / min row sum). */
  ord?: MatrixOrd;
  /** The two dims that hold the matrices (default [-2, -1]). */
  dim?: readonly [number, number];
  keepdim?: boolean;
}

/** Matrix norms over two dims, as torch.linalg.matrix_norm. @example ds.linalg.matrixNorm(A, { ord: "nuc" }) */
export function matrixNorm(A: Tensor, opts: MatrixNormOptions = {}): Tensor {
  return frame(() => {
  checkOptions("linalg.matrixNorm", opts, ["ord", "dim", "keepdim"]);
  floatDType("matrixNorm", A);
  if (A.ndim < 2) throw new ShapeError("linalg.matrixNorm", `expects at least 2 dims, got shape ${fmtShape(A.shape)}`);
  const ord = opts.ord ?? "fro";
  const keepdim = opts.keepdim === undefined ? false : checkBoolean("linalg.matrixNorm", "keepdim", opts.keepdim);
  const dimIn = opts.dim ?? [-2, -1];
  if (!Array.isArray(dimIn) || dimIn.length !== 2) throw new ArgumentError("linalg.matrixNorm", `dim must be two dims, got ${JSON.stringify(dimIn)}`);
  const r = normDim("linalg.matrixNorm", dimIn[0], A.ndim), c = normDim("linalg.matrixNorm", dimIn[1], A.ndim);
  if (r === c) throw new ArgumentError("linalg.matrixNorm", `dim must name two different dims, got ${JSON.stringify(dimIn)}`);
  const sums = (over: number, then: number, op: "max" | "min"): Tensor => {
    const y = reduce(op, reduce("sum", unary("abs", A), over, true), then, true);
    return keepdim ? y : squeeze(y, [r, c]);
  };
  if (ord === "fro") return unary("sqrt", reduce("sum", mul(A, A), [r, c], keepdim));
  if (ord === 1 || ord === -1) return sums(r, c, ord === 1 ? "max" : "min");
  if (ord === Infinity || ord === -Infinity) return sums(c, r, ord === Infinity ? "max" : "min");
  if (ord === "nuc" || ord === 2 || ord === -2) {
    const rest = A.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
    const s = svdvals(mv.permute(A, [...rest, r, c]));
    let y = ord === "nuc" ? reduce("sum", s, -1) : reduce(ord === 2 ? "max" : "min", s, -1);
    if (keepdim) for (const d of [r, c].sort((p, q) => p - q)) y = unsqueeze(y, d);
    return y;
  }
  throw new ArgumentError("linalg.matrixNorm", `ord must be "fro", "nuc", 2, -2, 1, -1, Infinity or -Infinity, got ${JSON.stringify(ord)}`);
  });
}

export interface NormOptions {
  /** A vector ord (see vectorNorm) or a matrix ord (see matrixNorm). */
  ord?: MatrixOrd;
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
}

/**
 * torch.linalg.norm: a vector norm when `dim` is one dim (or x is 1-d), a matrix norm when `dim`
 * is two dims (or x is 2-d and `ord` is given); with neither `ord` nor `dim`, the 2-norm of all
 * elements (the Frobenius norm of a matrix).
 */
export function norm(x: Tensor, opts: NormOptions = {}): Tensor {
  return frame(() => {
  checkOptions("linalg.norm", opts, ["ord", "dim", "keepdim"]);
  const { ord, keepdim } = opts;
  const dim = opts.dim === null ? undefined : opts.dim;
  const dims = dim === undefined ? undefined : typeof dim === "number" ? [dim] : dim;
  const asVector = (o: MatrixOrd | undefined): number => {
    if (typeof o === "string") throw new ArgumentError("linalg.norm", `ord "${o}" is a matrix norm; it needs 2 dims, got ${dims ? dims.length : x.ndim}`);
    return o ?? 2;
  };
  if (dims === undefined) {
    if (ord === undefined) return vectorNorm(x, { keepdim });
    if (x.ndim === 1) return vectorNorm(x, { ord: asVector(ord), keepdim });
    if (x.ndim === 2) return matrixNorm(x, { ord, keepdim });
    throw new ShapeError("linalg.norm", `with ord given and no dim, x must be 1-d or 2-d, got shape ${fmtShape(x.shape)}`);
  }
  if (dims.length === 1) return vectorNorm(x, { ord: asVector(ord), dim: dims, keepdim });
  if (dims.length === 2) return matrixNorm(x, { ord, dim: [dims[0], dims[1]], keepdim });
  throw new ArgumentError("linalg.norm", `dim must name 1 or 2 dims, got ${dims.length}`);
  });
}
