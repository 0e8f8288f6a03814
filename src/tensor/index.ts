// The array layer's public entry: Tensor, creation, ops, autograd, memory, backends — the `ds.` API.
export { Tensor } from "./tensor.js";
export type { NestedArray, NestedInput } from "./nested.js";
export { memory, scope, keep, type MemoryInfo } from "./memory.js";
export * from "../ops/creation.js";
export * from "../ops/math.js";
export {
  sum, prod, max, min, argmax, argmin, mean, variance as var, variance, std, logsumexp, softmax, logSoftmax, all, any, cumsum,
  type VarOptions,
} from "../ops/reduction.js";
export * from "../ops/shape.js";
export { index, gather, scatter, scatterAdd, indexSelect, maskedFill, oneHot, type IndexSpec, type Slice } from "../ops/indexing.js";
export { matmul, dot, outer } from "../ops/linalg.js";
export * as linalg from "../ops/linalg/index.js";
export * as random from "../ops/random-namespace.js";
export { tril, triu, diagonal, diag, diagEmbed, trace } from "../ops/diagonal.js";
export { sort, argsort, topk, unique, searchsorted, nonzero, argwhere, type SortOptions, type TopkOptions, type UniqueOptions } from "../ops/sorting.js";
export { cumprod, diff, type DiffOptions } from "../ops/cumulative.js";
export { einsum, kron } from "../ops/einsum.js";
export { checkFinite } from "../ops/finite.js";
export type { TensorLike, Scalar } from "../prims/elementwise.js";
export type { Dims } from "../prims/reduce.js";
export { noGrad, isGradEnabled } from "../autograd/mode.js";
export { grad, valueAndGrad, type GradOptions } from "../autograd/functional.js";
export type { BackwardOptions } from "../autograd/backward.js";
export { setBackend, getBackend, backends, setThreads, getThreads, ready, backendInfo, type BackendInfo } from "../backend/registry.js";
export { seed, getRngState, setRngState, Generator, type RngState } from "../core/rng.js";
export * from "../core/errors.js";
export type { DType } from "../core/dtype.js";
