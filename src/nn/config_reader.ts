// Typed reads of a layer configuration that came from a file: every field is checked for its type
// and range before a layer sees it, fields the layer does not know are refused, and messages
// describe bad values with brief() (a hostile value may be nested thousands deep).
import { ArgumentError } from "../core/errors.js";
import { brief } from "../core/describe.js";

/** Reads one JSON config object; a wrong field is an ArgumentError naming the layer, its path and the field. */
export class ConfigReader {
  private readonly used = new Set<string>();
  private readonly c: Record<string, unknown>;

  /** `where` names the layer and its path (`Conv2d at "0"`); `prefix` the enclosing field of a nested object ("opts."). */
  constructor(readonly op: string, readonly where: string, c: unknown, private readonly prefix = "") {
    if (typeof c !== "object" || c === null || Array.isArray(c)) throw new ArgumentError(op, `${where}: ${prefix ? `config field "${prefix.slice(0, -1)}"` : "config"} must be an object, got ${brief(c)}`);
    this.c = c as Record<string, unknown>;
  }

  /** The field's value (own properties only: "constructor" or "__proto__" are never inherited). */
  raw(key: string): unknown {
    this.used.add(key);
    return Object.hasOwn(this.c, key) ? this.c[key] : undefined;
  }

  private bad(key: string, what: string): never {
    throw new ArgumentError(this.op, `${this.where}: config field "${this.prefix}${key}" must be ${what}, got ${brief(this.raw(key))}`);
  }

  /** An integer ≥ min (a safe integer: sizes beyond 2^53 are corrupt). */
  int(key: string, min = Number.MIN_SAFE_INTEGER): number {
    const v = this.raw(key);
    return typeof v === "number" && Number.isSafeInteger(v) && v >= min ? v : this.bad(key, min > Number.MIN_SAFE_INTEGER ? `an integer >= ${min}` : "an integer");
  }
  /** A finite number. */
  num(key: string): number {
    const v = this.raw(key);
    return typeof v === "number" && Number.isFinite(v) ? v : this.bad(key, "a finite number");
  }
  bool(key: string): boolean {
    const v = this.raw(key);
    return typeof v === "boolean" ? v : this.bad(key, "true or false");
  }
  /** A boolean, or undefined when the field is absent. */
  optBool(key: string): boolean | undefined {
    return this.raw(key) === undefined ? undefined : this.bool(key);
  }
  /** An integer ≥ min, or a pair of them (kernel sizes). */
  pair(key: string, min: number): number | [number, number] {
    const v = this.raw(key);
    const ok = (d: unknown) => typeof d === "number" && Number.isSafeInteger(d) && d >= min;
    if (ok(v)) return v as number;
    if (Array.isArray(v) && v.length === 2 && v.every(ok)) return [v[0], v[1]];
    return this.bad(key, `an integer >= ${min} or a pair of them`);
  }
  intOrNull(key: string, min?: number): number | null {
    const v = this.raw(key);
    return v === null || v === undefined ? null : this.int(key, min);
  }
  numOrNull(key: string): number | null {
    return this.raw(key) === null ? null : this.num(key);
  }
  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.raw(key);
    return values.includes(v as T) ? (v as T) : this.bad(key, `one of ${values.join(", ")}`);
  }
  /** A list of integers ≥ min. */
  intList(key: string, min: number): number[] {
    const v = this.raw(key);
    if (Array.isArray(v) && v.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= min)) return v as number[];
    return this.bad(key, `a list of integers >= ${min}`);
  }
  /** A nested options object (absent: empty); call end() on it too. */
  sub(key: string): ConfigReader {
    const v = this.raw(key);
    return new ConfigReader(this.op, this.where, v === undefined ? {} : v, `${this.prefix}${key}.`);
  }
  /** Refuses fields that were never read: a field the layer does not know means a corrupt or foreign file. */
  end(): void {
    for (const k of Object.keys(this.c)) {
      if (!this.used.has(k)) throw new ArgumentError(this.op, `${this.where}: unknown config field ${brief(this.prefix + k, 60)}`);
    }
  }
}
