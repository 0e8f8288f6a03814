// frame: CSV edge cases from real files, malformed files, and results equal to pandas' (fixtures
// from tools/gen_frame_fixtures.py) for describe, groupBy/agg, merge, rolling, resample, pivot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { frame } from "../src/index.js";

const root = new URL("..", import.meta.url).pathname;
const csvDir = join(root, "test/fixtures/csv");
const fx = JSON.parse(readFileSync(join(root, "test/fixtures/frame/pandas.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "ds-frame-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

interface PdFrame { columns: string[]; dtypes: Record<string, string>; data: Record<string, unknown[]> }

/** A cell as the fixture writes it: null for missing, dates as pandas prints them. */
function norm(v: unknown): unknown {
  if (v === undefined || v === null || (typeof v === "number" && Number.isNaN(v))) return null;
  if (v instanceof Date) {
    const iso = v.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  return v;
}

function close(a: unknown, e: unknown, msg: string, rtol = 1e-9): void {
  if (typeof e === "number" && typeof a === "number") {
    assert.ok(Math.abs(a - e) <= 1e-9 + rtol * Math.abs(e), `${msg}: got ${a}, pandas ${e}`);
  } else assert.deepEqual(a, e, msg);
}

/** Asserts a frame equals pandas' column by column (numbers to 1e-9 relative). */
function assertFrame(df: frame.DataFrame, pd: PdFrame, msg: string, opts: { dateOnly?: string[] } = {}): void {
  assert.deepEqual(df.columns, pd.columns, `${msg}: columns`);
  assert.equal(df.length, pd.data[pd.columns[0]].length, `${msg}: rows`);
  for (const c of pd.columns) {
    const ours = df.col(c).toArray().map(norm), theirs = pd.data[c];
    theirs.forEach((e, i) => close(ours[i], e, `${msg}: ${c}[${i}]`));
  }
}

const sales = () => frame.readCsv(join(root, "test/fixtures/frame/sales.csv"));
const regions = () => frame.readCsv(join(root, "test/fixtures/frame/regions.csv"));

test("readCsv: edge-case files read as pandas reads them (quotes, newlines, BOM, CRLF, missing, mixed types)", () => {
  for (const [name, pd] of Object.entries(fx.csv as Record<string, PdFrame>)) {
    const opts = name === "semicolon.csv" ? { delimiter: ";" } : name.endsWith(".tsv") ? { delimiter: "\t" } : {};
    const df = frame.readCsv(join(csvDir, name), opts);
    assert.deepEqual(df.columns, pd.columns, `${name}: columns`);
    for (const c of pd.columns) {
      const ours = df.col(c).toArray(), theirs = pd.data[c];
      assert.equal(ours.length, theirs.length, `${name}.${c}: rows`);
      theirs.forEach((e, i) => {
        const a = ours[i];
        if (a instanceof Date) assert.equal(a.toISOString().slice(0, String(e).length).replace("T", " "), e, `${name}.${c}[${i}]`);
        else close(norm(a), e, `${name}.${c}[${i}]`);
      });
    }
  }
});

test("readCsv: inferred dtypes and the exact values of tricky fields", () => {
  const q = frame.readCsv(join(csvDir, "quoted.csv"));
  assert.deepEqual(q.dtypes, { id: "int32", name: "string", comment: "string", amount: "float64" });
  assert.equal(q.col("name").at(0), "Smith, John");
  assert.equal(q.col("comment").at(0), 'said "hello"');
  assert.equal(q.col("comment").at(1), "line one\nline two");
  assert.equal(q.col("comment").at(3), null, 'a quoted empty field "" is missing, as in pandas');
  assert.equal(q.col("name").at(4), "Ünïcødé ✓");
  assert.equal(q.col("amount").at(4), 1000);

  const b = frame.readCsv(join(csvDir, "bom_crlf.csv"));
  assert.deepEqual(b.columns, ["city", "temp", "rain"], "BOM stripped from the first name");
  assert.deepEqual(b.col("rain").toArray(), [true, false, true]);
  assert.equal(b.col("city").at(2), "Trondheim", "no stray \\r");

  const m = frame.readCsv(join(csvDir, "missing.csv"));
  assert.deepEqual(m.dtypes, { a: "float64", b: "string", c: "float64", d: "bool" });
  assert.deepEqual(m.col("d").toArray(), [true, false, null, true, false, null], "short last row filled with missing");
  assert.equal(m.col("a").count(), 4);
  assert.deepEqual(frame.readCsv(join(csvDir, "missing.csv"), { keepDefaultNa: false }).col("b").toArray(), ["x", "NA", "n/a", "null", "y", "z"]);

  const x = frame.readCsv(join(csvDir, "mixed.csv"));
  assert.deepEqual(x.dtypes, { int_col: "int32", float_col: "float64", mixed: "string", big: "float64", sci: "float64", neg: "float64", text_nums: "string", flag: "string" });
  assert.deepEqual(x.col("mixed").toArray(), ["10", "abc", "3.5", null], "a mixed column stays text, as pandas' object column");
  assert.deepEqual(x.col("text_nums").toArray(), ["007", "010", "100", "x1"]);

  const d = frame.readCsv(join(csvDir, "dates.csv"));
  assert.deepEqual(d.dtypes, { day: "datetime", stamp: "datetime", value: "float64" });
  assert.equal((d.col("stamp").at(1) as Date).toISOString(), "2024-01-31T23:59:59.000Z");
  assert.equal(frame.readCsv(join(csvDir, "dates.csv"), { parseDates: false }).dtypes.day, "string");
  assert.equal(frame.readCsv(join(csvDir, "dates.csv"), { parseDates: ["day"] }).dtypes.stamp, "string");

  assert.deepEqual(frame.readCsv(join(csvDir, "header_dupes.csv")).columns, ["x", "x.1", "Unnamed: 2", "y"]);
  const t = frame.readCsv(join(csvDir, "tabs.tsv"), { delimiter: "\t" });
  assert.deepEqual(t.col("name").toArray(), ["ann", "bob", "cid"], "blank line skipped");
});

test("readCsv: options (names, header, usecols, nrows, skipRows, comment, dtype, naValues)", () => {
  const text = "# a comment\nx,y,z\n1,2,3\n4,5,6\n7,8,9\n";
  assert.deepEqual(frame.parseCsv(text, { comment: "#" }).shape, [3, 3]);
  assert.deepEqual(frame.parseCsv(text, { skipRows: 1, usecols: ["z", "x"] }).toRecords(), [{ z: 3, x: 1 }, { z: 6, x: 4 }, { z: 9, x: 7 }]);
  assert.equal(frame.parseCsv(text, { skipRows: 1, nrows: 2 }).length, 2);
  const noHeader = frame.parseCsv("1,2\n3,4\n", { header: false, names: ["a", "b"] });
  assert.deepEqual(noHeader.toRecords(), [{ a: 1, b: 2 }, { a: 3, b: 4 }]);
  assert.deepEqual(frame.parseCsv("1,2\n", { header: false }).columns, ["0", "1"]);
  const forced = frame.parseCsv("a,b\n1,-\n2,x\n", { dtype: { a: "float64" }, naValues: ["-"] });
  assert.deepEqual(forced.dtypes, { a: "float64", b: "string" });
  assert.equal(forced.col("b").at(0), null);
  assert.deepEqual(frame.parseCsv("a\n").shape, [0, 1], "header only");
  assert.deepEqual(frame.parseCsv("").shape, [0, 0], "empty text");
  assert.equal(frame.parseCsv("a,b\n1,2").length, 1, "no final newline");
});

test("readCsv: malformed files give a FileError naming the file and line", () => {
  const cases: [string, RegExp][] = [
    ["malformed_fields.csv", /malformed_fields\.csv: line 4: expected 3 fields, saw 4/],
    ["malformed_quote.csv", /malformed_quote\.csv: line 3: unterminated quoted field/],
    ["malformed_after_quote.csv", /malformed_after_quote\.csv: line 3: unexpected character 'x' after a closing quote/],
  ];
  for (const [name, pattern] of cases) {
    const path = join(csvDir, name);
    assert.throws(() => frame.readCsv(path), (e: unknown) => {
      assert.ok(e instanceof ds.FileError, String(e));
      assert.equal(e.path, path);
      assert.match(e.message, pattern);
      return true;
    });
  }
  assert.throws(() => frame.readCsv(join(dir, "nope.csv")), /nope\.csv: no such file/);
  assert.throws(() => frame.parseCsv("a\nx\n", { dtype: { a: "float64" } }), /<text>: line 2: column "a": "x" is not a valid float64/);
  // a line count that includes the line breaks inside quoted fields
  assert.throws(() => frame.parseCsv('a,b\n1,"two\nlines"\n3,4,5\n'), /line 4: expected 2 fields, saw 3/);
});

test("readCsvChunks streams a file in chunks that add up to the whole", async () => {
  const path = join(dir, "stream.csv");
  const lines = ["k,v,note"];
  for (let i = 0; i < 5000; i++) lines.push(`${i % 7},${i * 0.5},"row ${i}${i % 1000 === 0 ? "\nwith a break" : ""}"`);
  writeFileSync(path, lines.join("\r\n") + "\r\n");
  const whole = frame.readCsv(path);
  const sizes: number[] = [];
  let sum = 0;
  const notes: unknown[] = [];
  for await (const chunk of frame.readCsvChunks(path, { chunkSize: 1200 })) {
    sizes.push(chunk.length);
    sum += chunk.col("v").sum();
    notes.push(...chunk.col("note").toArray());
  }
  assert.deepEqual(sizes, [1200, 1200, 1200, 1200, 200]);
  assert.equal(sum, whole.col("v").sum());
  assert.deepEqual(notes, whole.col("note").toArray());
  const limited: number[] = [];
  for await (const chunk of frame.readCsvChunks(path, { chunkSize: 1000, nrows: 2500 })) limited.push(chunk.length);
  assert.deepEqual(limited, [1000, 1000, 500]);
});

test("toCsv round-trips through readCsv (quotes, newlines, missing, dates, bools)", () => {
  const df = frame.readCsv(join(csvDir, "quoted.csv"));
  const back = frame.parseCsv(df.toCsv());
  assert.deepEqual(back.toRecords(), df.toRecords());
  const s = sales();
  const path = join(dir, "sub", "sales.csv");
  s.toCsv(path);
  const again = frame.readCsv(path);
  assert.deepEqual(again.dtypes, s.dtypes);
  assert.deepEqual(again.toRecords(), s.toRecords());
  assert.equal(readFileSync(join(root, "test/fixtures/frame/sales.csv"), "utf8"), s.toCsv(), "the same bytes pandas wrote");
});

test("describe equals pandas", () => {
  const d = sales().describe();
  const pd = fx.describe as PdFrame;
  assert.deepEqual(d.columns, ["stat", "units", "price"]);
  assert.deepEqual(d.col("stat").toArray(), pd.data.index);
  for (const c of ["units", "price"]) d.col(c).toArray().forEach((v, i) => close(v, pd.data[c][i], `describe ${c}[${i}]`));
});

test("groupBy + aggregations equal pandas", () => {
  const s = sales();
  const aggs: frame.AggName[] = ["sum", "mean", "count", "min", "max", "std", "var", "median", "first", "last", "nunique"];
  assertFrame(s.groupBy("region").agg({ units: aggs, price: aggs }), fx.groupby_region, "groupby region");
  assertFrame(s.select(["region", "product", "units", "price"]).groupBy(["region", "product"]).mean(), fx.groupby_region_product_mean, "groupby region+product mean");
  assertFrame(s.groupBy("product").size(), fx.groupby_product_size, "size");
  assertFrame(s.groupBy("region").agg({ product: ["min", "max", "count", "nunique"] }), fx.groupby_region_text, "text aggregations");
  // mean() takes the numeric columns only; count() every column
  assert.deepEqual(s.groupBy("region").mean().columns, ["region", "units", "price", "promo"]);
  assert.deepEqual(s.groupBy("region").count().columns, ["region", "date", "product", "units", "price", "promo"]);
  assert.equal(s.groupBy("region").ngroups, 4, "missing keys dropped");
  assert.equal(s.groupBy("region", { dropna: false }).ngroups, 5);
  const custom = s.groupBy("product").agg({ units: (v) => Math.max(...(v as number[])) - Math.min(...(v as number[])) });
  assert.equal(custom.length, 3);
  assert.throws(() => s.groupBy("region").agg({ product: "mean" }), /cannot take the mean of column "product": it holds text/);
  assert.throws(() => s.groupBy("nope"), /no column "nope"; columns are "date", "region"/);
});

/** Rows of a frame as sorted JSON lines (for joins whose row order pandas versions disagree on). */
function canon(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])))).sort();
}

test("merge equals pandas (inner, left, right, outer, suffixes, leftOn/rightOn)", () => {
  const small = sales().head(30), r = regions();
  assertFrame(small.merge(r, { on: "region", how: "left" }), fx.merge_left, "left");
  assertFrame(small.merge(r, { on: "region", how: "right" }), fx.merge_right, "right");
  assertFrame(small.merge(r, { how: "left", on: "region" }).select(fx.merge_left.columns), fx.merge_left, "left (select)");
  for (const how of ["inner", "outer"] as const) {
    const ours = small.merge(r, { on: "region", how });
    const pd = fx[`merge_${how}`] as PdFrame;
    assert.deepEqual(ours.columns, pd.columns);
    const theirs = pd.data[pd.columns[0]].map((_, i) => Object.fromEntries(pd.columns.map((c) => [c, pd.data[c][i]])));
    assert.deepEqual(canon(ours.toRecords()), canon(theirs), how);
  }
  // pandas 2 order: inner keeps the left rows' order, outer sorts by key
  const inner = small.merge(r, { on: "region" });
  assert.deepEqual(inner.col("date").toArray(), small.filter((row) => ["north", "south", "east"].includes(row.region as string)).col("date").toArray());
  const outerKeys = small.merge(r, { on: "region", how: "outer" }).col("region").toArray();
  assert.deepEqual(outerKeys, [...outerKeys].sort((a, b) => (a === null ? 1 : b === null ? -1 : (a as string) < (b as string) ? -1 : 1)));
  const clash = r.rename({ target: "units" });
  assertFrame(small.merge(clash, { on: "region", how: "left" }), fx.merge_suffixes, "suffixes");
  const lo = small.merge(r.rename({ region: "area" }), { leftOn: "region", rightOn: "area", how: "inner" });
  const pdLo = fx.merge_lefton as PdFrame;
  assert.deepEqual(lo.columns, pdLo.columns);
  assert.deepEqual(canon(lo.toRecords()), canon(pdLo.data.date.map((_, i) => Object.fromEntries(pdLo.columns.map((c) => [c, pdLo.data[c][i]])))), "leftOn/rightOn");
  assert.throws(() => small.merge(new frame.DataFrame({ q: [1] })), /share no column/);
});

test("rolling windows equal pandas", () => {
  const price = sales().col("price");
  const roll = fx.rolling as Record<string, (number | null)[]>;
  const check = (s: frame.Series, key: string) => s.toArray().map(norm).forEach((v, i) => close(v, roll[key][i], `${key}[${i}]`, 1e-8));
  for (const stat of ["mean", "sum", "std", "var", "min", "max", "median", "count"] as const) check(price.rolling(5)[stat](), `w5_${stat}`);
  check(price.rolling(3, { minPeriods: 1 }).mean(), "w3_minp1_mean");
  check(price.rolling(4, { center: true }).mean(), "w4_center_mean");
  check(price.rolling(7, { center: true, minPeriods: 2 }).sum(), "w7_center_sum");
  const byFrame = sales().select(["units", "price"]).rolling(5).mean();
  byFrame.col("price").toArray().map(norm).forEach((v, i) => close(v, roll.w5_mean[i], `frame rolling [${i}]`, 1e-8));
  assert.throws(() => price.rolling(0), /window must be a positive integer/);
});

test("resample equals pandas (D, 6H, W, M, MS)", () => {
  const s = sales().select(["date", "units", "price"]);
  const res = fx.resample as Record<string, PdFrame>;
  assertFrame(s.resample("D", { on: "date" }).sum(), res.D_sum, "D sum");
  assertFrame(s.resample("D", { on: "date" }).mean(), res.D_mean, "D mean");
  assertFrame(s.resample("6H", { on: "date" }).count(), res["6H_count"], "6H count");
  assertFrame(s.resample("W", { on: "date" }).sum(), res.W_sum, "W sum");
  assertFrame(s.resample("M", { on: "date" }).mean(), res.M_mean, "M mean");
  assertFrame(s.resample("MS").max(), res.MS_max, "MS max (date column found by itself)");
  assert.throws(() => s.resample("fortnight"), /unknown rule "fortnight"/);
  assert.throws(() => s.resample("D", { on: "units" }), /column "units" holds int32, not dates/);
});

test("valueCounts and pivotTable equal pandas", () => {
  const s = sales();
  const vc = s.valueCounts("region");
  assert.deepEqual(Object.fromEntries(vc.toRecords().map((r) => [r.region, r.count])), fx.value_counts_region);
  assert.deepEqual(vc.col("count").toArray(), [...vc.col("count").toArray()].sort((a, b) => (b as number) - (a as number)));
  const p = s.pivotTable({ index: "region", columns: "product", values: "units", aggfunc: "sum" });
  assertFrame(p, fx.pivot_table, "pivot_table sum");
  const pm = s.pivotTable({ index: "product", columns: "promo", values: "price" });
  assertFrame(pm, fx.pivot_table_mean, "pivot_table mean");
  const prop = s.valueCounts("product", { normalize: true });
  close(prop.col("proportion").sum(), 1, "proportions sum to 1");
});

test("everyday verbs: select, filter, sort, assign, dropna, fillna, ffill, head/tail, concat, melt, dummies", () => {
  const df = new frame.DataFrame({ name: ["a", "b", "c", "d"], x: [3, null, 1, 2], y: [0.5, 1.5, NaN, 2.5] });
  assert.deepEqual(df.shape, [4, 3]);
  assert.deepEqual(df.dtypes, { name: "string", x: "float64", y: "float64" });
  assert.deepEqual(df.select(["y", "name"]).columns, ["y", "name"]);
  assert.deepEqual(df.drop("x").columns, ["name", "y"]);
  assert.deepEqual(df.filter((r) => (r.y as number) > 1).col("name").toArray(), ["b", "d"]);
  assert.deepEqual(df.filter(df.col("x").ge(2)).col("name").toArray(), ["a", "d"]);
  assert.deepEqual(df.sortValues("x").col("name").toArray(), ["c", "d", "a", "b"], "missing last");
  assert.deepEqual(df.sortValues("x", { ascending: false }).col("name").toArray(), ["a", "d", "c", "b"], "missing last when descending too");
  assert.deepEqual(df.sortValues(["name"], { ascending: false }).col("name").toArray(), ["d", "c", "b", "a"]);
  const a = df.assign({ z: (r) => (r.y as number) * 2, k: 1, w: [1, 2, 3, 4] });
  assert.deepEqual(a.columns, ["name", "x", "y", "z", "k", "w"]);
  assert.deepEqual(a.col("z").toArray(), [1, 3, NaN, 5]);
  assert.deepEqual(df.dropna().col("name").toArray(), ["a", "d"]);
  assert.deepEqual(df.dropna({ subset: ["x"] }).length, 3);
  assert.deepEqual(df.fillna(0).col("x").toArray(), [3, 0, 1, 2]);
  assert.deepEqual(df.fillna({ y: -1 }).col("y").toArray(), [0.5, 1.5, -1, 2.5]);
  assert.deepEqual(df.ffill().col("x").toArray(), [3, 3, 1, 2]);
  assert.deepEqual(df.bfill().col("y").toArray(), [0.5, 1.5, 2.5, 2.5]);
  assert.deepEqual(df.head(2).col("name").toArray(), ["a", "b"]);
  assert.deepEqual(df.tail(2).col("name").toArray(), ["c", "d"]);
  assert.deepEqual(frame.concat([df.head(1), new frame.DataFrame({ name: ["e"], q: [true] })]).toRecords(), [
    { name: "a", x: 3, y: 0.5, q: null },
    { name: "e", x: NaN, y: NaN, q: true },
  ]);
  assert.equal(df.melt({ idVars: ["name"] }).length, 8);
  assert.deepEqual(new frame.DataFrame({ c: ["r", "g", "r"] }).getDummies().toRecords(), [{ c_g: 0, c_r: 1 }, { c_g: 1, c_r: 0 }, { c_g: 0, c_r: 1 }]);
  assert.deepEqual(new frame.DataFrame([{ a: 1, b: "x" }, { a: 2 }]).toRecords(), [{ a: 1, b: "x" }, { a: 2, b: null }]);
  assert.throws(() => new frame.DataFrame({ a: [1, 2], b: [1] }), /columns differ in length: "a" has 2 rows, "b" has 1/);
  assert.throws(() => df.col("nope"), /no column "nope"/);
  assert.equal(df.col("y").mean(), 1.5);
  assert.equal(df.col("x").std(), 1);
  assert.equal(df.col("name").nunique(), 4);
});

test("printing looks like pandas", () => {
  const df = new frame.DataFrame({ a: [1, 2, 3], b: [1.5, NaN, 2.25], c: ["x", null, "zz"] });
  assert.equal(df.toString(), ["   a     b    c", "0  1  1.50    x", "1  2   NaN  NaN", "2  3  2.25   zz"].join("\n"));
  const long = new frame.DataFrame({ v: Array.from({ length: 100 }, (_, i) => i) });
  const lines = long.toString().split("\n");
  assert.equal(lines.length, 1 + 5 + 1 + 5 + 2);
  assert.match(lines.at(-1)!, /\[100 rows x 1 columns\]/);
});

test("toTensor and fromTensor", () => {
  const df = frame.readCsv(join(csvDir, "bom_crlf.csv"));
  const t = df.toTensor(["temp", "rain"]);
  assert.deepEqual(t.shape, [3, 2]);
  assert.equal(t.dtype, "float32");
  assert.deepEqual(t.toArray(), [[-3.5, 1], [4.25, 0], [0, 1]]);
  const y = df.toTensor("rain", { dtype: "int32" });
  assert.deepEqual([y.dtype, y.toArray()], ["int32", [1, 0, 1]]);
  assert.throws(() => df.toTensor(["city"]), /column "city" holds text/);
  const back = frame.DataFrame.fromTensor(ds.tensor([[1, 2], [3, 4], [5, 6]]), ["p", "q"]);
  assert.deepEqual(back.toRecords(), [{ p: 1, q: 2 }, { p: 3, q: 4 }, { p: 5, q: 6 }]);
  assert.deepEqual(frame.DataFrame.fromTensor(ds.tensor([1, 2], { dtype: "int32" })).dtypes, { 0: "int32" });
  assert.deepEqual(frame.DataFrame.fromTensor(ds.tensor([true, false])).col("0").toArray(), [true, false]);
  assert.throws(() => frame.DataFrame.fromTensor(ds.zeros([2, 2, 2])), /1-D or 2-D/);
  // a frame → tensors → a model's inputs: iris-like
  const s = sales().dropna();
  const x = s.toTensor(["units", "price"]), labels = s.col("product").unique();
  assert.deepEqual(x.shape, [s.length, 2]);
  assert.equal(labels.length, 3);
});

test("readJson: records, columns, split and JSON Lines; errors name the line", () => {
  const recs = join(dir, "r.json");
  writeFileSync(recs, JSON.stringify([{ a: 1, d: "2024-01-01" }, { a: 2.5, d: "2024-01-02" }]));
  const r = frame.readJson(recs);
  assert.deepEqual(r.dtypes, { a: "float64", d: "datetime" });
  const cols = join(dir, "c.json");
  writeFileSync(cols, JSON.stringify({ a: { 0: 1, 1: 2 }, b: { 0: "x", 1: null } }));
  assert.deepEqual(frame.readJson(cols).toRecords(), [{ a: 1, b: "x" }, { a: 2, b: null }]);
  const split = join(dir, "s.json");
  writeFileSync(split, JSON.stringify({ columns: ["a", "b"], data: [[1, "x"], [2, "y"]] }));
  assert.deepEqual(frame.readJson(split).col("b").toArray(), ["x", "y"]);
  const lines = join(dir, "l.jsonl");
  writeFileSync(lines, '{"a": 1}\n{"a": 2}\n\n{"a": 3}\n');
  assert.deepEqual(frame.readJson(lines).col("a").toArray(), [1, 2, 3]);
  writeFileSync(lines, '{"a": 1}\n{"a": 2,}\n');
  assert.throws(() => frame.readJson(lines), /l\.jsonl: line 2: invalid JSON/);
  const bad = join(dir, "bad.json");
  writeFileSync(bad, '[\n{"a": 1},\n{"a": }\n]');
  assert.throws(() => frame.readJson(bad), /bad\.json: line 3: invalid JSON/);
});
