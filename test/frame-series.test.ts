// frame Series verbs against pandas 1.5 (fixtures from tools/gen_series_fixtures.py): arithmetic,
// comparisons, shift/diff/pctChange, running totals, rank, where/mask/map/astype, reductions and
// corr, on columns with missing values and on an empty Series; plus df.isna().sum().
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { frame } from "../src/index.js";
import { compare, compareCellsOf } from "../src/frame/elementwise.js";
import { rank, rankCells } from "../src/frame/sequential.js";

type Series = frame.Series;
const root = new URL("..", import.meta.url).pathname;
const fx = JSON.parse(readFileSync(join(root, "test/fixtures/frame/series.json"), "utf8"));
const cases = fx.cases as Record<string, unknown>;

/** The fixture's inputs as Series: numbers with null → NaN, text with null → missing, e empty float64. */
function input(name: string): Series {
  const v = fx.inputs[name] as unknown[];
  if (name === "e") return new frame.Series(new Float64Array(0), name);
  if (name === "s") return new frame.Series(v, name);
  return new frame.Series(v.map((x) => (x === null ? NaN : x)), name);
}
const [a, b, i, j, s, r, e] = ["a", "b", "i", "j", "s", "r", "e"].map(input);

/** Our cell as the fixture writes it: missing → null, ±Infinity → "inf"/"-inf". */
function norm(v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return null;
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
}
function same(actual: unknown, expected: unknown, msg: string): void {
  const x = norm(actual);
  if (typeof x === "number" && typeof expected === "number") {
    assert.ok(Math.abs(x - expected) <= 1e-12 + 1e-12 * Math.abs(expected), `${msg}: got ${x}, pandas ${expected}`);
  } else assert.deepEqual(x, expected, msg);
}
const KINDS: Record<string, string[]> = { i: ["int32"], f: ["float64", "float32"], b: ["bool"], O: ["string", "object", "float64"] };

/** Asserts a result equals pandas' case `key`: a Series (values and dtype kind), a list or a scalar. */
function check(key: string, got: unknown): void {
  assert.ok(key in cases, `no pandas case "${key}"`);
  const want = cases[key];
  if (got instanceof frame.Series) {
    const w = want as { values: unknown[]; kind: string };
    assert.equal(got.length, w.values.length, `${key}: length`);
    got.toArray().forEach((v, k) => same(v, w.values[k], `${key}[${k}]`));
    if (got.length) assert.ok(KINDS[w.kind].includes(got.dtype), `${key}: dtype ${got.dtype}, pandas kind ${w.kind}`);
  } else if (Array.isArray(got)) {
    const w = Array.isArray(want) ? want : (want as { values: unknown[] }).values; // a list, or a NumPy array (unique)
    assert.equal(got.length, w.length, `${key}: length`);
    got.forEach((v, k) => same(v, w[k], `${key}[${k}]`));
  } else same(got, want, key);
}

test("Series arithmetic: add sub mul div pow mod with Series (by position) and scalars, as pandas", () => {
  for (const op of ["add", "sub", "mul", "div", "pow", "mod"] as const) {
    check(`a.${op}(b)`, a[op](b));
    check(`i.${op}(j)`, i[op](j));
    check(`a.${op}(2)`, a[op](2));
    check(`i.${op}(3)`, i[op](3));
    check(`a.${op}(i)`, a[op](i));
    check(`e.${op}(2)`, e[op](2));
  }
  check("a.pow(0.5)", a.pow(0.5));
  check("a.mod(-3)", a.mod(-3));
  check("i.mod(0)", i.mod(0));
  check("i.mod(-4)", i.mod(-4));
  check("i.div(0)", i.div(0));
  check("s.add(s)", s.add(s));
  check('s.add("!")', s.add("!"));
  assert.equal(i.add(j).dtype, "int32");
  assert.equal(i.div(j).dtype, "float64");
});

test("Series arithmetic: errors name the op and what they got", () => {
  assert.throws(() => a.add(new frame.Series([1, 2])), (err: unknown) => err instanceof ds.ShapeError && /add/.test(String(err)) && /2 values for 10/.test(String(err)));
  assert.throws(() => s.mul(2), (err: unknown) => err instanceof ds.ArgumentError && /mul/.test(String(err)) && /text/.test(String(err)));
  assert.throws(() => a.sub("x" as unknown as number), (err: unknown) => err instanceof ds.ArgumentError && /expected a number or a Series/.test(String(err)));
  assert.throws(() => s.add(a), (err: unknown) => err instanceof ds.ArgumentError && /add/.test(String(err)));
});

test("Series comparisons give bool Series (missing compares false, ne true) that filter rows", () => {
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    check(`a.${op}(b)`, a[op](b));
    check(`a.${op}(2.5)`, a[op](2.5));
    check(`i.${op}(j)`, i[op](j));
    check(`e.${op}(1)`, e[op](1));
  }
  check('s.eq("a")', s.eq("a"));
  check('s.ne("a")', s.ne("a"));
  const df = new frame.DataFrame({ a: a.values, i: i.values });
  assert.deepEqual(df.filter(df.col("a").gt(df.col("i"))).col("a").toArray(), [4, 0, 7]); // 4 > 1, 0 > -5, 7 > 5
  assert.throws(() => s.gt(1), (err: unknown) => err instanceof ds.ArgumentError && /gt/.test(String(err)) && /cannot order/.test(String(err)));
});

test("abs, round (halves to even, as NumPy), clip", () => {
  check("a.abs()", a.abs());
  check("i.abs()", i.abs());
  check("r.round()", r.round());
  check("r.round(2)", r.round(2));
  check("r.round(-1)", r.round(-1));
  check("a.clip(-1, 3)", a.clip(-1, 3));
  check("a.clip(null, 2)", a.clip(null, 2));
  check("i.clip(0, 4)", i.clip(0, 4));
  assert.throws(() => a.clip(3, 1), (err: unknown) => err instanceof ds.ArgumentError && /clip/.test(String(err)));
});

test("shift, diff, pctChange (pandas 1.5 pads missing values first), on an empty Series too", () => {
  for (const p of [1, 2, -1]) {
    check(`a.shift(${p})`, a.shift(p));
    check(`a.diff(${p})`, a.diff(p));
    check(`a.pctChange(${p})`, a.pctChange(p));
  }
  check("i.shift(1)", i.shift(1));
  check("i.shift(2, 0)", i.shift(2, 0));
  check("s.shift(1)", s.shift(1));
  check("i.diff(1)", i.diff(1));
  check("a.pctChange(1, null)", a.pctChange(1, { fillMethod: null }));
  check("b.pctChange(1)", b.pctChange(1));
  check("e.shift(1)", e.shift(1));
  check("e.diff(1)", e.diff(1));
  check("e.pctChange(1)", e.pctChange(1));
  assert.throws(() => a.shift(1.5), (err: unknown) => err instanceof ds.ArgumentError && /shift/.test(String(err)));
  assert.throws(() => a.pctChange(1, { fill: null } as never), (err: unknown) => err instanceof ds.ArgumentError && /fill/.test(String(err)));
});

test("cumsum cumprod cummax cummin skip missing values (skipna false: missing from the first on)", () => {
  for (const op of ["cumsum", "cumprod", "cummax", "cummin"] as const) {
    check(`a.${op}()`, a[op]());
    check(`a.${op}(false)`, a[op](false));
    check(`i.${op}()`, i[op]());
    check(`e.${op}()`, e[op]());
  }
});

test("rank: average, min, max, first, dense; descending; naOption; pct; text", () => {
  for (const method of ["average", "min", "max", "first", "dense"] as const) {
    check(`a.rank(${method})`, a.rank({ method }));
    check(`a.rank(${method}, desc)`, a.rank({ method, ascending: false }));
    check(`s.rank(${method})`, s.rank({ method }));
  }
  check("a.rank(average, top)", a.rank({ naOption: "top" }));
  check("a.rank(min, bottom)", a.rank({ method: "min", naOption: "bottom" }));
  check("a.rank(average, pct)", a.rank({ pct: true }));
  check("a.rank(dense, pct)", a.rank({ method: "dense", pct: true }));
  check("e.rank()", e.rank());
  assert.throws(() => a.rank({ method: "mean" as never }), (err: unknown) => err instanceof ds.ArgumentError && /rank/.test(String(err)));
});

test("isna, notna, fillna, interpolate, ffill, bfill, between, isin, where, mask, map, apply, astype", () => {
  check("a.isna()", a.isna());
  check("s.notna()", s.notna());
  check("a.fillna(0)", a.fillna(0));
  check('s.fillna("z")', s.fillna("z"));
  const g = input("g");
  for (const d of ["forward", "backward", "both"] as const) check(`g.interpolate(${d})`, g.interpolate({ limitDirection: d }));
  check("i.interpolate()", i.interpolate());
  check("e.interpolate()", e.interpolate());
  assert.throws(() => g.interpolate({ method: "cubic" } as never), (err: unknown) => err instanceof ds.ArgumentError && /interpolate/.test(String(err)) && /method/.test(String(err)));
  check("a.ffill()", a.ffill());
  check("a.bfill()", a.bfill());
  check("a.between(0, 2.5)", a.between(0, 2.5));
  check("a.between(0, 2.5, neither)", a.between(0, 2.5, "neither"));
  check("i.between(1, 4, left)", i.between(1, 4, "left"));
  check("a.isin([2.5, 4, NaN])", a.isin([2.5, 4, NaN]));
  check('s.isin(["a", "d"])', s.isin(["a", "d"]));
  check("a.where(a.gt(0))", a.where(a.gt(0)));
  check("a.where(a.gt(0), -1)", a.where(a.gt(0), -1));
  check("i.where(i.gt(2), 0)", i.where((x) => x.gt(2), 0));
  check("i.where(i.gt(2))", i.where(i.gt(2)));
  check("a.mask(a.gt(0))", a.mask(a.gt(0)));
  check('s.mask(s.eq("a"), "A")', s.mask(s.eq("a"), "A"));
  check("s.map({a: 1, b: 2})", s.map({ a: 1, b: 2 }));
  check("s.map({a: 1, b: 2})", s.map(new Map([["a", 1], ["b", 2]])));
  check("i.apply(x => x * x)", i.apply((x) => (x as number) * (x as number)));
  check("i.astype(float64)", i.astype("float64"));
  check("a.fillna(0).astype(int32)", a.fillna(0).astype("int32"));
  check("a.astype(string)", a.astype("string"));
  check("i.astype(string)", i.astype("string"));
  check("a.astype(bool)", a.astype("bool"));
  check("pd.Series(['1.5', ' 2', '-3']).astype(float64)", new frame.Series(["1.5", " 2", "-3"]).astype("float64"));
  assert.throws(() => a.astype("int32"), (err: unknown) => err instanceof ds.ArgumentError && /astype/.test(String(err)) && /missing/.test(String(err)));
  assert.throws(() => s.astype("float64"), (err: unknown) => err instanceof ds.ArgumentError && /"b" in row 0/.test(String(err)));
  assert.throws(() => a.astype("int64" as never), (err: unknown) => err instanceof ds.ArgumentError && /int64/.test(String(err)));
  assert.throws(() => a.where([true]), (err: unknown) => err instanceof ds.ShapeError && /where/.test(String(err)));
});

test("unique (missing once), nunique, idxmax/idxmin, quantile (lists, interpolation), corr, empty reductions", () => {
  check("a.unique()", a.unique());
  check("s.unique()", s.unique());
  check("a.nunique()", a.nunique());
  check("a.nunique(false)", a.nunique(false));
  check("s.nunique()", s.nunique());
  check("e.nunique()", e.nunique());
  check("a.idxmax()", a.idxmax());
  check("a.idxmin()", a.idxmin());
  check("a.idxmax(false)", a.idxmax(false));
  check("i.idxmax()", i.idxmax());
  check("all_nan.idxmax()", new frame.Series([NaN, NaN]).idxmax());
  assert.throws(() => e.idxmax(), (err: unknown) => err instanceof ds.ArgumentError && /idxmax/.test(String(err)) && /empty/.test(String(err)));
  for (const q of [0, 0.1, 0.25, 0.5, 0.9, 1]) check(`a.quantile(${q})`, a.quantile(q));
  for (const interp of ["lower", "higher", "midpoint", "nearest"] as const) check(`a.quantile([0.1, 0.4, 0.5, 0.75], ${interp})`, a.quantile([0.1, 0.4, 0.5, 0.75], interp));
  check("e.quantile(0.5)", e.quantile(0.5));
  for (const method of ["pearson", "spearman", "kendall"] as const) {
    check(`a.corr(b, ${method})`, a.corr(b, method));
    check(`i.corr(j, ${method})`, i.corr(j, method));
    check(`a.corr(i, ${method})`, a.corr(i, method));
  }
  check("e.corr(e)", e.corr(e));
  check("e.sum()", e.sum());
  check("e.mean()", e.mean());
  assert.throws(() => a.corr(new frame.Series([1])), (err: unknown) => err instanceof ds.ShapeError && /corr/.test(String(err)));
});

test("df.isna() is a bool DataFrame whose sum() counts missing values per column", () => {
  const df = new frame.DataFrame({ a: a.values, i: i.values, s: s.values, b: b.values });
  const na = df.isna();
  assert.deepEqual(na.columns, ["a", "i", "s", "b"]);
  assert.deepEqual(Object.values(na.dtypes), ["bool", "bool", "bool", "bool"]);
  assert.deepEqual({ ...na.sum() }, cases["df.isna().sum()"]);
  assert.deepEqual({ ...df.notna().sum() }, cases["df.notna().sum()"]);
  // sum() of a frame takes its numeric and bool columns, as pandas' numeric_only=True
  assert.deepEqual(Object.keys(df.sum()), ["a", "i", "b"]);
  same(df.sum().a, 12, "df.sum().a"); // 1.5 - 2 + 4 + 0 + 2.5 - 3.5 + 7 + 2.5
  const odd = new frame.DataFrame({ ["__proto__"]: [1, null, 3], constructor: [true, false, true] } as never);
  assert.deepEqual(Object.entries(odd.isna().sum()), [["__proto__", 1], ["constructor", 0]]);
  assert.deepEqual(Object.entries(odd.sum()), [["__proto__", 4], ["constructor", 2]]);
});

test("dates compare with a Date (missing false); bool Series any/all; a bool Series filters a frame", () => {
  const d = new frame.Series([new Date("2024-01-01"), null, new Date("2024-03-01"), new Date("2024-02-01")], "d");
  assert.deepEqual(d.ge(new Date("2024-02-01")).toArray(), [false, false, true, true]);
  assert.deepEqual(d.between(new Date("2024-01-01"), new Date("2024-02-01")).toArray(), [true, false, false, true]);
  assert.deepEqual(d.isna().toArray(), [false, true, false, false]);
  assert.equal(a.gt(6).any(), true); // 7
  assert.equal(a.gt(7).any(), false);
  assert.equal(a.notna().all(), false);
  assert.equal(i.ne(0).all(), true);
  const df = new frame.DataFrame({ d: d.values, n: [1, 2, 3, 4] });
  assert.deepEqual(df.filter(df.col("d").lt(new Date("2024-02-15"))).col("n").toArray(), [1, 4]);
});

test("fast paths equal their references: numeric compare vs compareCellsOf, numeric rank vs rankCells", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  // few distinct values so ties are common; NaN, -0 and ±Infinity included
  const pool = [NaN, -0, 0, 1, -1, 2.5, Infinity, -Infinity, 3, 3];
  const x = Float64Array.from({ length: 400 }, () => pool[Math.floor(rnd() * pool.length)]);
  const y = Float64Array.from({ length: 400 }, () => pool[Math.floor(rnd() * pool.length)]);
  const xi = Int32Array.from({ length: 400 }, () => Math.floor(rnd() * 7) - 3);
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    assert.deepEqual(compare(op, "x", x, { column: y }), compareCellsOf(op, "x", x, { column: y }), `${op} column`);
    assert.deepEqual(compare(op, "x", x, { scalar: 0 }), compareCellsOf(op, "x", x, { scalar: 0 }), `${op} scalar`);
    assert.deepEqual(compare(op, "x", xi, { column: x }), compareCellsOf(op, "x", xi, { column: x }), `${op} int32`);
  }
  for (const method of ["average", "min", "max", "first", "dense"] as const) {
    for (const naOption of ["keep", "top", "bottom"] as const) {
      for (const ascending of [true, false]) {
        for (const pct of [false, true]) {
          const opts = { method, naOption, ascending, pct };
          const msg = JSON.stringify(opts);
          assert.deepEqual(rank(x, opts), rankCells(x, opts), msg);
          assert.deepEqual(rank(xi, opts), rankCells(xi, opts), `${msg} int32`);
        }
      }
    }
  }
  assert.deepEqual(rank(new Float64Array(0), {}), rankCells(new Float64Array(0), {}));
});
