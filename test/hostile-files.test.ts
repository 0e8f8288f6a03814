// Regression tests for the hostile model and tensor files of issue 12: each file is built here by
// hand, and each must be refused with a FileError naming the file and the reason — quickly, and
// without allocating what it declares.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";

const { io, nn } = ds;
const dir = mkdtempSync(join(tmpdir(), "ds-hostile-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file from header JSON text (not an object: some tests need text JSON.stringify cannot make) and data bytes. */
function fileOf(name: string, headerJson: string, body: Uint8Array = new Uint8Array(0)): string {
  const h = Buffer.from(headerJson);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([len, h, body]));
  return p;
}

/**
 * A model file: the architecture as io.save writes it (an object, or JSON text for nesting deeper
 * than JSON.stringify can go), and tensors (F32, filled with zeros) as given.
 */
function modelFile(name: string, architecture: unknown, tensors: Record<string, number[]> = {}): string {
  const archText = typeof architecture === "string" ? architecture : JSON.stringify(architecture);
  const info = `{"format":"deepscript.model","version":1,"deepscript":"0.1.0","class":"X","training":false,"architecture":${archText}}`;
  const header: Record<string, unknown> = { __metadata__: { [io.MODEL_KEY]: info } };
  let at = 0;
  for (const [k, shape] of Object.entries(tensors)) {
    const n = shape.reduce((a, b) => a * b, 1) * 4;
    Object.defineProperty(header, k, { value: { dtype: "F32", shape, data_offsets: [at, at + n] }, enumerable: true });
    at += n;
  }
  return fileOf(name, JSON.stringify(header), new Uint8Array(at));
}

/** fn throws a FileError naming `path` whose message matches `reason`, within `ms` milliseconds. */
function refuses(fn: () => unknown, path: string, reason: RegExp, ms = 1000): void {
  const t0 = performance.now();
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  const took = performance.now() - t0;
  assert.ok(caught instanceof ds.FileError, `expected a FileError, got ${caught instanceof Error ? `${caught.name}: ${caught.message.slice(0, 300)}` : String(caught)}`);
  assert.equal(caught.path, path);
  assert.match(caught.message, reason);
  assert.ok(took < ms, `refused in ${took.toFixed(0)} ms, expected under ${ms}`);
}

const deep = (open: string, close: string, n: number, inner = "1") => open.repeat(n) + inner + close.repeat(n);

test("safetensors: a shape or data_offsets nested 5,000 deep is a FileError, not a stack overflow", () => {
  const shape = fileOf("shape.safetensors", `{"a":{"dtype":"F32","shape":${deep("[", "]", 5000)},"data_offsets":[0,4]}}`, new Uint8Array(4));
  refuses(() => io.loadStateDict(shape), shape, /tensor "a" has an invalid shape \[\[\[\[…\]\]\]\], expected a list of non-negative integers/);
  const offsets = fileOf("offsets.safetensors", `{"a":{"dtype":"F32","shape":[1],"data_offsets":${deep("[", "]", 5000)}}}`, new Uint8Array(4));
  refuses(() => io.loadStateDict(offsets), offsets, /tensor "a" has invalid data_offsets \[\[\[\[…\]\]\]\], expected \[begin, end\]/);
  const name = fileOf("name.safetensors", `{"${"n".repeat(100_000)}":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4));
  refuses(() => io.loadStateDict(name), name, /tensor "n{59}… has unknown dtype "Q9"/);
  refuses(() => io.decodeSafetensors(new Uint8Array(Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a":1} ')])), "bytes"), "bytes", /entry "a" is not an object/);
});

test("safetensors: declared sizes are checked against the file before allocating; maxHeaderBytes is a documented, overridable limit", () => {
  const huge = fileOf("huge.safetensors", JSON.stringify({ a: { dtype: "F64", shape: [2 ** 26, 2 ** 26], data_offsets: [0, 8] } }), new Uint8Array(8));
  refuses(() => io.loadStateDict(huge), huge, /needs 36028797018963970 bytes, its data_offsets \[0,8\] span 8/);
  const past = fileOf("past.safetensors", JSON.stringify({ a: { dtype: "U8", shape: [1e9], data_offsets: [0, 1e9] } }), new Uint8Array(8));
  refuses(() => io.loadStateDict(past), past, /truncated: the tensors need 1000000000 bytes of data after the header, the file has 8/);
  const ok = join(dir, "ok.safetensors");
  io.saveStateDict({ w: ds.ones([2]) }, ok, { note: "x".repeat(1000) });
  refuses(() => io.loadStateDict(ok, { maxHeaderBytes: 512 }), ok, /header length 1088 exceeds the 512-byte limit \(maxHeaderBytes\)/);
  assert.deepEqual(io.loadStateDict(ok, { maxHeaderBytes: 2048 }).w.toArray(), [1, 1]);
  assert.throws(() => io.loadStateDict(ok, { maxHeaderBytez: 1 } as never), (e: unknown) => e instanceof ds.ArgumentError && /unknown option "maxHeaderBytez"/.test(e.message));
});

test("io.load: Sequential nested 3,000 deep or with 100,000 children is a FileError naming the limit", () => {
  const nested = modelFile("nested.safetensors", deep(`{"class":"Sequential","children":[`, "]}", 3000, `{"class":"ReLU"}`));
  refuses(() => io.load(nested), nested, /corrupt architecture: Sequential at "0(\.0){63}": layers nested more than 64 deep \(the maxDepth limit\)/);
  const wide = modelFile("wide.safetensors", { class: "Sequential", children: Array.from({ length: 100_000 }, () => ({ class: "ReLU" })) });
  refuses(() => io.load(wide), wide, /corrupt architecture: Sequential: 100000 children make more than 100000 layers \(the maxLayers limit\)/);
  // Within raised limits the same kind of file loads.
  let ok: object = { class: "ReLU" };
  for (let i = 0; i < 100; i++) ok = { class: "Sequential", children: [ok] };
  const hundred = modelFile("hundred.safetensors", ok);
  refuses(() => io.load(hundred), hundred, /nested more than 64 deep/);
  assert.ok(io.load(hundred, { maxDepth: 200 }) instanceof nn.Sequential);
});

test("io.load: a tiny file declaring a huge model is refused before any layer is constructed", () => {
  const rss0 = process.memoryUsage().rss;
  // 280 bytes declaring Linear(30000, 30000): 23 s and 6.9 GB before the fix.
  const linear = modelFile("linear.safetensors", { class: "Linear", config: { inFeatures: 30000, outFeatures: 30000, bias: true } }, { weight: [1], bias: [1] });
  refuses(() => io.load(linear), linear, /does not match its architecture \(X\): weight: file has shape \[1\], the architecture \[30000,30000\]; bias: file has shape \[1\], the architecture \[30000\]/);
  const emb = (n: number) => ({ class: "Embedding", config: { numEmbeddings: n, embeddingDim: 4, paddingIdx: null } });
  const e32 = modelFile("emb32.safetensors", emb(2 ** 32), { weight: [2, 4] });
  refuses(() => io.load(e32), e32, /weight: file has shape \[2,4\], the architecture \[4294967296,4\]/);
  const e9 = modelFile("emb9.safetensors", emb(1e9), { weight: [2, 4] });
  refuses(() => io.load(e9), e9, /weight: file has shape \[2,4\], the architecture \[1000000000,4\]/);
  const lstm = modelFile("lstm.safetensors", {
    class: "LSTM", config: { inputSize: 2, hiddenSize: 2, numLayers: 2 ** 53 - 1, bias: true, batchFirst: false, dropout: 0, bidirectional: false },
  }, { weight_ih_l0: [8, 2], weight_hh_l0: [8, 2] });
  refuses(() => io.load(lstm), lstm, /does not match its architecture \(X\): the architecture has more than the file's 2 tensors/);
  const tooBig = modelFile("unsafe.safetensors", { class: "LSTM", config: { inputSize: 2, hiddenSize: 2, numLayers: 2 ** 53, bias: true, batchFirst: false, dropout: 0, bidirectional: false } });
  refuses(() => io.load(tooBig), tooBig, /LSTM: config field "numLayers" must be an integer >= 1, got 9007199254740992/);
  assert.ok(process.memoryUsage().rss - rss0 < 200e6, "nothing large was allocated");
});

test("io.load: invalid layer configs are FileErrors naming the file, the layer path and the field", () => {
  const conv = (opts: object) => ({ class: "Sequential", children: [{ class: "ReLU" }, { class: "Conv2d", config: { inChannels: 1, outChannels: 2, kernelSize: 3, opts } }] });
  const tensors = { "1.weight": [2, 1, 3, 3], "1.bias": [2] };
  const pad = modelFile("pad.safetensors", conv({ padding: -3 }), tensors);
  refuses(() => io.load(pad), pad, /corrupt architecture: Conv2d at "1": padding must be an integer >= 0 or a pair of them, "same" or "valid", got -3/);
  const stride = modelFile("stride.safetensors", conv({ stride: 0 }), tensors);
  refuses(() => io.load(stride), stride, /corrupt architecture: Conv2d at "1": stride must be an integer >= 1 or a pair of them, got 0/);
  const good = modelFile("good.safetensors", conv({ stride: 2, padding: 1 }), tensors);
  const m = io.load(good) as ds.nn.Sequential;
  assert.deepEqual(m.call(ds.ones([1, 1, 5, 5])).shape, [1, 2, 3, 3]);
  // A value only the constructor checks (Dropout's p) is a FileError too, naming the path.
  const drop = modelFile("drop.safetensors", { class: "Sequential", children: [{ class: "Dropout", config: { p: 3 } }] });
  refuses(() => io.load(drop), drop, /corrupt architecture: Dropout at "0": p must be in \[0, 1\], got 3/);
  assert.throws(() => io.load(good, { maxDeph: 3 } as never), (e: unknown) => e instanceof ds.ArgumentError && /unknown option "maxDeph"; expected one of model, maxHeaderBytes, maxLayers, maxDepth/.test(e.message));
});

test("extra tensors named constructor, toString, hasOwnProperty or __proto__ are unexpected keys for io.load and strict loadStateDict", () => {
  ds.seed(0);
  const base = new nn.Linear(2, 1);
  const saved = join(dir, "base.safetensors");
  io.save(base, saved);
  const { metadata } = io.readSafetensors(saved);
  for (const name of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
    const header = `{"__metadata__":${JSON.stringify(metadata)},"weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},` +
      `"bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"${name}":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}`;
    const p = fileOf(`extra-${name}.safetensors`, header, new Uint8Array(16));
    refuses(() => io.load(p), p, new RegExp(`does not match its architecture \\(Linear\\): unexpected keys: ${name}$`));
    refuses(() => io.load(p, { model: new nn.Linear(2, 1) }), p, new RegExp(`does not match the model \\(Linear\\): unexpected keys: ${name}$`));
    const sd = io.loadStateDict(p);
    assert.ok(Object.hasOwn(sd, name), `${name} is an own key of the state dict`);
    const target = new nn.Linear(2, 1);
    assert.throws(() => target.loadStateDict(sd), (e: unknown) => e instanceof ds.ArgumentError && e.message.includes(`unexpected keys: ${name}`));
    assert.deepEqual(target.loadStateDict(sd, { strict: false }).unexpectedKeys, [name]);
  }
  // And a file missing "weight" is not completed by an inherited property of the same name.
  const p = fileOf("proto-only.safetensors", `{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4));
  refuses(() => io.load(p, { model: new nn.Linear(2, 1) }), p, /missing keys: weight, bias \| unexpected keys: __proto__/);
});
