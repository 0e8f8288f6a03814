// frame's `.str` and `.dt` accessors and date/timedelta arithmetic against pandas 1.5 (fixtures from
// tools/gen_strdt_fixtures.py), on columns with missing values; plus their typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { frame } from "../src/index.js";
import { ArgumentError, DTypeError } from "../src/core/errors.js";

type Series = frame.Series;
type DataFrame = frame.DataFrame;
const root = new URL("..", import.meta.url).pathname;
const fx = JSON.parse(readFileSync(join(root, "test/fixtures/frame/strdt.json"), "utf8"));

const text = (name: string): Series => new frame.Series(fx.text[name], name);
const dates = (name: string): Series => frame.toDatetime(new frame.Series(fx.dates[name], name));

/** pandas' snake_case names → ours. */
const camel = (m: string): string => m.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Our cell as the fixture writes it. */
function norm(v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 23);
  if (v instanceof frame.Timedelta) return { ms: v.ms };
  if (Array.isArray(v)) return v.map(norm);
  return v;
}
function sameCell(actual: unknown, expected: unknown, msg: string): void {
  const x = norm(actual);
  if (typeof x === "number" && typeof expected === "number") {
    assert.ok(Math.abs(x - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${msg}: got ${x}, pandas ${expected}`);
  } else if (x !== null && typeof x === "object" && "ms" in x && expected !== null && typeof expected === "object" && "ms" in expected) {
    // pandas holds nanoseconds; a JavaScript date holds milliseconds.
    assert.ok(Math.abs((x as { ms: number }).ms - (expected as { ms: number }).ms) < 1e-3, `${msg}: got ${JSON.stringify(x)}, pandas ${JSON.stringify(expected)}`);
  } else assert.deepEqual(x, expected, msg);
}
const KINDS: Record<string, string[]> = { f: ["float64"], i: ["int32", "float64"], b: ["bool"], O: ["string", "bool", "object"], M: ["datetime"], m: ["timedelta"] };

function check(out: unknown, want: Record<string, unknown>, msg: string): void {
  if ("scalar" in want) return sameCell(out, want.scalar, msg);
  if ("columns" in want) {
    const df = out as DataFrame;
    assert.ok(df instanceof frame.DataFrame, `${msg}: expected a DataFrame`);
    assert.deepEqual(df.columns, want.columns, `${msg}: columns`);
    (want.data as unknown[][]).forEach((col, c) => col.forEach((v, i) => sameCell(df.col(df.columns[c]).at(i), v, `${msg}: column ${df.columns[c]} row ${i}`)));
    return;
  }
  const s = out as Series;
  assert.ok(s instanceof frame.Series, `${msg}: expected a Series`);
  const values = want.values as unknown[];
  assert.equal(s.length, values.length, `${msg}: length`);
  values.forEach((v, i) => sameCell(s.at(i), v, `${msg}: row ${i}`));
  const allMissing = values.every((v) => v === null);
  if (!allMissing) assert.ok(KINDS[want.kind as string].includes(s.dtype), `${msg}: dtype ${s.dtype}, pandas kind ${want.kind}`);
}

for (const c of fx.cases as { accessor: "str" | "dt"; input: string; method: string; args: unknown[]; kwargs: Record<string, unknown>; out: Record<string, unknown> }[]) {
  const name = `${c.accessor}.${camel(c.method)}(${c.args.map((a) => JSON.stringify(a)).join(", ")}${Object.keys(c.kwargs).length ? `${c.args.length ? ", " : ""}${JSON.stringify(c.kwargs)}` : ""}) on ${c.input}`;
  test(`pandas: ${name}`, () => {
    const s = c.accessor === "str" ? text(c.input) : dates(c.input);
    const acc = (c.accessor === "str" ? s.str : s.dt) as unknown as Record<string, unknown>;
    const member = acc[camel(c.method)];
    assert.notEqual(member, undefined, `no ${c.accessor}.${camel(c.method)}`);
    const args = Object.keys(c.kwargs).length ? [...c.args, c.kwargs] : c.args;
    const out = typeof member === "function" ? (member as (...a: unknown[]) => unknown).apply(acc, args) : member;
    check(out, c.out, name);
  });
}

test("pandas: date and timedelta arithmetic", () => {
  const d = dates("d");
  const want = Object.fromEntries((fx.arith as { name: string; out: Record<string, unknown> }[]).map((a) => [a.name, a.out]));
  const diff = d.sub(d.shift(1));
  const got: Record<string, unknown> = {
    "d + 1 day": d.add(new frame.Timedelta({ days: 1 })),
    "d - 90 minutes": d.sub(new frame.Timedelta("90min")),
    "d + 1 day 2 hours 3.5 seconds": d.add(new frame.Timedelta({ days: 1, hours: 2, seconds: 3.5 })),
    "d - d.shift(1)": diff,
    "(d - d.shift(1)).dt.days": diff.dt.days,
    "(d - d.shift(1)).dt.seconds": diff.dt.seconds,
    "(d - d.shift(1)).dt.total_seconds()": diff.dt.totalSeconds(),
  };
  for (const [k, v] of Object.entries(got)) check(v, want[k], k);
});

test("Timedelta: parts, text forms and pandas' repr", () => {
  const t = new frame.Timedelta("1 days 02:00:03.5");
  assert.equal(t.ms, 93603500);
  assert.equal(String(t), "1 days 02:00:03.500000");
  assert.equal(new frame.Timedelta("2h30min").ms, 9000000);
  assert.equal(new frame.Timedelta("-1h").days, -1);
  assert.equal(new frame.Timedelta("-1h").seconds, 82800);
  assert.equal(String(new frame.Timedelta({ hours: -1 })), "-1 days +23:00:00");
  assert.throws(() => new frame.Timedelta("soon"), (e: unknown) => e instanceof ArgumentError && /cannot read "soon"/.test(e.message));
  assert.throws(() => new frame.Timedelta({ fortnights: 1 } as never), (e: unknown) => e instanceof ArgumentError && /unknown part "fortnights"/.test(e.message));
  // Durations divide into numbers; times a number stay durations.
  const td = new frame.Series([new frame.Timedelta({ hours: 3 }), null], "t");
  assert.deepEqual(Array.from(td.div(new frame.Timedelta({ hours: 1 })).values as Float64Array).map((v) => (Number.isNaN(v) ? null : v)), [3, null]);
  assert.equal((td.mul(2).at(0) as frame.Timedelta).ms, 6 * 3600000);
  assert.equal(td.dtype, "timedelta");
});

test(".str and .dt errors are typed and name the method", () => {
  const s = text("t"), d = dates("d");
  assert.throws(() => s.str.contains("(", {}), (e: unknown) => e instanceof ArgumentError && /str\.contains/.test(e.message) && /pattern \/\(\//.test(e.message));
  assert.throws(() => s.str.contains("a", { cased: false } as never), ArgumentError);
  assert.throws(() => s.str.extract("abc"), (e: unknown) => e instanceof ArgumentError && /no capture group/.test(e.message));
  assert.throws(() => s.str.slice(0, 2, 0), (e: unknown) => e instanceof ArgumentError && /step/.test(e.message));
  assert.throws(() => s.dt.year, (e: unknown) => e instanceof DTypeError && /dt\.year/.test(e.message) && /expected dates/.test(e.message));
  assert.throws(() => d.dt.days, (e: unknown) => e instanceof DTypeError && /expected timedeltas/.test(e.message));
  assert.throws(() => d.dt.floor("M"), (e: unknown) => e instanceof ArgumentError && /no fixed length/.test(e.message));
  assert.throws(() => d.dt.strftime("%Q"), (e: unknown) => e instanceof ArgumentError && /unsupported directive %Q/.test(e.message));
  assert.throws(() => d.add(d), (e: unknown) => e instanceof ArgumentError && /cannot add a date and a date/.test(e.message));
  assert.throws(() => frame.toDatetime(["2024-13-01"]), (e: unknown) => e instanceof ArgumentError && /cannot read row 0/.test(e.message));
  assert.equal(frame.toDatetime(["2024-13-01", "2024-01-02"], { errors: "coerce" }).at(0), null);
  assert.equal((frame.toDatetime([1.5], { unit: "D" }).at(0) as Date).toISOString(), "1970-01-02T12:00:00.000Z");
});

test(".str works on a readCsv column and a Series of only missing values", () => {
  const df = frame.parseCsv("name,when\nAnn Lee,2024-01-05 10:30\nbob ray,2024-02-29 23:15\n,\n");
  assert.deepEqual(df.col("name").str.upper().toArray(), ["ANN LEE", "BOB RAY", null]);
  assert.deepEqual(df.col("when").dt.month.toArray().map((v) => (Number.isNaN(v) ? null : v)), [1, 2, null]);
  const none = new frame.Series([null, null], "x");
  assert.deepEqual(none.str.len().toArray().map((v) => Number.isNaN(v)), [true, true]);
});
