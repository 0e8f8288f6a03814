// Triangles and diagonals of matrices: tril, triu, diagonal, diag, diagEmbed, trace. Each is a
// composition (a constant mask times the input, a reduction), so gradients come for free.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { normDim } from "../core/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, wrap } from "../prims/kernel.js";
import { mul, where } from "../prims/elementwise.js";
import { reduce } from "../prims/reduce.js";
import * as mv from "../prims/movement.js";
import { frame } from "../tensor/memory.js";

// A bool [rows, cols] mask, true where keep(i, j), on x's backend.
function mask(x: Tensor, rows: number, cols: number, keep: (i: number, j: number) => boolean): Tensor {
  const v = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v[i * cols + j] = keep(i, j) ? 1 : 0;
  const be = backendOf("mask", [x]);
  return wrap(be, be.fromArray("bool", v), [rows, cols]);
}

function checkMatrixLike(op: string, x: Tensor): [number, number] {
  if (x.ndim < 2) throw new ShapeError(op, `expects a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  return [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
}

function checkOffset(op: string, k: number): number {
  if (!Number.isInteger(k)) throw new ArgumentError(op, `diagonal offset must be an integer, got ${k}`);
  return k;
}

/** The lower triangle of the last two dims (j <= i + k), zeros elsewhere, as torch.tril. @example ds.tril(ds.ones([3, 3])) */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return frame(() => {
  const [m, n] = checkMatrixLike("tril", x), k = checkOffset("tril", diagonal);
  return where(mask(x, m, n, (i, j) => j - i <= k), x, x.dtype === "bool" ? false : 0);
  });
}

/** The upper triangle of the last two dims (j >= i + k), zeros elsewhere, as torch.triu. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return frame(() => {
  const [m, n] = checkMatrixLike("triu", x), k = checkOffset("triu", diagonal);
  return where(mask(x, m, n, (i, j) => j - i >= k), x, x.dtype === "bool" ? false : 0);
  });
}

/**
 * The diagonal at `offset` of the planes given by dim1 and dim2, appended as the last dim (as
 * torch.diagonal; a copy here, not a view). @example ds.diagonal(ds.eye(3)) // [1, 1, 1]
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return frame(() => {
  if (x.ndim < 2) throw new ShapeError("diagonal", `expects at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const k = checkOffset("diagonal", offset);
  const a = normDim("diagonal", dim1, x.ndim), b = normDim("diagonal", dim2, x.ndim);
  if (a === b) throw new ArgumentError("diagonal", `dim1 and dim2 must differ, both are ${a}`);
  const rest = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  const y = mv.permute(x, [...rest, a, b]); // [..., m, n]
  const m = x.shape[a], n = x.shape[b];
  const len = Math.max(0, k >= 0 ? Math.min(m, n - k) : Math.min(m + k, n));
  // Row r of the plane holds diagonal element r - max(0, -k): mask the diagonal, sum each row, keep the rows it crosses.
  const rows = reduce("sum", where(mask(x, m, n, (i, j) => j - i === k), y, 0), -1);
  const start = k >= 0 ? 0 : -k;
  const lead = rows.shape.slice(0, -1);
  return mv.sliceView(rows, [...lead.map(() => 0), start], [...lead, start + len], [...lead.map(() => 1), 1]);
  });
}

/** Vectors [..., n] as diagonal matrices [..., n + |k|, n + |k|] (torch.diag_embed with offset k). */
export function diagEmbed(v: Tensor, offset = 0): Tensor {
  return frame(() => {
  if (v.ndim < 1) throw new ShapeError("diagEmbed", `expects at least 1 dim, got a 0-d tensor`);
  const k = checkOffset("diagEmbed", offset);
  const n = v.shape[v.ndim - 1], size = n + Math.abs(k);
  // Row i of the result holds v[i - max(0, -k)] at column i + k: pad v to `size` entries, then mask.
  const padded = mv.pad(v, k >= 0 ? [0, k] : [-k, 0]);
  return mul(mv.reshape(padded, [...v.shape.slice(0, -1), size, 1]), where(mask(v, size, size, (i, j) => j - i === k), 1, 0));
  });
}

/**
 * torch.diag: a 1-d tensor becomes a square matrix with it on diagonal `offset`; a 2-d tensor
 * gives its diagonal at `offset`. @example ds.diag(ds.tensor([1, 2])) // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor, offset = 0): Tensor {
  if (x.ndim === 1) return diagEmbed(x, offset);
  if (x.ndim === 2) return diagonal(x, offset);
  throw new ShapeError("diag", `expects a 1-d or 2-d tensor, got shape ${fmtShape(x.shape)}`);
}

/** Sum of the main diagonal of a 2-d tensor, as torch.trace. */
export function trace(x: Tensor): Tensor {
  return frame(() => {
  if (x.ndim !== 2) throw new ShapeError("trace", `expects a 2-d tensor, got shape ${fmtShape(x.shape)}`);
  return reduce("sum", diagonal(x), 0);
  });
}
