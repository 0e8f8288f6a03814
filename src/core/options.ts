// Checking option objects and numbers up front, so a typo or a bad value is an ArgumentError at the call,
// never a silent default or a failure much later. One home for every constructor and function that takes options.
import { ArgumentError } from "./errors.js";

/** Throws on an options object with keys outside `allowed` (a typo would otherwise train with a default), or on a missing required key. */
export function checkOptions(name: string, opts: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  if (opts === null || typeof opts !== "object") throw new ArgumentError(name, `options must be an object, got ${opts === null ? "null" : typeof opts}`);
  for (const k of Object.keys(opts)) if (!allowed.includes(k)) throw new ArgumentError(name, `unknown option "${k}"; expected one of ${allowed.join(", ")}`);
  for (const k of required) if ((opts as Record<string, unknown>)[k] === undefined) throw new ArgumentError(name, `option "${k}" is required`);
  return opts as Record<string, unknown>;
}

/** Throws unless `v` is a finite number (and, with `min`, at least `min`; with `integer`, whole). */
export function checkNumber(name: string, what: string, v: unknown, opts: { min?: number; above?: number; integer?: boolean } = {}): number {
  const ok = typeof v === "number" && Number.isFinite(v) && (opts.min === undefined || v >= opts.min) && (opts.above === undefined || v > opts.above) && (!opts.integer || Number.isInteger(v));
  if (!ok) {
    const want = [opts.integer ? "an integer" : "a finite number", opts.min !== undefined ? `>= ${opts.min}` : "", opts.above !== undefined ? `> ${opts.above}` : ""].filter(Boolean).join(" ");
    throw new ArgumentError(name, `${what} must be ${want}, got ${String(v)}`);
  }
  return v as number;
}
