// ds.linalg: torch.linalg's names and semantics over deepscript tensors (float32 and float64,
// computed in float64, batched over leading dims). Numerics in dense.ts; see docs/linalg.md.
export { solve, inv, det, slogdet } from "./solve.js";
export { cholesky, qr, eigh, eigvalsh, svd, svdvals, type QrMode } from "./decompose.js";
export { pinv, lstsq, matrixRank, type TolOptions } from "./lstsq.js";
export { norm, vectorNorm, matrixNorm, type NormOptions, type VectorNormOptions, type MatrixNormOptions, type MatrixOrd } from "./norms.js";
export { matmul } from "../linalg.js";
