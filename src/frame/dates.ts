// `series.dt`: pandas' datetime and timedelta properties. Dates are tz-naive: a Date is read in
// UTC (how readCsv parses "2024-03-10 02:30"), so there are no DST gaps or repeated hours and a day
// is always 24 hours, as in pandas without a time zone. Fields of a missing date are NaN (pandas'
// float64 with NaN); tests of a missing date are false (pandas' bool).
import { ArgumentError, DTypeError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { isMissing } from "./column.js";
import { parseIsoDate } from "./csv.js";
import { Series } from "./series.js";
import { Timedelta, frequencyMs } from "./timedelta.js";

const DAY = 86400000;
const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m0: number): number => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m0];
/** Monday = 0 … Sunday = 6, as pandas' dayofweek. */
const weekday = (d: Date): number => (d.getUTCDay() + 6) % 7;
const dayOfYear = (d: Date): number => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;

/** Rounds half to even, as pandas rounds timestamps to a frequency. */
function roundHalfEven(q: number): number {
  const f = Math.floor(q), r = q - f;
  return r > 0.5 ? f + 1 : r < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/** strftime's directives (C/Python's, English names) on a UTC date. */
function strftime(d: Date, format: string): string {
  const p = (x: number, n = 2) => String(x).padStart(n, "0");
  const h = d.getUTCHours();
  return format.replace(/%([a-zA-Z%])/g, (whole, c: string) => {
    switch (c) {
      case "Y": return String(d.getUTCFullYear());
      case "y": return p(d.getUTCFullYear() % 100);
      case "m": return p(d.getUTCMonth() + 1);
      case "d": return p(d.getUTCDate());
      case "H": return p(h);
      case "I": return p(h % 12 === 0 ? 12 : h % 12);
      case "p": return h < 12 ? "AM" : "PM";
      case "M": return p(d.getUTCMinutes());
      case "S": return p(d.getUTCSeconds());
      case "f": return p(d.getUTCMilliseconds() * 1000, 6);
      case "j": return p(dayOfYear(d), 3);
      case "a": return DAY_NAMES[weekday(d)].slice(0, 3);
      case "A": return DAY_NAMES[weekday(d)];
      case "b": return MONTH_NAMES[d.getUTCMonth()].slice(0, 3);
      case "B": return MONTH_NAMES[d.getUTCMonth()];
      case "w": return String(d.getUTCDay());
      case "%": return "%";
      default: throw new ArgumentError("dt.strftime", `unsupported directive ${whole}; supported: %Y %y %m %d %H %I %p %M %S %f %j %a %A %b %B %w %%`);
    }
  });
}

/** `s.dt` — datetime fields and rounding of a date Series, or the parts of a timedelta Series. */
export class DatetimeMethods {
  constructor(private readonly s: Series) {}

  /** The dates (null where missing); a Series of something else is a DTypeError naming the field. */
  private dates(op: string): (Date | null)[] {
    const out = new Array<Date | null>(this.s.length);
    for (let i = 0; i < out.length; i++) {
      const v = this.s.values[i];
      if (v instanceof Date) out[i] = v;
      else if (isMissing(v)) out[i] = null;
      else throw new DTypeError(`dt.${op}`, `column "${this.s.name}" holds ${v instanceof Timedelta ? "timedeltas (use .days, .seconds, .totalSeconds())" : typeof v} in row ${i}; expected dates (parse them with readCsv's parseDates or frame.toDatetime)`);
    }
    return out;
  }
  private timedeltas(op: string): (Timedelta | null)[] {
    const out = new Array<Timedelta | null>(this.s.length);
    for (let i = 0; i < out.length; i++) {
      const v = this.s.values[i];
      if (v instanceof Timedelta) out[i] = v;
      else if (isMissing(v)) out[i] = null;
      else throw new DTypeError(`dt.${op}`, `column "${this.s.name}" holds ${v instanceof Date ? "dates" : typeof v} in row ${i}; expected timedeltas (the difference of two date Series)`);
    }
    return out;
  }
  private field(op: string, fn: (d: Date) => number): Series {
    const ds = this.dates(op), out = new Float64Array(ds.length);
    for (let i = 0; i < ds.length; i++) out[i] = ds[i] ? fn(ds[i]!) : NaN;
    return new Series(out, this.s.name);
  }
  private test(op: string, fn: (d: Date) => boolean): Series {
    return new Series(this.dates(op).map((d) => (d ? fn(d) : false)), this.s.name);
  }
  private moved(op: string, fn: (ms: number) => number): Series {
    return new Series(this.dates(op).map((d) => (d ? new Date(fn(d.getTime())) : null)), this.s.name);
  }

  get year(): Series { return this.field("year", (d) => d.getUTCFullYear()); }
  get month(): Series { return this.field("month", (d) => d.getUTCMonth() + 1); }
  get day(): Series { return this.field("day", (d) => d.getUTCDate()); }
  get hour(): Series { return this.field("hour", (d) => d.getUTCHours()); }
  get minute(): Series { return this.field("minute", (d) => d.getUTCMinutes()); }
  get second(): Series { return this.field("second", (d) => d.getUTCSeconds()); }
  /** Microseconds within the second (dates hold milliseconds, so a multiple of 1,000). */
  get microsecond(): Series { return this.field("microsecond", (d) => d.getUTCMilliseconds() * 1000); }
  /** Monday = 0 … Sunday = 6. */
  get dayofweek(): Series { return this.field("dayofweek", weekday); }
  get weekday(): Series { return this.field("weekday", weekday); }
  get dayofyear(): Series { return this.field("dayofyear", dayOfYear); }
  get quarter(): Series { return this.field("quarter", (d) => Math.floor(d.getUTCMonth() / 3) + 1); }
  get daysInMonth(): Series { return this.field("daysInMonth", (d) => daysIn(d.getUTCFullYear(), d.getUTCMonth())); }
  get isMonthStart(): Series { return this.test("isMonthStart", (d) => d.getUTCDate() === 1); }
  get isMonthEnd(): Series { return this.test("isMonthEnd", (d) => d.getUTCDate() === daysIn(d.getUTCFullYear(), d.getUTCMonth())); }
  get isQuarterStart(): Series { return this.test("isQuarterStart", (d) => d.getUTCDate() === 1 && d.getUTCMonth() % 3 === 0); }
  get isQuarterEnd(): Series { return this.test("isQuarterEnd", (d) => d.getUTCMonth() % 3 === 2 && d.getUTCDate() === daysIn(d.getUTCFullYear(), d.getUTCMonth())); }
  get isYearStart(): Series { return this.test("isYearStart", (d) => d.getUTCMonth() === 0 && d.getUTCDate() === 1); }
  get isYearEnd(): Series { return this.test("isYearEnd", (d) => d.getUTCMonth() === 11 && d.getUTCDate() === 31); }
  get isLeapYear(): Series { return this.test("isLeapYear", (d) => isLeap(d.getUTCFullYear())); }

  /** Midnight of each date. */
  normalize(): Series { return this.moved("normalize", (ms) => Math.floor(ms / DAY) * DAY); }
  /** Rounds down to a fixed frequency ("D", "H", "15min", "S", "ms"). */
  floor(freq: string): Series { const f = frequencyMs("dt.floor", freq); return this.moved("floor", (ms) => Math.floor(ms / f) * f); }
  /** Rounds up to a fixed frequency. */
  ceil(freq: string): Series { const f = frequencyMs("dt.ceil", freq); return this.moved("ceil", (ms) => Math.ceil(ms / f) * f); }
  /** Rounds to the nearest multiple of a fixed frequency, halves to even (as pandas). */
  round(freq: string): Series { const f = frequencyMs("dt.round", freq); return this.moved("round", (ms) => roundHalfEven(ms / f) * f); }
  /** Each date as text in a strftime format (missing stays missing). @example s.dt.strftime("%Y-%m-%d") */
  strftime(format: string): Series {
    if (typeof format !== "string") throw new ArgumentError("dt.strftime", `format must be a string, got ${typeof format}`);
    return new Series(this.dates("strftime").map((d) => (d ? strftime(d, format) : null)), this.s.name);
  }
  dayName(): Series { return new Series(this.dates("dayName").map((d) => (d ? DAY_NAMES[weekday(d)] : null)), this.s.name); }
  monthName(): Series { return new Series(this.dates("monthName").map((d) => (d ? MONTH_NAMES[d.getUTCMonth()] : null)), this.s.name); }

  // Timedelta Series (the difference of two date Series).
  /** Whole days of each timedelta, rounded down (pandas' .dt.days). */
  get days(): Series { return this.parts("days", (t) => t.days); }
  /** Seconds within the day part (0 to 86,399). */
  get seconds(): Series { return this.parts("seconds", (t) => t.seconds); }
  get microseconds(): Series { return this.parts("microseconds", (t) => t.microseconds); }
  /** Each timedelta in seconds. */
  totalSeconds(): Series { return this.parts("totalSeconds", (t) => t.totalSeconds()); }
  private parts(op: string, fn: (t: Timedelta) => number): Series {
    const ts = this.timedeltas(op), out = new Float64Array(ts.length);
    for (let i = 0; i < ts.length; i++) out[i] = ts[i] ? fn(ts[i]!) : NaN;
    return new Series(out, this.s.name);
  }
}

/**
 * pandas' `to_datetime`: ISO-8601 text ("2024-03-10", "2024-03-10 02:30:00.250", with an optional
 * offset), Dates, or numbers counted in `unit` since 1970 ("s", "ms", "D"; pandas' default unit,
 * nanoseconds, is no JavaScript date's resolution, so numbers need a unit). Missing stays missing;
 * unparsable text is an ArgumentError naming it, or missing with `errors: "coerce"`.
 * @example frame.toDatetime(df.col("when"))
 */
export function toDatetime(values: Series | ArrayLike<unknown>, opts: { unit?: "s" | "ms" | "D"; errors?: "raise" | "coerce" } = {}): Series {
  checkOptions("toDatetime", opts, ["unit", "errors"]);
  const { unit, errors = "raise" } = opts;
  if (unit !== undefined && !["s", "ms", "D"].includes(unit)) throw new ArgumentError("toDatetime", `unit must be "s", "ms" or "D", got "${String(unit)}"`);
  if (errors !== "raise" && errors !== "coerce") throw new ArgumentError("toDatetime", `errors must be "raise" or "coerce", got "${String(errors)}"`);
  const src = values instanceof Series ? values.values : values;
  const name = values instanceof Series ? values.name : "";
  const perUnit = unit === "s" ? 1000 : unit === "D" ? DAY : 1;
  const out = new Array<Date | null>(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    let d: Date | null = null;
    if (isMissing(v)) d = null;
    else if (v instanceof Date) d = v;
    else if (typeof v === "string") d = parseIsoDate(v.trim());
    else if (typeof v === "number" && unit !== undefined) d = new Date(v * perUnit);
    else if (typeof v === "number") throw new ArgumentError("toDatetime", `row ${i} is the number ${v}; pass { unit: "s" | "ms" | "D" } to read numbers as times since 1970`);
    if (d === null && !isMissing(v) && errors === "raise") throw new ArgumentError("toDatetime", `cannot read row ${i} (${typeof v === "string" ? `"${v.slice(0, 40)}"` : typeof v}) as a date; expected ISO-8601 text such as "2024-03-10 02:30:00" (or errors: "coerce" for missing)`);
    out[i] = d;
  }
  return new Series(out, name);
}
