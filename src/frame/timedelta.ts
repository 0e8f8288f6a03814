// A length of time, pandas' Timedelta: what subtracting two dates gives and what moves a date.
// Held as milliseconds (a float, so sub-millisecond parts survive down to JavaScript's precision);
// dates are tz-naive UTC instants, so a day is always 86,400,000 ms.
import { ArgumentError } from "../core/errors.js";

const UNIT_MS: Record<string, number> = {
  w: 604800000, week: 604800000, weeks: 604800000,
  d: 86400000, day: 86400000, days: 86400000,
  h: 3600000, hr: 3600000, hour: 3600000, hours: 3600000,
  m: 60000, t: 60000, min: 60000, minute: 60000, minutes: 60000,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  l: 1, ms: 1, millisecond: 1, milliseconds: 1,
  u: 1e-3, us: 1e-3, microsecond: 1e-3, microseconds: 1e-3,
};

/** The parts a Timedelta can be built from (summed), as pandas' keyword arguments. */
export interface TimedeltaParts { weeks?: number; days?: number; hours?: number; minutes?: number; seconds?: number; milliseconds?: number; microseconds?: number }
const PART_MS: Record<keyof TimedeltaParts, number> = { weeks: 604800000, days: 86400000, hours: 3600000, minutes: 60000, seconds: 1000, milliseconds: 1, microseconds: 1e-3 };

/** Milliseconds in one step of a fixed frequency ("D", "H", "15min", "S", "L"/"ms", "2H", …). */
export function frequencyMs(op: string, freq: string): number {
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)\s*$/.exec(String(freq));
  // "M" (month), "Y", "W" are calendar frequencies, not fixed lengths: pandas refuses them here too.
  const calendar = m !== null && /^(M|Y|A|Q|W|MS|BM|B)$/.test(m[2]);
  const unit = m && !calendar ? UNIT_MS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new ArgumentError(op, `expected a fixed frequency such as "D", "H", "15min", "S" or "ms", got "${freq}"${calendar ? " (months, years and weeks have no fixed length)" : ""}`);
  }
  const n = m[1] === "" ? 1 : Number(m[1]);
  if (!(n > 0)) throw new ArgumentError(op, `frequency "${freq}" must be positive`);
  return n * unit;
}

/** A duration: `new frame.Timedelta({ days: 1, hours: 2 })`, `new frame.Timedelta("90min")`. */
export class Timedelta {
  /** The length in milliseconds (negative for a negative duration). */
  readonly ms: number;

  constructor(spec: TimedeltaParts | string | Timedelta) {
    if (spec instanceof Timedelta) this.ms = spec.ms;
    else if (typeof spec === "string") this.ms = parseDuration(spec);
    else if (spec !== null && typeof spec === "object") {
      let ms = 0;
      for (const [k, v] of Object.entries(spec)) {
        const per = PART_MS[k as keyof TimedeltaParts];
        if (per === undefined) throw new ArgumentError("Timedelta", `unknown part "${k}"; expected ${Object.keys(PART_MS).join(", ")}`);
        if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError("Timedelta", `${k} must be a finite number, got ${String(v)}`);
        ms += v * per;
      }
      this.ms = ms;
    } else throw new ArgumentError("Timedelta", `expected parts ({ days: 1 }) or text ("1 days 02:00:00", "90min"), got ${spec === null ? "null" : typeof spec}`);
  }
  /** A Timedelta of `ms` milliseconds. */
  static fromMs(ms: number): Timedelta {
    return new Timedelta({ milliseconds: ms });
  }
  /** Whole days, rounded down as pandas does (-1 days +23:00:00 for minus one hour). */
  get days(): number { return Math.floor(this.ms / 86400000); }
  /** Seconds within the day part, 0 to 86,399. */
  get seconds(): number { return Math.floor((this.ms - this.days * 86400000) / 1000); }
  /** Microseconds within the second part, 0 to 999,999. */
  get microseconds(): number { return Math.round((this.ms - this.days * 86400000 - this.seconds * 1000) * 1000); }
  /** The whole duration in seconds. */
  totalSeconds(): number { return this.ms / 1000; }
  /** pandas' text: "1 days 02:00:03.500000", "-1 days +23:00:00". */
  toString(): string {
    const d = this.days, rest = this.ms - d * 86400000;
    const h = Math.floor(rest / 3600000), mi = Math.floor((rest % 3600000) / 60000), s = Math.floor((rest % 60000) / 1000);
    const us = Math.round((rest % 1000) * 1000);
    const p2 = (x: number) => String(x).padStart(2, "0");
    return `${d} days ${d < 0 ? "+" : ""}${p2(h)}:${p2(mi)}:${p2(s)}${us ? `.${String(us).padStart(6, "0")}` : ""}`;
  }
  valueOf(): number { return this.ms; }
}

/** "1 days 02:00:03.5", "2h30min", "-90s", "1.5D" → milliseconds. */
function parseDuration(text: string): number {
  const t = text.trim();
  const clock = /^(-)?(?:(\d+)\s*days?\s*)?\+?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (clock) {
    const ms = Number(clock[2] ?? 0) * 86400000 + Number(clock[3]) * 3600000 + Number(clock[4]) * 60000 + Number(clock[5]) * 1000;
    return clock[1] ? -ms : ms;
  }
  const sign = t.startsWith("-") ? -1 : 1;
  const body = t.replace(/^[-+]/, "");
  const re = /\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]+)/y;
  let ms = 0, at = 0, parts = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    const unit = UNIT_MS[m[2].toLowerCase()];
    if (unit === undefined) break;
    ms += Number(m[1]) * unit;
    at = re.lastIndex;
    parts++;
  }
  if (!parts || body.slice(at).trim() !== "") throw new ArgumentError("Timedelta", `cannot read "${text}" as a duration; expected e.g. "1 days 02:00:00", "2h30min", "90s"`);
  return sign * ms;
}
