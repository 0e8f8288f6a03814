// The Tensor handle: shape, strides and offset over a shared storage, plus autograd state.
// Its methods are thin delegations to the `ds.` functions of the same names in ops/.
import type { Storage } from "../backend/backend.js";
import type { DType, TypedArray } from "../core/dtype.js";
import { isFloat } from "../core/dtype.js";
import { DTypeError, GradError, MemoryError } from "../core/errors.js";
import { isContiguous, sizeOf } from "../core/shape.js";
import { releaseNode, type GradNode } from "../autograd/node.js";
import { backward, type BackwardOptions } from "../autograd/backward.js";
import { Owned, trackTensor, untrackTensor, type Tracked } from "./memory.js";
import { formatTensor } from "./print.js";
import type { NestedArray } from "./nested.js";
import { toNested } from "./nested.js";
import * as m from "../ops/math.js";
import * as r from "../ops/reduction.js";
import * as s from "../ops/shape.js";
import * as ix from "../ops/indexing.js";
import * as la from "../ops/linalg.js";
import * as dg from "../ops/diagonal.js";
import * as so from "../ops/sorting.js";
import * as cu from "../ops/cumulative.js";
import { kron } from "../ops/einsum.js";
import type { TensorLike } from "../prims/elementwise.js";
import type { Dims } from "../prims/reduce.js";
import type { IndexSpec } from "../ops/indexing.js";

export class Tensor implements Tracked {
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Step in elements between neighbours along each dimension. */
  readonly strides: readonly number[];
  /** Position of element [0,...,0] in the storage. */
  readonly offset: number;
  /** @internal the op that made this tensor (null for leaves). */
  _node: GradNode | null = null;
  /** @internal */
  _requiresGrad = false;
  /** Accumulated gradient after backward() (leaves only). */
  grad: Tensor | null = null;
  /** @internal depth of the frame or scope that disposes it when it ends (0: none). */
  _frame = 0;
  /** @internal references from autograd nodes: disposal waits until backward has used it. */
  _graphRefs = 0;
  /** @internal why dispose() was asked while the graph still needed it (null: it was not). */
  _disposeAsked: string | null = null;
  /** @internal what disposed it, for the error a later use gets. */
  private disposedBy: string | null = null;
  private owned: Owned | null;

  /** @internal Use ds.tensor / ds.zeros / … to create tensors. */
  constructor(owned: Owned, shape: readonly number[], strides: readonly number[], offset: number) {
    this.owned = owned;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    trackTensor(this, owned);
  }

  get dtype(): DType {
    return this._owned().dtype;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Whether gradients flow to this tensor. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Name of the backend holding the data. */
  get device(): string {
    return this._owned().backend.name;
  }
  get isDisposed(): boolean {
    return this.owned === null;
  }

  /** @internal */
  _owned(): Owned {
    if (!this.owned) {
      throw new MemoryError("tensor", `this tensor was disposed by ${this.disposedBy ?? "dispose()"} and cannot be used; to use it later, keep a copy that nothing disposes (t.clone(), or ds.keep(t) inside a scope)`);
    }
    return this.owned;
  }
  /** @internal */
  _storage(): Storage {
    return this._owned().storage;
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** A typed-array copy of the elements in row-major order. */
  dataSync(): TypedArray {
    const c = this.isContiguous() ? this : s.contiguous(this);
    // Only the viewed range is copied: one element of a large tensor costs one element.
    const out = c._owned().backend.read(c._storage(), c.offset, c.size);
    if (c !== this) c.dispose();
    return out;
  }

  /** The elements, asynchronously (works on every backend, including GPU ones). */
  async data(): Promise<TypedArray> {
    const be = this._owned().backend;
    if (!be.readAsync) return this.dataSync();
    const c = this.isContiguous() ? this : s.contiguous(this);
    try {
      return await be.readAsync(c._storage(), c.offset, c.size);
    } finally {
      if (c !== this) c.dispose();
    }
  }

  /** The elements as nested arrays (numbers; booleans for bool tensors). */
  toArray(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype === "bool");
  }

  /** The single element of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new DTypeError("item", `only one-element tensors can be converted to a number, got shape [${this.shape.join(",")}]`);
    return this.dataSync()[0];
  }

  /** NumPy/PyTorch-style text, summarised with "..." for large tensors. */
  toString(): string {
    return formatTensor(this);
  }
  /** @internal */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- memory --------------------------------------------------------------------------------

  /**
   * Releases this handle's reference to its storage now (views keep shared storage alive). A
   * tensor that a recorded graph still needs for backward is released when backward has run.
   */
  dispose(reason = "dispose()", /** @internal the caller releases the node */ nodeReleased = false): void {
    if (!this.owned) return;
    if (this._graphRefs > 0) {
      this._disposeAsked = reason;
      this._frame = 0;
      return;
    }
    untrackTensor(this, this.owned);
    this.owned = null;
    // Nothing can reach this tensor's node any more: what it saved for backward can go.
    if (this._node && !nodeReleased) releaseNode(this._node);
    this._node = null;
    this.disposedBy = reason;
  }
  /** @internal */
  heldOwned(): Owned | null {
    return this.owned;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- autograd ------------------------------------------------------------------------------

  /** Computes gradients of this tensor with respect to graph leaves, accumulating into `.grad`. */
  backward(grad?: Tensor, opts?: BackwardOptions): void {
    backward(this, grad, opts);
  }

  /** Marks a leaf tensor as needing gradients (in place); returns this. */
  requiresGrad_(flag = true): this {
    if (flag && !isFloat(this.dtype)) throw new GradError("requiresGrad_", `only floating-point tensors can require gradients, got ${this.dtype}`);
    if (!flag && this._node) throw new GradError("requiresGrad_", "cannot turn off gradients of a non-leaf tensor; use detach()");
    this._requiresGrad = flag;
    return this;
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this._owned(), this.shape, this.strides, this.offset);
  }

  // ---- casting and copies ----------------------------------------------------------------------
  to(dtype: DType): Tensor { return m.to(this, dtype); }
  float(): Tensor { return m.to(this, "float32"); }
  double(): Tensor { return m.to(this, "float64"); }
  int(): Tensor { return m.to(this, "int32"); }
  bool(): Tensor { return m.to(this, "bool"); }
  /** float16 (PyTorch's .half()): values rounded to half precision, ties to even. */
  half(): Tensor { return m.to(this, "float16"); }
  /** uint8 (PyTorch's .byte()): floats truncate toward zero and wrap mod 256, NaN/±Inf → 0. */
  byte(): Tensor { return m.to(this, "uint8"); }
  clone(): Tensor { return s.clone(this); }
  contiguous(): Tensor { return s.contiguous(this); }
  /** Writes `src` (broadcast, cast) into this tensor's elements in place; returns this. */
  copy_(src: Tensor | number): this { s.assign(this, src); return this; }

  // ---- elementwise ---------------------------------------------------------------------------
  add(other: TensorLike): Tensor { return m.add(this, other); }
  sub(other: TensorLike): Tensor { return m.sub(this, other); }
  mul(other: TensorLike): Tensor { return m.mul(this, other); }
  div(other: TensorLike): Tensor { return m.div(this, other); }
  pow(exponent: TensorLike): Tensor { return m.pow(this, exponent); }
  neg(): Tensor { return m.neg(this); }
  abs(): Tensor { return m.abs(this); }
  exp(): Tensor { return m.exp(this); }
  log(): Tensor { return m.log(this); }
  sqrt(): Tensor { return m.sqrt(this); }
  rsqrt(): Tensor { return m.rsqrt(this); }
  square(): Tensor { return m.square(this); }
  reciprocal(): Tensor { return m.reciprocal(this); }
  sin(): Tensor { return m.sin(this); }
  cos(): Tensor { return m.cos(this); }
  tanh(): Tensor { return m.tanh(this); }
  sigmoid(): Tensor { return m.sigmoid(this); }
  relu(): Tensor { return m.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return m.leakyRelu(this, negativeSlope); }
  gelu(approximate: "none" | "tanh" = "none"): Tensor { return m.gelu(this, approximate); }
  elu(alpha = 1): Tensor { return m.elu(this, alpha); }
  softplus(beta = 1, threshold = 20): Tensor { return m.softplus(this, beta, threshold); }
  erf(): Tensor { return m.erf(this); }
  log1p(): Tensor { return m.log1p(this); }
  expm1(): Tensor { return m.expm1(this); }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor { return m.clamp(this, min, max); }
  clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor { return m.clamp(this, min, max); }
  minimum(other: TensorLike): Tensor { return m.minimum(this, other); }
  maximum(other: TensorLike): Tensor { return m.maximum(this, other); }
  /** `this` where cond is true, else `other` (PyTorch's Tensor.where). */
  where(cond: Tensor, other: TensorLike): Tensor { return m.where(cond, this, other); }
  sign(): Tensor { return m.sign(this); }
  floor(): Tensor { return m.floor(this); }
  ceil(): Tensor { return m.ceil(this); }
  round(): Tensor { return m.round(this); }
  eq(other: TensorLike): Tensor { return m.eq(this, other); }
  ne(other: TensorLike): Tensor { return m.ne(this, other); }
  lt(other: TensorLike): Tensor { return m.lt(this, other); }
  le(other: TensorLike): Tensor { return m.le(this, other); }
  gt(other: TensorLike): Tensor { return m.gt(this, other); }
  ge(other: TensorLike): Tensor { return m.ge(this, other); }
  logicalAnd(other: TensorLike): Tensor { return m.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return m.logicalOr(this, other); }
  logicalNot(): Tensor { return m.logicalNot(this); }
  isnan(): Tensor { return m.isnan(this); }
  isinf(): Tensor { return m.isinf(this); }
  isfinite(): Tensor { return m.isfinite(this); }
  tan(): Tensor { return m.tan(this); }
  atan(): Tensor { return m.atan(this); }
  asin(): Tensor { return m.asin(this); }
  acos(): Tensor { return m.acos(this); }
  sinh(): Tensor { return m.sinh(this); }
  cosh(): Tensor { return m.cosh(this); }
  atan2(other: TensorLike): Tensor { return m.atan2(this, other); }
  hypot(other: TensorLike): Tensor { return m.hypot(this, other); }

  // ---- reductions ------------------------------------------------------------------------------
  sum(dim?: Dims, keepdim = false): Tensor { return r.sum(this, dim, keepdim); }
  mean(dim?: Dims, keepdim = false): Tensor { return r.mean(this, dim, keepdim); }
  max(dim?: Dims, keepdim = false): Tensor { return r.max(this, dim, keepdim); }
  min(dim?: Dims, keepdim = false): Tensor { return r.min(this, dim, keepdim); }
  prod(dim?: Dims, keepdim = false): Tensor { return r.prod(this, dim, keepdim); }
  var(dim?: Dims, opts?: r.VarOptions | boolean): Tensor { return r.variance(this, dim, opts); }
  std(dim?: Dims, opts?: r.VarOptions | boolean): Tensor { return r.std(this, dim, opts); }
  argmax(dim?: number, keepdim = false): Tensor { return r.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return r.argmin(this, dim, keepdim); }
  logsumexp(dim?: Dims, keepdim = false): Tensor { return r.logsumexp(this, dim, keepdim); }
  all(dim?: Dims, keepdim = false): Tensor { return r.all(this, dim, keepdim); }
  any(dim?: Dims, keepdim = false): Tensor { return r.any(this, dim, keepdim); }
  cumsum(dim: number): Tensor { return r.cumsum(this, dim); }
  cumprod(dim: number): Tensor { return cu.cumprod(this, dim); }
  diff(opts?: cu.DiffOptions): Tensor { return cu.diff(this, opts); }
  softmax(dim: number): Tensor { return r.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return r.logSoftmax(this, dim); }

  // ---- linear algebra --------------------------------------------------------------------------
  matmul(other: Tensor): Tensor { return la.matmul(this, other); }
  dot(other: Tensor): Tensor { return la.dot(this, other); }
  outer(other: Tensor): Tensor { return la.outer(this, other); }
  kron(other: Tensor): Tensor { return kron(this, other); }
  tril(diagonal = 0): Tensor { return dg.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return dg.triu(this, diagonal); }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor { return dg.diagonal(this, offset, dim1, dim2); }
  diag(offset = 0): Tensor { return dg.diag(this, offset); }
  trace(): Tensor { return dg.trace(this); }

  // ---- sorting and searching -----------------------------------------------------------------
  sort(opts?: so.SortOptions): [Tensor, Tensor] & { values: Tensor; indices: Tensor } { return so.sort(this, opts); }
  argsort(opts?: so.SortOptions): Tensor { return so.argsort(this, opts); }
  topk(k: number, opts?: so.TopkOptions): [Tensor, Tensor] & { values: Tensor; indices: Tensor } { return so.topk(this, k, opts); }
  /** The sorted distinct values (flattened); see ds.unique for returnInverse / returnCounts. */
  unique(): Tensor { return so.unique(this); }
  nonzero(): Tensor { return so.nonzero(this); }
  argwhere(): Tensor { return so.argwhere(this); }
  /** Swaps two dims (default: the last two). */
  transpose(dim0?: number, dim1?: number): Tensor { return s.transpose(this, dim0, dim1); }
  /** Reversed dims (matrix transpose for 2-d), as NumPy's .T. */
  get T(): Tensor { return s.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }

  // ---- shape -----------------------------------------------------------------------------------
  reshape(...shape: ShapeArgs): Tensor { return s.reshape(this, shapeArg(shape)); }
  view(...shape: ShapeArgs): Tensor { return s.view(this, shapeArg(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return s.flatten(this, startDim, endDim); }
  squeeze(dim?: Dims): Tensor { return s.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return s.unsqueeze(this, dim); }
  permute(...dims: ShapeArgs): Tensor { return s.permute(this, shapeArg(dims)); }
  expand(...shape: ShapeArgs): Tensor { return s.expand(this, shapeArg(shape)); }
  broadcastTo(shape: readonly number[]): Tensor { return s.broadcastTo(this, shape); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return s.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return s.chunk(this, chunks, dim); }
  slice(start: readonly (number | null)[], end?: readonly (number | null)[], step?: readonly number[]): Tensor { return s.slice(this, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return s.narrow(this, dim, start, length); }
  pad(pads: readonly number[], value = 0): Tensor { return s.pad(this, pads, value); }
  repeat(...reps: ShapeArgs): Tensor { return s.repeat(this, shapeArg(reps)); }
  tile(reps: readonly number[]): Tensor { return s.tile(this, reps); }
  flip(dims: number | readonly number[]): Tensor { return s.flip(this, dims); }

  // ---- indexing --------------------------------------------------------------------------------
  /** NumPy-style indexing: numbers, ":"-slices, "...", null (new axis), int32 or bool tensors. */
  index(...spec: IndexSpec[]): Tensor { return ix.index(this, ...spec); }
  gather(dim: number, index: Tensor): Tensor { return ix.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return ix.scatter(this, dim, index, src); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ix.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return ix.indexSelect(this, dim, index); }
  maskedFill(mask: Tensor, value: number): Tensor { return ix.maskedFill(this, mask, value); }
  oneHot(numClasses = -1): Tensor { return ix.oneHot(this, numClasses); }
}

type ShapeArgs = number[] | [readonly number[]];
function shapeArg(args: ShapeArgs): number[] {
  return (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
}
