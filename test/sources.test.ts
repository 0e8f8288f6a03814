// File inputs beyond paths (issue 14): frame.readCsv, io.load/loadStateDict/readSafetensors and
// data.readIdx take bytes (at once) and URL/Response/File/Blob (as a Promise); io.save without a
// path gives a Blob. Each form must give what the path form gives for the same file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import * as ds from "../src/index.js";
import { ArgumentError, FileError } from "../src/core/errors.js";
import { gunzipAsync } from "../src/core/source.js";

const { frame, io, data, nn, ml } = ds;
const dir = mkdtempSync(join(tmpdir(), "ds-sources-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const CSV = "a,b,name\n1,2.5,x\n3,-1,\"y, z\"\n";

test("frame.readCsv: bytes at once; Blob, File, Response and file: URL as a Promise; all equal to the path form", async () => {
  const path = join(dir, "t.csv");
  writeFileSync(path, CSV);
  const want = frame.readCsv(path).toJSON();
  assert.deepEqual(want, [{ a: 1, b: 2.5, name: "x" }, { a: 3, b: -1, name: "y, z" }]);
  const bytes = new TextEncoder().encode(CSV);
  assert.deepEqual(frame.readCsv(bytes).toJSON(), want);
  assert.deepEqual(frame.readCsv(bytes.buffer).toJSON(), want);
  const fromBlob = frame.readCsv(new Blob([CSV]));
  assert.ok(fromBlob instanceof Promise);
  assert.deepEqual((await fromBlob).toJSON(), want);
  assert.deepEqual((await frame.readCsv(new File([CSV], "t.csv"))).toJSON(), want);
  assert.deepEqual((await frame.readCsv(new Response(CSV))).toJSON(), want);
  assert.deepEqual((await frame.readCsv(pathToFileURL(path))).toJSON(), want);
  // options apply to every form
  assert.deepEqual((await frame.readCsv(new Blob([CSV]), { usecols: ["a"] })).toJSON(), [{ a: 1 }, { a: 3 }]);
});

test("frame.readJson: bytes, Blob and a .jsonl File (JSON Lines told from its name) as the path form", async () => {
  const json = '[{"a":1,"b":"x"},{"a":2,"b":"y"}]', jsonl = '{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n';
  const path = join(dir, "t.jsonl");
  writeFileSync(path, jsonl);
  const want = frame.readJson(path).toJSON();
  assert.deepEqual(want, [{ a: 1, b: "x" }, { a: 2, b: "y" }]);
  assert.deepEqual(frame.readJson(new TextEncoder().encode(json)).toJSON(), want);
  assert.deepEqual((await frame.readJson(new Blob([json]))).toJSON(), want);
  assert.deepEqual((await frame.readJson(new File([jsonl], "t.jsonl"))).toJSON(), want);
  await assert.rejects(frame.readJson(new File([jsonl], "t.json")), (e: unknown) => e instanceof FileError && /t\.json/.test((e as Error).message));
});

test("bad sources: a typed ArgumentError naming the op; a failed Response a FileError with its status", async () => {
  assert.throws(() => frame.readCsv(42 as never), (e: unknown) => e instanceof ArgumentError && /readCsv: expected a path, URL, Response, File, Blob, ArrayBuffer or Uint8Array, got number/.test((e as Error).message));
  assert.throws(() => io.load({} as never), (e: unknown) => e instanceof ArgumentError && /io.load: .*got Object/.test((e as Error).message));
  const notFound = new Response("nope", { status: 404, statusText: "Not Found" });
  await assert.rejects(frame.readCsv(notFound), (e: unknown) => e instanceof FileError && /HTTP 404 Not Found/.test((e as Error).message));
  await assert.rejects(data.readIdx(pathToFileURL(join(dir, "missing.idx"))), (e: unknown) => e instanceof FileError && /no such file/.test((e as Error).message));
});

test("io.save without a path gives a Blob that io.load (Blob, bytes, Response) rebuilds with identical predictions", async () => {
  ds.seed(3);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const x = ds.randn([5, 4]);
  const want = model.call(x).toArray();
  const blob = io.save(model);
  assert.ok(blob instanceof Blob);
  // the same bytes as the file io.save writes
  const file = io.save(model, join(dir, "m.safetensors"));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  assert.deepEqual(bytes, new Uint8Array(readFileSync(file)));
  for (const again of [await io.load(blob), io.load(bytes), await io.load(new Response(bytes))]) {
    assert.deepEqual((again as typeof model).call(x).toArray(), want);
  }
  const sd = await io.loadStateDict(io.saveStateDict(model.stateDict()));
  assert.deepEqual(Object.keys(sd).sort(), Object.keys(model.stateDict()).sort());
  assert.deepEqual(sd["0.weight"].toArray(), model.stateDict()["0.weight"].toArray());
  const { metadata } = await io.readSafetensors(io.saveStateDict({ w: ds.ones([2]) }, undefined, { note: "hi" }));
  assert.equal(metadata.note, "hi");
});

// An IDX file by hand: magic 00 00 08 02, dims 2×3 (big-endian), then 6 unsigned bytes.
const IDX = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 5, 6]);

test("data.readIdx: bytes, Blob and URL, raw and gzip, as the path form; limits still apply", async () => {
  const path = join(dir, "t.idx.gz");
  writeFileSync(path, gzipSync(IDX));
  const want = [[1, 2, 3], [250, 5, 6]];
  assert.deepEqual(data.readIdx(path).toArray(), want);
  assert.deepEqual(data.readIdx(IDX).toArray(), want);
  assert.deepEqual(data.readIdx(gzipSync(IDX)).toArray(), want);
  assert.deepEqual((await data.readIdx(new Blob([IDX]))).toArray(), want);
  assert.deepEqual((await data.readIdx(pathToFileURL(path))).toArray(), want);
  assert.throws(() => data.readIdx(IDX, { maxBytes: 5 }), /declares 6 bytes of data, more than maxBytes \(5\)/);
});

test("gunzipAsync (the browser's DecompressionStream path) inflates, stops at the limit, and reports corrupt data", async () => {
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  const gz = gzipSync(big);
  // limit < Infinity takes the DecompressionStream path even in Node
  assert.deepEqual((await gunzipAsync("t", "x.gz", gz, 1e6)).bytes, big);
  assert.deepEqual(await gunzipAsync("t", "x.gz", gz, 1000), { bytes: new Uint8Array(0), more: true });
  const bad = gz.slice();
  bad[20] ^= 0xff;
  await assert.rejects(gunzipAsync("t", "x.gz", bad, 1e6), (e: unknown) => e instanceof FileError && /x.gz: corrupt gzip data/.test((e as Error).message));
});

test("datasets.preload: known names load (in Node a no-op before the disk read), unknown ones are ArgumentErrors", async () => {
  await data.datasets.preload("airPassengers");
  assert.equal(data.datasets.airPassengers().passengers.shape[0], 144);
  await ml.datasets.preload("iris");
  assert.deepEqual(ml.datasets.loadIris().data.shape, [150, 4]);
  await assert.rejects(data.datasets.preload("mnist" as never), (e: unknown) => e instanceof ArgumentError && /unknown dataset "mnist"; expected one of digits, airPassengers, shakespeare/.test((e as Error).message));
});
