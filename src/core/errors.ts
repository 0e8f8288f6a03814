// The typed error hierarchy: every message names the op, what it got and what it expected.

/** Base class of every error deepscript throws on purpose. `op` names the operation that refused. */
export class DeepScriptError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit: broadcasting, matmul alignment, reshape sizes, ragged nested arrays. */
export class ShapeError extends DeepScriptError {}

/** A dtype the op cannot take (e.g. a float tensor used as an index). */
export class DTypeError extends DeepScriptError {}

/** A dimension or index out of range. */
export class IndexError extends DeepScriptError {}

/** An argument of the wrong kind or value (negative size, unknown option, …). */
export class ArgumentError extends DeepScriptError {}

/** Misuse of automatic differentiation (backward twice, non-scalar without a gradient, …). */
export class GradError extends DeepScriptError {}

/** A disposed tensor was used, or memory was misused. */
export class MemoryError extends DeepScriptError {}

/** A file that is missing, unreadable, truncated or not in the expected format; `path` names it. */
export class FileError extends DeepScriptError {
  readonly path: string;
  constructor(op: string, path: string, reason: string) {
    super(op, `${path}: ${reason}`);
    this.path = path;
  }
}

/** Formats a shape for messages: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** A value that must be finite became NaN or Inf (e.g. the loss during training). */
export class NonFiniteError extends DeepScriptError {}

/**
 * A linear-algebra routine that cannot complete on this input (a singular matrix to invert or
 * solve with, a matrix that is not positive-definite for Cholesky): PyTorch's torch.linalg.LinAlgError.
 */
export class LinAlgError extends DeepScriptError {}

/**
 * A value was asked for synchronously (dataSync, item, toArray) from a backend that can only read
 * asynchronously (webgpu: WebGPU has no synchronous read-back): `await t.data()` instead.
 */
export class AsyncReadError extends DeepScriptError {}
