// data: TensorDataset, DataLoader (batching, shuffling, seeds), readIdx, trainTestSplit, bundled digits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as ds from "../src/index.js";

const { data } = ds;
const dir = mkdtempSync(join(tmpdir(), "ds-data-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function throwsFile(fn: () => unknown, path: string, reason: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ds.FileError, `expected FileError, got ${String(caught)}`);
  assert.ok(caught instanceof ds.DeepScriptError);
  assert.equal(caught.path, path);
  assert.ok(caught.message.includes(path), `message names the file: ${caught.message}`);
  assert.match(caught.message, reason);
}

const rows = (t: ds.Tensor) => (t.toArray() as number[][]).map((r) => r[0]);

test("TensorDataset: length, get(i) as views of row i, and checks", () => {
  const x = ds.arange(12).reshape([6, 2]), y = ds.arange(6);
  const d = new data.TensorDataset(x, y);
  assert.equal(d.length, 6);
  const [xi, yi] = d.get(4);
  assert.deepEqual(xi.toArray(), [8, 9]);
  assert.equal(yi.item(), 4);
  assert.deepEqual(d.get(-1)[0].toArray(), [10, 11]);
  assert.throws(() => d.get(6), ds.IndexError);
  assert.throws(() => new data.TensorDataset(x, ds.arange(5)), /same size in dim 0/);
  assert.throws(() => new data.TensorDataset(), ds.ArgumentError);
});

test("DataLoader batches in order, with a short last batch or dropLast", () => {
  const x = ds.arange(20).reshape([10, 2]), y = ds.arange(10);
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.deepEqual(batches.map(([xb, yb]) => [xb.shape, yb.shape]), [[[4, 2], [4]], [[4, 2], [4]], [[2, 2], [2]]]);
  assert.deepEqual(batches.flatMap(([, yb]) => yb.toArray() as number[]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(batches[1][0].toArray(), [[8, 9], [10, 11], [12, 13], [14, 15]]);
  assert.equal(batches[0][1].dtype, "int32", "dtypes are kept");

  const dropped = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual([...dropped].map(([, yb]) => yb.shape[0]), [4, 4]);
  assert.equal([...new data.DataLoader(new data.TensorDataset(x, y))].length, 10, "batchSize defaults to 1");
  assert.throws(() => new data.DataLoader(new data.TensorDataset(x), { batchSize: 0 }), ds.ArgumentError);
});

test("DataLoader shuffling: a permutation per epoch, epochs differ, a seed repeats the run", () => {
  const n = 50;
  const set = new data.TensorDataset(ds.arange(n).reshape([n, 1]), ds.arange(n));
  const epochs = (loader: ds.data.DataLoader) =>
    [0, 1, 2].map(() => [...loader].flatMap(([xb, yb]) => {
      assert.deepEqual(rows(xb), yb.toArray(), "x and y rows stay paired");
      return yb.toArray() as number[];
    }));
  const a = epochs(new data.DataLoader(set, { batchSize: 8, shuffle: true, seed: 3 }));
  const b = epochs(new data.DataLoader(set, { batchSize: 8, shuffle: true, seed: 3 }));
  assert.deepEqual(a, b, "same seed, same orders");
  for (const order of a) assert.deepEqual([...order].sort((p, q) => p - q), Array.from({ length: n }, (_, i) => i));
  assert.notDeepEqual(a[0], a[1], "each epoch has its own order");
  assert.notDeepEqual(a[0], Array.from({ length: n }, (_, i) => i), "shuffled");
  const c = epochs(new data.DataLoader(set, { batchSize: 8, shuffle: true, seed: 4 }));
  assert.notDeepEqual(a[0], c[0], "another seed, another order");

  // Without a seed, shuffling draws from the global generator.
  ds.seed(11);
  const g1 = epochs(new data.DataLoader(set, { batchSize: 8, shuffle: true }));
  ds.seed(11);
  const g2 = epochs(new data.DataLoader(set, { batchSize: 8, shuffle: true }));
  assert.deepEqual(g1, g2);
});

test("DataLoader over any {length, get} dataset stacks samples; a custom collate sees them", () => {
  const squares = { length: 5, get: (i: number) => [ds.full([2, 2], i), ds.tensor(i * i)] };
  const batches = [...new data.DataLoader(squares, { batchSize: 2 })];
  assert.deepEqual(batches.map(([xb, yb]) => [xb.shape, yb.shape]), [[[2, 2, 2], [2]], [[2, 2, 2], [2]], [[1, 2, 2], [1]]]);
  assert.deepEqual(batches[1][1].toArray(), [4, 9]);
  const sums = new data.DataLoader(squares, { batchSize: 5, collate: (samples) => samples.reduce((a, [, y]) => a + y.item(), 0) });
  assert.deepEqual([...sums], [30]);
  const ragged = { length: 2, get: (i: number) => [ds.zeros([i + 1])] };
  assert.throws(() => [...new data.DataLoader(ragged, { batchSize: 2 })], /cannot stack position 0/);
});

// ---- IDX files -------------------------------------------------------------------------------

function idx(code: number, shape: number[], body: Buffer): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = code;
  head[3] = shape.length;
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, body]);
}

test("readIdx reads every IDX element type, raw and gzip", () => {
  const bytes = Buffer.from(Array.from({ length: 24 }, (_, i) => (i * 11) % 256));
  const raw = idx(0x08, [2, 3, 4], bytes);
  writeFileSync(join(dir, "u8.idx"), raw);
  writeFileSync(join(dir, "u8.idx.gz"), gzipSync(raw));
  for (const f of ["u8.idx", "u8.idx.gz"]) {
    const t = data.readIdx(join(dir, f));
    assert.equal(t.dtype, "int32");
    assert.deepEqual(t.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(t.dataSync()), Array.from(bytes));
  }
  const be = (n: number, write: (b: Buffer, v: number, at: number) => void, vals: number[]) => {
    const b = Buffer.alloc(n * vals.length);
    vals.forEach((v, i) => write(b, v, i * n));
    return b;
  };
  const cases: [number, string, Buffer, number[]][] = [
    [0x09, "int32", Buffer.from([0x80, 0xff, 0, 0x7f]), [-128, -1, 0, 127]],
    [0x0b, "int32", be(2, (b, v, at) => b.writeInt16BE(v, at), [-32768, 7, 32767, -2]), [-32768, 7, 32767, -2]],
    [0x0c, "int32", be(4, (b, v, at) => b.writeInt32BE(v, at), [-5, 2147483647, 0, 1]), [-5, 2147483647, 0, 1]],
    [0x0d, "float32", be(4, (b, v, at) => b.writeFloatBE(v, at), [1.5, -2, 0.25, 1e10]), [1.5, -2, 0.25, 1e10]],
    [0x0e, "float64", be(8, (b, v, at) => b.writeDoubleBE(v, at), [Math.PI, -1e300, 0, 5e-324]), [Math.PI, -1e300, 0, 5e-324]],
  ];
  for (const [code, dtype, body, want] of cases) {
    const f = join(dir, `t${code}.idx`);
    writeFileSync(f, idx(code, [2, 2], body));
    const t = data.readIdx(f);
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual(Array.from(t.dataSync()), want);
  }
});

test("readIdx: missing, bad magic, truncated, oversized and corrupt gzip files name the file and reason", () => {
  const f = (name: string, content: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const good = idx(0x08, [3, 2], Buffer.alloc(6, 1));
  throwsFile(() => data.readIdx(join(dir, "nope.idx")), join(dir, "nope.idx"), /no such file/);
  throwsFile(() => data.readIdx(dir), dir, /directory/);
  throwsFile(() => data.readIdx(f("magic.idx", Buffer.from("PK\x03\x04 not idx"))), join(dir, "magic.idx"), /bad magic number 50 4b 03 04/);
  throwsFile(() => data.readIdx(f("type.idx", Buffer.from([0, 0, 0x42, 1, 0, 0, 0, 1, 9]))), join(dir, "type.idx"), /unknown element type 0x42/);
  throwsFile(() => data.readIdx(f("tiny.idx", Buffer.from([0, 0]))), join(dir, "tiny.idx"), /truncated/);
  throwsFile(() => data.readIdx(f("head.idx", good.subarray(0, 9))), join(dir, "head.idx"), /truncated header/);
  throwsFile(() => data.readIdx(f("short.idx", good.subarray(0, good.length - 1))), join(dir, "short.idx"), /truncated data: shape \[3,2\] of ubyte needs 6 bytes, the file has 5/);
  throwsFile(() => data.readIdx(f("long.idx", Buffer.concat([good, Buffer.alloc(3)]))), join(dir, "long.idx"), /size mismatch.*3 more/);
  const gz = gzipSync(good);
  throwsFile(() => data.readIdx(f("cut.idx.gz", gz.subarray(0, gz.length - 6))), join(dir, "cut.idx.gz"), /corrupt gzip/);
});

test("readIdx: declared sizes are checked against maxBytes before decompressing, and gzip stops at the declared size", () => {
  const f = (name: string, content: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  // A header declaring 1e9 bytes (the 972 KB file held them all, as zeros): refused from the
  // header alone. The data after it here ends in bytes that are not gzip, which inflating it would reach.
  const zeros = gzipSync(Buffer.concat([idx(0x08, [1e9], Buffer.alloc(0)), Buffer.alloc(5e6)]));
  const huge = f("huge.idx.gz", Buffer.concat([zeros, Buffer.from("not gzip")]));
  throwsFile(() => data.readIdx(huge), huge, /shape \[1000000000\] of ubyte declares 1000000000 bytes of data, more than maxBytes \(268435456\); the maxBytes option raises the limit/);
  // A header declaring 1 byte followed by far more: decompression stops once past the declared size,
  // before it reaches the trailing garbage (inflating it all ends in "corrupt gzip data").
  const more = f("more.idx.gz", Buffer.concat([gzipSync(Buffer.concat([idx(0x08, [1], Buffer.from([7])), Buffer.alloc(1e6)])), Buffer.from("not gzip")]));
  throwsFile(() => data.readIdx(more), more, /size mismatch: shape \[1\] of ubyte needs 1 bytes, the gzip data holds more/);
  // the limit can be raised, and lowered
  const small = f("small.idx.gz", gzipSync(idx(0x0d, [10, 10], Buffer.alloc(400))));
  assert.deepEqual(data.readIdx(small).shape, [10, 10]);
  throwsFile(() => data.readIdx(small, { maxBytes: 399 }), small, /shape \[10,10\] of float declares 400 bytes of data, more than maxBytes \(399\)/);
  assert.deepEqual(data.readIdx(small, { maxBytes: 400 }).shape, [10, 10]);
  // products of dimensions beyond any limit, and a raw file too big to hold data within it
  throwsFile(() => data.readIdx(f("dims.idx", idx(0x0e, [2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1], Buffer.alloc(8)))), join(dir, "dims.idx"), /declares 6\.3\d+e\+29 bytes/);
  const big = f("big.idx", idx(0x08, [70_000], Buffer.alloc(70_000)));
  throwsFile(() => data.readIdx(big, { maxBytes: 100 }), big, /70008 bytes, more than an IDX file of at most 100 bytes of data can be/);
  assert.equal(data.readIdx(big).shape[0], 70_000);
  assert.throws(() => data.readIdx(big, { maxbytes: 1 } as never), (e) => e instanceof ds.ArgumentError && /unknown option "maxbytes"; expected one of maxBytes/.test(e.message));
  assert.throws(() => data.readIdx(big, { maxBytes: -1 }), ds.ArgumentError);
  // a header split across gzip members, and one behind a long file name field, are read
  const good = idx(0x08, [3, 2], Buffer.from([1, 2, 3, 4, 5, 6]));
  const split = f("split.idx.gz", Buffer.concat([gzipSync(good.subarray(0, 5)), gzipSync(good.subarray(5))]));
  assert.deepEqual(data.readIdx(split).toArray(), [[1, 2], [3, 4], [5, 6]]);
  const gz = gzipSync(good);
  const named = Buffer.concat([gz.subarray(0, 3), Buffer.from([gz[3] | 0x08]), gz.subarray(4, 10), Buffer.alloc(5000, 0x61), Buffer.from([0]), gz.subarray(10)]);
  assert.deepEqual(data.readIdx(f("named.idx.gz", named)).toArray(), [[1, 2], [3, 4], [5, 6]]);
});

const fashion = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
test("readIdx reads the real Fashion-MNIST labels when installed", { skip: !existsSync(fashion) && "dataset-fashion-mnist not installed" }, () => {
  const y = data.readIdx(fashion);
  assert.deepEqual(y.shape, [10000]);
  assert.equal(y.min().item(), 0);
  assert.equal(y.max().item(), 9);
});

// ---- trainTestSplit --------------------------------------------------------------------------

test("trainTestSplit: sizes, disjoint cover, rows kept paired, seeds repeat", () => {
  const n = 21;
  const x = ds.arange(n * 2).reshape([n, 2]), y = ds.arange(n);
  const [xTr, xTe, yTr, yTe] = data.trainTestSplit(x, y, { seed: 1 });
  assert.equal(yTe.shape[0], Math.ceil(0.25 * n));
  assert.equal(yTr.shape[0], n - 6);
  assert.deepEqual(xTr.shape, [15, 2]);
  const all = [...(yTr.toArray() as number[]), ...(yTe.toArray() as number[])].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(rows(xTr), (yTr.toArray() as number[]).map((v) => 2 * v));
  assert.deepEqual(rows(xTe), (yTe.toArray() as number[]).map((v) => 2 * v));
  assert.deepEqual(data.trainTestSplit(x, y, { seed: 1 })[3].toArray(), yTe.toArray());
  assert.notDeepEqual(data.trainTestSplit(x, y, { seed: 2 })[3].toArray(), yTe.toArray());

  const [, te2] = data.trainTestSplit(y, { testSize: 5, shuffle: false });
  assert.deepEqual(te2.toArray(), [16, 17, 18, 19, 20], "no shuffle: the last samples are the test part");
  const [tr3] = data.trainTestSplit(y, { testSize: 0.5 });
  assert.equal(tr3.shape[0], 10);
  assert.throws(() => data.trainTestSplit(y, { testSize: 1.5 }), ds.ArgumentError);
  assert.throws(() => data.trainTestSplit(y, { testSize: 21 }), /no training samples/);
  assert.throws(() => data.trainTestSplit(x, ds.arange(3)), ds.ShapeError);
});

test("trainTestSplit with stratify keeps class proportions in both parts", () => {
  // 60 of class 0, 30 of class 1, 10 of class 2.
  const labels = ds.tensor(Int32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2)));
  const x = ds.arange(100);
  const [xTr, xTe, yTr, yTe] = data.trainTestSplit(x, labels, { testSize: 0.2, seed: 5, stratify: labels });
  const count = (t: ds.Tensor) => [0, 1, 2].map((c) => (t.toArray() as number[]).filter((v) => v === c).length);
  assert.deepEqual(count(yTe), [12, 6, 2]);
  assert.deepEqual(count(yTr), [48, 24, 8]);
  assert.deepEqual((xTe.toArray() as number[]).map((i) => (i < 60 ? 0 : i < 90 ? 1 : 2)), yTe.toArray());
  assert.equal(new Set([...(xTr.toArray() as number[]), ...(xTe.toArray() as number[])]).size, 100);
  assert.throws(() => data.trainTestSplit(x, { stratify: labels, shuffle: false }), /stratify needs shuffle/);
  assert.throws(() => data.trainTestSplit(ds.arange(3), { stratify: ds.tensor([0, 0, 1]) }), /only 1 member/);
});

// ---- bundled digits --------------------------------------------------------------------------

test("datasets.digits: 8,000 + 2,000 real digits, float pixels in [0, 1], all classes in both parts", () => {
  const { train, test: held } = data.datasets.digits();
  assert.deepEqual(train.x.shape, [8000, 1, 28, 28]);
  assert.deepEqual(held.x.shape, [2000, 1, 28, 28]);
  assert.equal(train.x.dtype, "float32");
  assert.equal(train.y.dtype, "int32");
  assert.deepEqual(train.y.shape, [8000]);
  assert.deepEqual(held.y.shape, [2000]);
  assert.equal(train.x.min().item(), 0);
  assert.equal(train.x.max().item(), 1);
  for (const part of [train, held]) {
    const counts = Array.from({ length: 10 }, () => 0);
    for (const v of part.y.dataSync()) counts[v]++;
    const n = part.y.shape[0];
    for (const c of counts) assert.ok(c > 0.07 * n && c < 0.13 * n, `class shares are balanced: ${counts}`);
  }
  // Real images: ink covers ~10–25% of a digit, and no two of the first 100 images are alike.
  const sums = train.x.index("0:100").sum([1, 2, 3]).toArray() as number[];
  assert.ok(new Set(sums).size > 95, "pixel sums differ");
  const ink = train.x.gt(0.5).float().mean().item();
  assert.ok(ink > 0.05 && ink < 0.3, `ink fraction ${ink}`);
  // The split and order are fixed; flatten gives [N, 784].
  const again = data.datasets.digits({ flatten: true });
  assert.deepEqual(again.train.x.shape, [8000, 784]);
  assert.deepEqual(again.test.y.toArray(), held.y.toArray());
  assert.deepEqual(again.train.x.index(7).toArray(), train.x.index(7).reshape([784]).toArray());
});
