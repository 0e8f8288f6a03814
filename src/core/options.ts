// Checking option objects and numbers up front, so a typo or a bad value is an ArgumentError at the call,
// never a silent default or a failure much later. One home for every constructor and function that takes options.
import { ArgumentError } from "./errors.js";

/** Throws on an options object with keys outside `allowed` (a typo would otherwise train with a default), or on a missing required key. */
export function checkOptions(name: string, opts: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  if (opts === null || typeof opts !== "object") throw new ArgumentError(name, `options must be an object, got ${opts === null ? "null" : typeof opts}`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new ArgumentError(name, `unknown option "${k}"; ${allowed.length ? `expected one of ${allowed.join(", ")}` : "it takes no options"}`);
  }
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

/**
 * The option names of an options type, listed once beside the constructor's defaults: the record
 * must name every key of `T` and nothing else (a compile error otherwise), so the list checkOptions
 * enforces cannot drift from the type users see.
 * @example const LINEAR_OPTIONS = optionNames<LinearOptions>({ bias: true });
 */
export function optionNames<T extends object>(names: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(names));
}

/** Throws unless `v` is true or false. */
export function checkBoolean(name: string, what: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new ArgumentError(name, `${what} must be true or false, got ${describeValue(v)}`);
  return v;
}

/** Throws unless `v` is one of `allowed`. */
export function checkChoice<T>(name: string, what: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new ArgumentError(name, `${what} must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}, got ${describeValue(v)}`);
  return v as T;
}

// A short description of a value for messages: never the whole of a large or deep object.
function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : "an object";
}
