// Arrow and Parquet: a Parquet file written by parquet-mr (apache/parquet-testing) read against its
// published expected contents; round trips of every column kind through Parquet, Arrow tables and
// Arrow IPC; zero-copy where the types allow; and typed errors for files that are not what they say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { frame } from "../src/index.js";
import { ArgumentError, FileError } from "../src/core/errors.js";

const root = new URL("..", import.meta.url).pathname;
const pt = (f: string) => join(root, "test/fixtures/frame/parquet-testing", f);

const sample = () => new frame.DataFrame({
  f: [1.5, NaN, -2.25, 1e300],
  i: [1, -2, 3, 2147483647],
  s: ["a", null, "ü€", ""],
  b: [true, false, null, true],
  d: [new Date("2024-03-10T02:30:00Z"), null, new Date(0), new Date("1999-12-31T23:59:59.999Z")],
});
const norm = (v: unknown) => (typeof v === "number" && Number.isNaN(v) ? null : v instanceof Date ? v.toISOString() : v ?? null);
const rows = (df: frame.DataFrame) => df.toRecords().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])));

test("readParquet: parquet-mr's delta-encoded file with nulls equals its published expected CSV", async () => {
  const df = await frame.readParquet(pt("delta_encoding_optional_column.parquet"));
  const want = frame.readCsv(pt("delta_encoding_optional_column_expect.csv"), { dtype: {} });
  assert.deepEqual(df.shape, [100, 17]);
  // The published CSV's header spells one name with a leading space (" c_customer_id").
  assert.deepEqual(df.columns, want.columns.map((c) => c.trim()));
  let nulls = 0;
  for (const [j, c] of want.columns.entries()) {
    const got = df.col(df.columns[j]).toArray().map(norm), exp = want.col(c).toArray().map(norm);
    // The CSV reader infers numbers for the INT64 columns and text for the STRING ones, as the file declares them.
    exp.forEach((v, r) => {
      if (v === null) nulls++;
      assert.deepEqual(got[r], typeof got[r] === "string" && typeof v === "number" ? String(v) : v, `${c}[${r}]`);
    });
  }
  assert.ok(nulls > 0, "the file has null cells");
  // columns: read only those
  const two = await frame.readParquet(readFileSync(pt("delta_encoding_optional_column.parquet")), { columns: ["c_customer_sk", "c_last_name"] });
  assert.deepEqual(two.columns, ["c_customer_sk", "c_last_name"]);
  assert.equal(two.col("c_last_name").at(0), want.col("c_last_name").at(0));
});

test("toParquet → readParquet keeps every column kind, missing values included", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ds-parquet-"));
  try {
    const df = sample();
    const bytes = await df.toParquet(join(dir, "x.parquet"));
    assert.equal(String.fromCharCode(...bytes.subarray(0, 4)), "PAR1");
    const back = await frame.readParquet(join(dir, "x.parquet"));
    assert.deepEqual(rows(back), rows(df));
    assert.deepEqual(back.dtypes, { f: "float64", i: "int32", s: "string", b: "bool", d: "datetime" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Arrow tables: fromArrow shares float memory, toArrow round-trips, nulls are NaN/missing", async () => {
  const x = new Float64Array([1, 2, 3]);
  const t = new arrow.Table({ x: arrow.makeVector(x), s: arrow.vectorFromArray(["a", null, "c"], new arrow.Utf8()), ts: arrow.vectorFromArray([new Date(5), null, new Date(0)], new arrow.TimestampMillisecond()), n: arrow.vectorFromArray([1n, 2n, null], new arrow.Int64()) });
  const df = frame.fromArrow(t);
  assert.equal(df.toColumns().x, x, "no copy: the frame's column is the table's buffer");
  assert.deepEqual(rows(df), [{ x: 1, s: "a", ts: new Date(5).toISOString(), n: 1 }, { x: 2, s: null, ts: null, n: 2 }, { x: 3, s: "c", ts: new Date(0).toISOString(), n: null }]);
  const out = await sample().toArrow();
  assert.deepEqual(out.schema.fields.map((f) => `${f.name}:${f.type}`), ["f:Float64", "i:Int32", "s:Utf8", "b:Bool", "d:Timestamp<MILLISECOND>"]);
  assert.equal(out.getChild("f")!.nullCount, 1, "NaN is written as null");
  assert.deepEqual(rows(frame.fromArrow(out)), rows(sample()));
  assert.throws(() => frame.fromArrow({} as never), (e: unknown) => e instanceof ArgumentError && /apache-arrow Table/.test(e.message));
});

test("Arrow IPC files and streams round-trip; apache-arrow reads ours", async () => {
  const df = sample();
  for (const format of ["file", "stream"] as const) {
    const bytes = await df.toArrowIPC(undefined, { format });
    assert.deepEqual(rows(await frame.readArrow(bytes)), rows(df), format);
    assert.equal(arrow.tableFromIPC(bytes).numRows, 4);
  }
});

test("files that are not Parquet or Arrow are FileErrors naming the file", async () => {
  await assert.rejects(frame.readParquet(new TextEncoder().encode("a,b\n1,2\n")), (e: unknown) => e instanceof FileError && /no PAR1 magic/.test(e.message));
  const good = await sample().toParquet();
  const cut = new Uint8Array([...good.subarray(0, 20), ...good.subarray(good.length - 30)]);
  await assert.rejects(frame.readParquet(cut), (e: unknown) => e instanceof FileError);
  await assert.rejects(frame.readArrow(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), (e: unknown) => e instanceof FileError && /not an Arrow IPC/.test(e.message));
  await assert.rejects(frame.readParquet(good, { columns: ["nope"] }), (e: unknown) => e instanceof ArgumentError && /no column "nope"/.test(e.message));
});
