// Keras shapes: the batch (and any unknown) dim is null, as Keras' None; helpers shared by layers.
import { ArgumentError, ShapeError } from "../core/errors.js";

/** A Keras shape: dims are sizes, or null where unknown until data arrives (the batch dim, a sequence length). */
export type Shape = (number | null)[];

/** Keras' printed form: (None, 26, 26, 32), (None,) for one dim. */
export function fmtShape(s: readonly (number | null)[]): string {
  const dims = s.map((d) => (d === null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

/** A tensor's shape as a Keras shape with an unknown batch dim. */
export const withNullBatch = (shape: readonly number[]): Shape => [null, ...shape.slice(1)];

/** Checks a user-given shape (dims positive integers or null). */
export function checkShape(op: string, what: string, s: unknown): Shape {
  if (!Array.isArray(s) || !s.every((d) => d === null || d === undefined || (Number.isInteger(d) && d > 0) || d === -1)) {
    throw new ArgumentError(op, `${what} must be an array of positive integers or null, got ${JSON.stringify(s)}`);
  }
  return s.map((d) => (d === undefined || d === -1 ? null : d));
}

/** A positive integer or a tuple of `n` of them (Keras' kernel_size, strides, pool_size, dilation_rate). */
export function tuple(op: string, what: string, v: unknown, n: number): number[] {
  const t = typeof v === "number" ? Array<number>(n).fill(v) : v;
  if (!Array.isArray(t) || t.length !== n || !t.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ArgumentError(op, `${what} must be a positive integer or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return t as number[];
}

export type Padding = "valid" | "same" | "causal";

export function checkPadding(op: string, p: unknown, allowed: readonly Padding[] = ["valid", "same"]): Padding {
  const v = typeof p === "string" ? p.toLowerCase() : p;
  if (!allowed.includes(v as Padding)) throw new ArgumentError(op, `padding must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${JSON.stringify(p)}`);
  return v as Padding;
}

export type DataFormat = "channels_last" | "channels_first";

export function checkDataFormat(op: string, f: unknown): DataFormat {
  const v = f === undefined || f === null ? "channels_last" : f === "channelsLast" ? "channels_last" : f === "channelsFirst" ? "channels_first" : f;
  if (v !== "channels_last" && v !== "channels_first") throw new ArgumentError(op, `dataFormat must be "channels_last" or "channels_first", got ${JSON.stringify(f)}`);
  return v;
}

/** Output length of a convolution or pooling window along one dim (TensorFlow's rule). */
export function convLength(n: number | null, k: number, stride: number, padding: Padding, dilation = 1): number | null {
  if (n === null) return null;
  const span = dilation * (k - 1) + 1;
  if (padding === "same" || padding === "causal") return Math.ceil(n / stride);
  return Math.floor((n - span) / stride) + 1;
}

/**
 * TensorFlow's "same" padding along one dim: out = ceil(n / stride), the total padding split with
 * the extra element after (bottom/right), so a strided "same" conv sees the data Keras sees.
 */
export function samePads(n: number, k: number, stride: number, dilation = 1): [number, number] {
  const span = dilation * (k - 1) + 1;
  const total = Math.max((Math.ceil(n / stride) - 1) * stride + span - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Output length of a transposed convolution (Keras' deconv_output_length). */
export function deconvLength(n: number | null, k: number, stride: number, padding: Padding, outputPadding: number | null, dilation = 1): number | null {
  if (n === null) return null;
  const span = dilation * (k - 1) + 1;
  if (outputPadding === null) return padding === "valid" ? n * stride + Math.max(span - stride, 0) : n * stride;
  const pad = padding === "same" ? Math.floor(span / 2) : 0;
  return (n - 1) * stride + span - 2 * pad + outputPadding;
}

/** Throws a ShapeError unless the rank is as the layer needs. */
export function expectRank(op: string, s: readonly unknown[], ranks: readonly number[], what = "input"): void {
  if (!ranks.includes(s.length)) throw new ShapeError(op, `expected ${what} of rank ${ranks.join(" or ")} (batch included), got shape ${fmtShape(s as Shape)}`);
}

/** The product of known dims, or null if any is unknown. */
export function knownSize(s: readonly (number | null)[]): number | null {
  let n = 1;
  for (const d of s) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}
