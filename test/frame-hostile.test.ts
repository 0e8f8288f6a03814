// frame's readers on hostile and unlucky files (issue 12): every rejection a FileError naming the file
// and the reason, tables bounded by the text they come from, wide and chunked reads linear, options checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { frame } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "ds-frame-hostile-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Asserts fn throws a FileError naming `path` whose message matches `pattern`. */
function throwsFile(fn: () => unknown, path: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ds.FileError, `expected a FileError, got ${String(e)}`);
    assert.equal(e.path, path);
    assert.match(e.message, pattern);
    return true;
  });
}

// ---- readJson ----

test("readJson: a split file whose data rows are not arrays is a FileError, not a TypeError", () => {
  const p = file("null-row.json", '{"columns":["a"],"data":[null]}');
  throwsFile(() => frame.readJson(p), p, /"data" row 0 is null; expected an array of 1 values/);
  const long = file("long-row.json", '{"columns":["a"],"data":[[1],[2,3]]}');
  throwsFile(() => frame.readJson(long), long, /"data" row 1 has 2 values for 1 columns/);
  const twice = file("twice.json", '{"columns":["a","a"],"data":[[1,2]]}');
  throwsFile(() => frame.readJson(twice), twice, /"columns" names "a" twice/);
  // short rows are padded with missing values, as pd.DataFrame pads them
  const short = file("short-row.json", '{"columns":["a","b"],"data":[[1,"x"],[2]]}');
  assert.deepEqual(frame.readJson(short).toRecords(), [{ a: 1, b: "x" }, { a: 2, b: null }]);
});

test("readJson: nesting is bounded before parsing (100,000-deep arrays are a FileError, not a RangeError)", () => {
  const deep = file("deep.json", "[".repeat(100_000) + "]".repeat(100_000));
  throwsFile(() => frame.readJson(deep), deep, /line 1: arrays and objects nested more than 64 deep \(the maxDepth option raises the limit\)/);
  // unbalanced: the error locator would recurse as deep
  const open = file("open.json", '[{"a":1},\n' + "[".repeat(100_000));
  throwsFile(() => frame.readJson(open), open, /line 2: arrays and objects nested more than 64 deep/);
  const lines = file("deep.jsonl", '{"a":1}\n{"a":' + "[".repeat(70) + "]".repeat(70) + "}\n");
  throwsFile(() => frame.readJson(lines), lines, /line 2: arrays and objects nested more than 64 deep/);
  // brackets inside strings do not count; values nested within the limit stay as they are
  const ok = file("ok.json", JSON.stringify([{ a: "[[[[[[[[[[", b: [[[1]]] }]));
  const df = frame.readJson(ok, { maxDepth: 5 });
  assert.deepEqual(df.toRecords(), [{ a: "[[[[[[[[[[", b: [[[1]]] }]);
  throwsFile(() => frame.readJson(ok, { maxDepth: 4 }), ok, /nested more than 4 deep/);
});

test("readJson: a column named __proto__ or constructor is a column like any other", () => {
  const cols = file("proto-cols.json", '{"__proto__":[1,2],"a":[3,4]}');
  const df = frame.readJson(cols);
  assert.deepEqual(df.columns, ["__proto__", "a"]);
  assert.deepEqual(Array.from(df.col("__proto__").values), [1, 2]);
  assert.deepEqual(Array.from(df.col("a").values), [3, 4]);
  // a record without the key has a missing value there, not Object.prototype or the Object function
  const recs = file("proto-recs.json", '[{"a":1},{"__proto__":5,"constructor":6,"a":2}]');
  const r = frame.readJson(recs);
  assert.deepEqual(r.columns, ["a", "__proto__", "constructor"]);
  assert.deepEqual(r.col("__proto__").toArray(), [NaN, 5]);
  assert.deepEqual(r.col("constructor").toArray(), [NaN, 6]);
  const dates = file("proto-dates.json", '{"__proto__":["2024-01-01","2024-01-02"]}');
  assert.equal(frame.readJson(dates).dtypes.__proto__, "datetime");
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test("readJson: records that share no keys cannot make a table far bigger than the file", () => {
  const text = JSON.stringify(Array.from({ length: 1500 }, (_, i) => ({ [`k${i}`]: i })));
  const p = file("sparse.json", text);
  const limit = 2 * text.length + 2 ** 20;
  throwsFile(() => frame.readJson(p), p, new RegExp(`1500 rows × 1500 columns, more than ${limit} cells \\(the maxCells option raises the limit\\)`));
  const df = frame.readJson(p, { maxCells: 1500 * 1500 });
  assert.deepEqual(df.shape, [1500, 1500]);
  assert.equal(df.col("k7").at(7), 7);
  assert.ok(Number.isNaN(df.col("k7").at(8) as number));
});

test("readJson: columns of different lengths, scalars and non-records name the problem", () => {
  const cases: [string, RegExp][] = [
    ['{"a":[1,2],"b":[1]}', /columns differ in length: "a" has 2 values, "b" has 1/],
    ['{"a":5}', /column "a" is a number; expected an array of records/],
    ["[1,2]", /record 0 is a number; expected an array of records/],
    ['[{"a":1},[2]]', /record 1 is an array/],
    ['"text"', /the file holds a string; expected/],
  ];
  cases.forEach(([text, pattern], i) => {
    const p = file(`bad${i}.json`, text);
    throwsFile(() => frame.readJson(p), p, pattern);
  });
});

test("readJson: options are checked", () => {
  const p = file("small.json", '[{"a":1}]');
  assert.throws(() => frame.readJson(p, { line: true } as never), (e) => e instanceof ds.ArgumentError && /unknown option "line"; expected one of lines, parseDates, maxDepth, maxCells, maxColumns/.test(e.message));
  assert.throws(() => frame.readJson(p, { maxDepth: 0 }), ds.ArgumentError);
  assert.throws(() => frame.readJson(p, { maxCells: -1 }), ds.ArgumentError);
});

// ---- readCsv ----

test("readCsv: 100,000 columns read in linear time, every name and value in place", () => {
  const cols = 100_000;
  const header = Array.from({ length: cols }, (_, i) => `c${i}`).join(",");
  const row = (r: number) => Array.from({ length: cols }, (_, i) => String((i + r) % 10)).join(",");
  const p = file("wide.csv", [header, row(0), row(1), row(2)].join("\n") + "\n");
  const df = frame.readCsv(p);
  assert.deepEqual(df.shape, [3, cols]);
  assert.equal(df.columns[99_999], "c99999");
  assert.deepEqual(Array.from(df.col("c12345").values), [5, 6, 7]);
  assert.deepEqual(Array.from(frame.readCsv(p, { usecols: ["c99999", "c0"] }).col("c99999").values), [9, 0, 1]);
});

test("readCsvChunks: 40,000 rows in chunks of one add up to the whole (linear in rows)", async () => {
  const lines = ["a,b"];
  for (let i = 0; i < 40_000; i++) lines.push(`${i},${2 * i}`);
  const p = file("long.csv", lines.join("\n") + "\n");
  let rows = 0, sumA = 0, sumB = 0;
  for await (const chunk of frame.readCsvChunks(p, { chunkSize: 1 })) {
    assert.equal(chunk.length, 1);
    rows += chunk.length;
    sumA += chunk.col("a").sum();
    sumB += chunk.col("b").sum();
  }
  assert.equal(rows, 40_000);
  assert.equal(sumA, (39_999 * 40_000) / 2);
  assert.equal(sumB, 39_999 * 40_000);
});

test("readCsv: short rows under a wide header cannot make a table far bigger than the file", () => {
  const header = Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(",");
  const text = header + "\n" + "1\n".repeat(2000);
  const p = file("short-rows.csv", text);
  const limit = 2 * text.length + 2 ** 20;
  throwsFile(() => frame.readCsv(p), p, new RegExp(`line \\d+: the table would exceed ${limit} cells \\(\\d+ rows × 20000 columns\\); the maxCells option raises the limit`));
  const df = frame.readCsv(p, { maxCells: 40_000_000 });
  assert.deepEqual(df.shape, [2000, 20_000]);
  assert.equal(df.col("c0").at(1999), 1);
  assert.ok(Number.isNaN(df.col("c19999").at(0) as number));
  // a file of full rows never reaches the default, however it is shaped
  assert.deepEqual(frame.parseCsv("a,b,c\n" + ",,\n".repeat(50_000)).shape, [50_000, 3]);
});

test("readCsv and readJson: a header of more than maxColumns names is refused before any table is built", () => {
  const names = Array.from({ length: 2 ** 17 + 1 }, (_, i) => `c${i}`);
  const p = file("too-wide.csv", names.join(",") + "\n" + names.map(() => "1").join(",") + "\n");
  throwsFile(() => frame.readCsv(p), p, /line 1: 131073 columns, more than 131072; the maxColumns option raises the limit/);
  assert.deepEqual(frame.readCsv(p, { maxColumns: 2 ** 17 + 1 }).shape, [1, 2 ** 17 + 1]);
  const headerless = file("too-wide-data.csv", "1,2,3\n");
  throwsFile(() => frame.readCsv(headerless, { header: false, maxColumns: 2 }), headerless, /line 1: 3 columns, more than 2/);
  const j = file("too-wide.json", JSON.stringify([Object.fromEntries(names.map((n) => [n, 1]))]));
  throwsFile(() => frame.readJson(j), j, /the table would have 131073 columns, more than 131072 \(the maxColumns option raises the limit\)/);
  const c = file("too-wide-cols.json", JSON.stringify({ a: [1], b: [2], c: [3] }));
  throwsFile(() => frame.readJson(c, { maxColumns: 2 }), c, /3 columns, more than 2/);
  assert.deepEqual(frame.readJson(c, { maxColumns: 3 }).shape, [1, 3]);
});

test("readCsv: mixed CR and LF line ends keep every row", () => {
  assert.deepEqual(frame.parseCsv("a\r1\r2\n3\r4\r5\n").col("a").toArray(), [1, 2, 3, 4, 5]);
  assert.deepEqual(frame.parseCsv("a,b\r1,2\r3,4").toRecords(), [{ a: 1, b: 2 }, { a: 3, b: 4 }]);
});

test("readCsv: fields that used to take quadratic time read in linear time", () => {
  // a quoted field of 100,000 doubled quotes with no line break after it
  const q = frame.parseCsv('"' + '""'.repeat(100_000) + '",1', { header: false });
  assert.equal((q.col("0").at(0) as string).length, 100_000);
  // 100,000 digits then a letter: text, decided without regex backtracking
  const d = frame.parseCsv("a\n" + "1".repeat(100_000) + "x\n");
  assert.equal(d.dtypes.a, "string");
  // 20,000 repeats of one header name, next to names the suffixes must skip
  const names = frame.parseCsv(["x.1", "x.2", ...Array.from({ length: 20_000 }, () => "x")].join(",") + "\n").columns;
  assert.deepEqual(names.slice(0, 5), ["x.1", "x.2", "x", "x.3", "x.4"]);
  assert.equal(names[names.length - 1], "x.20001");
  assert.equal(new Set(names).size, names.length);
});

test("readCsv: options are checked; a column named constructor is just a column", async () => {
  assert.deepEqual(frame.parseCsv("constructor,b\n1,2\n", { dtype: { b: "float64" } }).dtypes, { constructor: "int32", b: "float64" });
  assert.deepEqual(frame.parseCsv("__proto__,toString\n1,x\n").toRecords(), [{ ["__proto__"]: 1, toString: "x" }]);
  const bad: [object, RegExp][] = [
    [{ delimeter: ";" }, /parseCsv: unknown option "delimeter"; expected one of delimiter, header/],
    [{ dtype: { a: "float" } }, /dtype of column "a" must be one of float64, float32, int32, bool, string, datetime, got "float"/],
    [{ nrows: -1 }, /nrows must be an integer >= 0, got -1/],
    [{ skipRows: 1.5 }, /skipRows must be an integer >= 0/],
    [{ usecols: ["a", "a"] }, /usecols names a column twice/],
    [{ comment: "" }, /comment must be a non-empty string/],
    [{ maxCells: 0 }, /maxCells must be an integer >= 1/],
    [{ delimiter: "ab" }, /delimiter must be one character/],
  ];
  for (const [opts, pattern] of bad) assert.throws(() => frame.parseCsv("a\n1\n", opts as frame.CsvOptions), (e) => e instanceof ds.ArgumentError && pattern.test(e.message), JSON.stringify(opts));
  await assert.rejects(frame.readCsvChunks("x.csv", { chunksize: 10 } as never).next(), /readCsvChunks: unknown option "chunksize"/);
});

test("readCsvChunks: a folder or a missing file is a FileError naming it", async () => {
  await assert.rejects(frame.readCsvChunks(dir).next(), (e) => e instanceof ds.FileError && e.path === dir && /is a directory/.test(e.message));
  const nope = join(dir, "nope.csv");
  await assert.rejects(frame.readCsvChunks(nope).next(), (e) => e instanceof ds.FileError && e.path === nope && /no such file/.test(e.message));
});

test("new DataFrame: inherited names are not values", () => {
  const df = new frame.DataFrame([{ a: 1 }, { a: 2, constructor: 3 }]);
  assert.deepEqual(df.col("constructor").toArray(), [NaN, 3]);
  assert.throws(() => new frame.DataFrame({ a: [1] }, { columns: ["toString"] }), /no data for column "toString"/);
});

test("readCsvChunks keeps every row when a chunk holds more than the first megabyte read", async () => {
  // 200,000 rows of ~20 characters: a default chunk of 100,000 rows is 2 MB, twice the first read.
  // The rows of a short first try were dropped: 12,809 rows came back.
  const lines = ["a,b"];
  for (let i = 0; i < 200_000; i++) lines.push(`${i},${"x".repeat(15)}`);
  const p = file("big-chunks.csv", lines.join("\n") + "\n");
  const sizes: number[] = [];
  let sum = 0;
  for await (const chunk of frame.readCsvChunks(p)) {
    sizes.push(chunk.length);
    sum += chunk.col("a").sum();
  }
  assert.deepEqual(sizes, [100_000, 100_000]);
  assert.equal(sum, (199_999 * 200_000) / 2);
});

test("readCsvChunks skips a byte-order mark at the start of the file only, not at the start of a chunk", async () => {
  const p = file("bom-inside.csv", "\uFEFFa\n1\n\uFEFF\n2\n");
  assert.deepEqual(frame.readCsv(p).col("a").toArray(), ["1", "\uFEFF", "2"]);
  const cells: unknown[] = [];
  for await (const chunk of frame.readCsvChunks(p, { chunkSize: 1 })) {
    assert.deepEqual(chunk.columns, ["a"]);
    cells.push(...chunk.col("a").toArray());
  }
  assert.deepEqual(cells, [1, "\uFEFF", 2]);
});
