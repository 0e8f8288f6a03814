// io.loadTorch (src/io/torch/): torch.save files made by PyTorch 1.13 (tools/gen_torch_fixtures.py)
// read back value for value; a loaded model computes PyTorch's outputs; resuming PyTorch's Adam
// state gives PyTorch's next step; malicious pickles are refused without running; hand-made
// corrupt archives and pickles are FileErrors naming the file and the reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inflateSync, zipSync } from "fflate";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { io, nn, optim } = ds;
const FIX = new URL("./fixtures/torch/", import.meta.url).pathname;
const fix = (name: string) => join(FIX, name);
const dir = mkdtempSync(join(tmpdir(), "ds-torch-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

interface Desc { dtype: string; shape: number[]; values: number[] }
type Sd = Record<string, Desc>;
const EXPECTED = JSON.parse(readFileSync(fix("torch.json"), "utf8")) as {
  mlp: { state: Sd; input: Desc; output: Desc };
  cnn: { state: Sd; input: Desc; output: Desc };
  checkpoint: Record<string, unknown> & { model: Sd; next: Sd; x: Desc; t: Desc; optimizer: { state: Record<string, Record<string, Desc>>; param_groups: Record<string, unknown>[] } };
  dtypes: Sd;
  views: Sd;
  evil: Record<string, string>;
  optimizers: Record<string, { class: "SGD" | "AdamW" | "RMSprop" | "Adagrad"; next: Sd }>;
};

// The dtype each torch dtype loads as.
const LOADED: Record<string, string> = { float32: "float32", float64: "float64", float16: "float32", bfloat16: "float32", int64: "int32", int32: "int32", int16: "int32", int8: "int32", uint8: "int32", bool: "bool" };

/** Exact equality of a loaded tensor with PyTorch's description of it. */
function assertTensor(t: unknown, want: Desc, what: string): void {
  assert.ok(t instanceof ds.Tensor, `${what} is a Tensor`);
  assert.equal(t.dtype, LOADED[want.dtype], `${what} dtype`);
  assert.deepEqual(t.shape, want.shape, `${what} shape`);
  assert.deepEqual(Array.from(t.dataSync(), Number), want.values, `${what} values`);
}

function assertStateDict(sd: Record<string, unknown>, want: Sd): void {
  assert.deepEqual(Object.keys(sd), Object.keys(want), "keys in PyTorch's order");
  for (const [k, d] of Object.entries(want)) assertTensor(sd[k], d, k);
}

const tensorOf = (d: Desc) => ds.tensor(Float32Array.from(d.values)).reshape(d.shape);

function throwsFile(fn: () => unknown, path: string, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ds.FileError, `expected FileError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.equal(e.path, path);
    assert.equal(e.op, "loadTorch");
    assert.match(e.message, reason);
    return true;
  });
}

test("state dicts (MLP; CNN with BatchNorm, num_batches_tracked int64) load value for value, in PyTorch's key order", () => {
  assertStateDict(io.loadTorch(fix("mlp.pt")), EXPECTED.mlp.state);
  assertStateDict(io.loadTorch(fix("cnn.pt")), EXPECTED.cnn.state);
  // pickle protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL) reads the same.
  assertStateDict(io.loadTorch(fix("proto4.pt")), EXPECTED.mlp.state);
});

test("a model given a loaded state dict computes PyTorch's outputs", async () => {
  const mlp = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  mlp.loadStateDict(await io.loadTorch(fix("mlp.pt")));
  assertClose(mlp.call(tensorOf(EXPECTED.mlp.input)), EXPECTED.mlp.output.values, { rtol: 1e-6, atol: 1e-6 });

  const cnn = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(36, 5));
  cnn.loadStateDict(io.loadTorch(fix("cnn.pt")));
  cnn.eval();
  assertClose(cnn.call(tensorOf(EXPECTED.cnn.input)), EXPECTED.cnn.output.values, { rtol: 1e-5, atol: 1e-6 });
  const n = cnn.stateDict()["1.num_batches_tracked"];
  assert.equal(n.dtype, "int32");
  assert.equal(n.item(), 3);
});

test("a checkpoint dict: plain values, the model, and PyTorch's Adam state resume to PyTorch's next step", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the checkpoint's shape is the test's subject
  const ckpt = io.loadTorch<Record<string, any>>(fix("checkpoint.pt"));
  const E = EXPECTED.checkpoint;
  assert.deepEqual(Object.keys(ckpt), ["model", "optimizer", "epoch", "note", "losses", "flags", "big", "ratio", "blob"]);
  assert.equal(ckpt.epoch, 7);
  assert.equal(ckpt.note, "adam run");
  assert.deepEqual(ckpt.losses, [0.5, 0.25, 0.125]);
  assert.deepEqual(ckpt.flags, [true, null]);
  assert.equal(ckpt.big, 2 ** 40);
  assert.equal(ckpt.ratio, -0.125);
  assert.ok(ckpt.blob instanceof Uint8Array);
  assert.deepEqual(Array.from(ckpt.blob), E.blob);
  assertStateDict(ckpt.model, E.model);

  // The optimizer state dict, as PyTorch wrote it: int keys as text, step a 0-d tensor.
  const osd = ckpt.optimizer;
  assert.deepEqual(Object.keys(osd.state), Object.keys(E.optimizer.state));
  for (const [i, st] of Object.entries(E.optimizer.state)) for (const [k, d] of Object.entries(st)) assertTensor(osd.state[i][k], d, `state ${i} ${k}`);
  assert.deepEqual(osd.param_groups, E.optimizer.param_groups);

  const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const opt = new optim.Adam(net.parameters(), { lr: 0.5 });
  net.loadStateDict(ckpt.model);
  opt.loadStateDict(ckpt.optimizer);
  assert.deepEqual(opt.paramGroups[0].betas, [0.8, 0.99]);
  assert.equal(opt.paramGroups[0].lr, 0.01);
  opt.zeroGrad();
  nn.functional.mse(net.call(tensorOf(E.x)), tensorOf(E.t)).backward();
  opt.step();
  const after = net.stateDict();
  for (const [k, d] of Object.entries(E.next)) assertClose(after[k], d.values, { rtol: 0, atol: 1e-6, msg: k });
  // And the step moved them: the comparison is not with the loaded values.
  assert.ok(Object.entries(E.model).some(([k, d]) => Math.abs(after[k].dataSync()[0] - d.values[0]) > 1e-5));
});

test("SGD (nesterov), AdamW (amsgrad), RMSprop (centered, momentum) and Adagrad state dicts from PyTorch resume to its next step", () => {
  const E = EXPECTED.checkpoint;
  for (const [name, { class: cls, next }] of Object.entries(EXPECTED.optimizers)) {
    const ckpt = io.loadTorch<{ model: ds.nn.StateDict; optimizer: ds.optim.OptimizerStateDict }>(fix(`optim_${name}.pt`));
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    // Hyperparameters other than the class's defaults come from the file.
    const opt = new optim[cls](net.parameters(), {});
    net.loadStateDict(ckpt.model);
    opt.loadStateDict(ckpt.optimizer);
    opt.zeroGrad();
    nn.functional.mse(net.call(tensorOf(E.x)), tensorOf(E.t)).backward();
    opt.step();
    const after = net.stateDict();
    for (const [k, d] of Object.entries(next)) assertClose(after[k], d.values, { rtol: 0, atol: 1e-6, msg: `${name} ${k}` });
  }
});

test("every storage dtype: float16/bfloat16 → float32 exactly, int64 and small ints → int32, uint8 → int32, bool", () => {
  const t = io.loadTorch<Record<string, ds.Tensor>>(fix("dtypes.pt"));
  for (const [k, d] of Object.entries(EXPECTED.dtypes)) assertTensor(t[k], d, k);
  throwsFile(() => io.loadTorch(fix("int64_overflow.pt")), fix("int64_overflow.pt"), /storage 0 \(int64\) element 0 = 2147483648 does not fit int32/);
});

test("strides and storage offsets are honoured; tensors sharing a storage; expand (stride 0); Parameter keeps requires_grad", () => {
  const v = io.loadTorch<Record<string, ds.Tensor>>(fix("views.pt"));
  for (const [k, d] of Object.entries(EXPECTED.views)) assertTensor(v[k], d, k);
  assert.equal(v.param.requiresGrad, true);
  assert.equal(v.transposed.requiresGrad, false);
  // Loaded tensors are copies: writing one does not change another made from the same storage.
  v.first.copy_(ds.zeros([4]));
  assert.deepEqual(Array.from(v.second.dataSync()), [5, 6, 7, 8, 9]);
});

test("malicious pickles (os.system, builtins.eval, a custom class' __reduce__) are refused, naming the global, and nothing runs", () => {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    for (const [file, global] of Object.entries(EXPECTED.evil)) {
      throwsFile(() => io.loadTorch(fix(file)), fix(file), new RegExp(`refused global ${global.replace(/\./g, "\\.")}`));
      assert.equal(existsSync(join(dir, "PWNED")), false);
    }
  } finally {
    process.chdir(cwd);
  }
});

test("the legacy (pre-1.6, non-zip) format loads the same state dict; damaged legacy files and non-torch files are refused", () => {
  assertStateDict(io.loadTorch(fix("legacy.pt")), EXPECTED.mlp.state);
  const legacy = new Uint8Array(readFileSync(fix("legacy.pt")));
  const damaged: [string, Uint8Array, RegExp][] = [
    ["truncated", legacy.subarray(0, legacy.length - 10), /truncated: storage \d+ needs \d+ bytes/],
    ["trailing", new Uint8Array([...legacy, 0]), /1 bytes after the last storage/],
    ["header only", legacy.subarray(0, 15), /truncated pickle: it ends without STOP/],
    ["other pickle", Uint8Array.from([0x80, 2, 0x4b, 7, 0x2e]), /a pickle, but not a torch\.save file/],
  ];
  for (const [what, b, reason] of damaged) {
    const p = join(dir, `legacy-${what.replace(/ /g, "_")}.pt`);
    writeFileSync(p, b);
    throwsFile(() => io.loadTorch(p), p, reason);
  }
  throwsFile(() => io.loadTorch(fix("torch.json")), fix("torch.json"), /not a torch\.save file/);
  throwsFile(() => io.loadTorch(fix("whole_module.pt")), fix("whole_module.pt"), /refused global torch\.nn\.modules\.container\.Sequential: the file holds a whole nn\.Module .* save model\.state_dict\(\) instead/);
  const p = join(dir, "other.zip");
  writeFileSync(p, zipSync({ "a/b.txt": new Uint8Array([1]) }));
  throwsFile(() => io.loadTorch(p), p, /no <name>\/data\.pkl/);
  throwsFile(() => io.loadTorch(join(dir, "missing.pt")), join(dir, "missing.pt"), /no such file|not found|does not exist/i);
});

test("every source kind: path, bytes and ArrayBuffer at once; file URL, Blob and Response awaited", async () => {
  const bytes = new Uint8Array(readFileSync(fix("mlp.pt")));
  assertStateDict(io.loadTorch(bytes), EXPECTED.mlp.state);
  assertStateDict(io.loadTorch(bytes.slice().buffer), EXPECTED.mlp.state);
  const url = io.loadTorch<Record<string, unknown>>(pathToFileURL(fix("mlp.pt")));
  assert.ok(url instanceof Promise);
  assertStateDict(await url, EXPECTED.mlp.state);
  assertStateDict(await io.loadTorch(new Blob([bytes])), EXPECTED.mlp.state);
  assertStateDict(await io.loadTorch(new Response(bytes)), EXPECTED.mlp.state);
  assert.throws(() => io.loadTorch(42 as never), ds.ArgumentError);
});

// ---- Hand-made archives: a torch.save layout around a given pickle and storages ----

/** A protocol-2 pickle from opcode pieces (numbers are bytes, strings are latin-1 text). */
function pkl(...parts: (number | string | Uint8Array)[]): Uint8Array {
  const out: number[] = [0x80, 2];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else if (typeof p === "string") for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  out.push(0x2e); // STOP
  return Uint8Array.from(out);
}
const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
const str = (s: string) => new Uint8Array([0x58, ...u32(s.length), ...new TextEncoder().encode(s)]); // BINUNICODE
const int1 = (v: number) => new Uint8Array([0x4b, v]); // BININT1
const GLOBAL = (m: string, n: string) => `c${m}\n${n}\n`;
const MARK = 0x28, TUPLE = 0x74, REDUCE = 0x52, EMPTY_DICT = 0x7d, SETITEM = 0x73, BINPERSID = 0x51, NEWFALSE = 0x89, EMPTY_TUPLE = 0x29;

/** The pickle of `{name: _rebuild_tensor_v2(storage key, offset, size, stride)}` over a FloatStorage of `numel`. */
function tensorPkl(key: string, numel: number, offset: number, size: number[], stride: number[]): Uint8Array {
  const tup = (xs: number[]) => [MARK, ...xs.flatMap((x) => [...int1(x)]), TUPLE];
  return pkl(EMPTY_DICT, str("w"), GLOBAL("torch._utils", "_rebuild_tensor_v2"), MARK,
    MARK, str("storage"), GLOBAL("torch", "FloatStorage"), str(key), str("cpu"), int1(numel), TUPLE, BINPERSID,
    int1(offset), ...tup(size), ...tup(stride), NEWFALSE, GLOBAL("collections", "OrderedDict"), EMPTY_TUPLE, REDUCE, TUPLE, REDUCE, SETITEM);
}

function archive(name: string, members: Record<string, Uint8Array>, level: 0 | 6 = 0): string {
  const p = join(dir, name);
  writeFileSync(p, zipSync(members, { level }));
  return p;
}
const floats = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

test("hand-made archives: a deflated member reads the same; a big-endian archive is byte-swapped", () => {
  const ok = archive("ok.pt", { "archive/data.pkl": tensorPkl("0", 4, 1, [3], [1]), "archive/data/0": floats(1, 2, 3, 4), "archive/version": new TextEncoder().encode("3\n") }, 6);
  assert.deepEqual(io.loadTorch<Record<string, ds.Tensor>>(ok).w.toArray(), [2, 3, 4]);
  // Node's zlib inflates by default; outside Node the asynchronous form brings fflate's; with none, a FileError.
  const bytes = new Uint8Array(readFileSync(ok));
  const fflate = (raw: Uint8Array, size: number) => inflateSync(raw, { out: new Uint8Array(size) });
  assert.deepEqual((io.decodeTorch(bytes, "ok.pt", "loadTorch", fflate) as Record<string, ds.Tensor>).w.toArray(), [2, 3, 4]);
  assert.throws(() => io.decodeTorch(bytes, "ok.pt", "loadTorch", null), /ok\.pt: member "archive\/(data\.pkl|version)" is deflate-compressed, which only the asynchronous form can read here/);

  // torch >= 2.1 writes byteorder; a big-endian machine's storages are big-endian (made by
  // tools/gen_torch_fixtures.py from dtypes.pt, swapping each storage's elements).
  const big = io.loadTorch<Record<string, ds.Tensor>>(fix("dtypes_big.pt"));
  for (const [k, d] of Object.entries(EXPECTED.dtypes)) assertTensor(big[k], d, k);
});

test("corrupt archives are FileErrors naming the file and the reason", () => {
  const pk = tensorPkl("0", 4, 0, [4], [1]);
  const base = { "archive/data.pkl": pk, "archive/data/0": floats(1, 2, 3, 4) };
  const cases: [string, Record<string, Uint8Array>, RegExp][] = [
    ["short storage", { ...base, "archive/data/0": floats(1, 2, 3) }, /storage 0 holds 12 bytes, but 4 float32 elements need 16/],
    ["missing storage", { "archive/data.pkl": pk }, /storage 0 is not in the archive/],
    ["out of bounds view", { ...base, "archive/data.pkl": tensorPkl("0", 4, 2, [2, 2], [2, 1]) }, /reaches element 5 of a storage of 4/],
    ["ndim mismatch", { ...base, "archive/data.pkl": tensorPkl("0", 4, 0, [2, 2], [1]) }, /2 sizes but 1 strides/],
    ["two pickles", { ...base, "b/data.pkl": pk }, /holds 2 pickles/],
    ["bad version", { ...base, "archive/version": new TextEncoder().encode("x") }, /not a format version/],
    ["bad byteorder", { ...base, "archive/byteorder": new TextEncoder().encode("middle") }, /byteorder is "middle"/],
  ];
  for (const [what, members, reason] of cases) {
    const p = archive(`${what.replace(/ /g, "_")}.pt`, members);
    throwsFile(() => io.loadTorch(p), p, reason);
  }
  const good = zipSync(base, { level: 0 });
  const at = good.indexOf(0x80); // the pickle's first byte, stored uncompressed
  const edits: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ["truncated", (b) => b.subarray(0, b.length - 30), /end-of-central-directory|corrupt zip/],
    ["flipped byte", (b) => { const c = b.slice(); c[at + 5] ^= 0x40; return c; }, /CRC-32/],
    ["garbage", (b) => b.map((_, i) => (i * 7) & 0xff).fill(0x50, 0, 1).fill(0x4b, 1, 2), /not a zip archive|corrupt zip/],
  ];
  for (const [what, edit, reason] of edits) {
    const p = join(dir, `${what}.pt`);
    writeFileSync(p, edit(good));
    throwsFile(() => io.loadTorch(p), p, reason);
  }
  // A central directory that declares a huge deflated size: refused before any buffer is made.
  const defl = zipSync(base, { level: 6 });
  const dv = new DataView(defl.buffer);
  for (let i = defl.length - 22; i >= 0; i--) {
    if (dv.getUint32(i, true) === 0x02014b50) dv.setUint32(i + 24, 0x7ffffff0, true);
  }
  const bomb = join(dir, "bomb.pt");
  writeFileSync(bomb, defl);
  throwsFile(() => io.loadTorch(bomb), bomb, /more than deflate can produce/);
});

test("hostile pickles: cycles, depth, memo misuse, refused opcodes, bad keys, expansion bombs — all FileErrors", () => {
  const storage = { "archive/data/0": floats(1, 2, 3, 4) };
  const EMPTY_LIST = 0x5d, APPEND = 0x61, BINPUT = 0x71, BINGET = 0x68;
  const cases: [string, Uint8Array, RegExp][] = [
    ["cycle", pkl(EMPTY_LIST, BINPUT, 0, BINGET, 0, APPEND), /contains itself/],
    ["deep", pkl(...Array(100).fill(EMPTY_LIST), ...Array(99).fill(APPEND)), /nests deeper than 64/],
    ["memo", pkl(BINGET, 7), /memo entry 7 is read before it is written/],
    ["empty stack", pkl(APPEND), /stack is empty/],
    ["no stop", pkl(EMPTY_DICT).subarray(0, 3), /ends without STOP/],
    ["leftover", pkl(EMPTY_DICT, EMPTY_DICT), /left on the stack/],
    ["set", pkl(0x8f), /EMPTY_SET.*refused/],
    ["newobj", pkl(GLOBAL("collections", "OrderedDict"), EMPTY_TUPLE, 0x81), /NEWOBJ.*refused/],
    ["float key", pkl(EMPTY_DICT, 0x47, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0, int1(1), SETITEM), /dict key is a number: only str and int keys/],
    ["int and str key", pkl(EMPTY_DICT, int1(1), int1(1), SETITEM, str("1"), int1(2), SETITEM), /both the int key 1 and the str key "1"/],
    ["reduce non-global", pkl(EMPTY_DICT, EMPTY_TUPLE, REDUCE), /REDUCE calls a dict/],
    ["storage type called", pkl(GLOBAL("torch", "FloatStorage"), EMPTY_TUPLE, REDUCE), /calls torch\.FloatStorage/],
    ["bare global", pkl(GLOBAL("torch", "FloatStorage")), /bare global torch\.FloatStorage/],
    ["complex", pkl(GLOBAL("torch", "ComplexFloatStorage")), /torch\.ComplexFloatStorage, a storage type deepscript has no dtype for/],
    ["nn.Module", pkl(GLOBAL("torch.nn.modules.linear", "Linear")), /refused global torch\.nn\.modules\.linear\.Linear/],
    ["expand bomb", tensorPkl("0", 4, 0, [255, 255, 255], [0, 0, 0]), /more than 16×/],
    ["bad pid", pkl(MARK, str("storage"), TUPLE, BINPERSID), /persistent id is a tuple of 1/],
    ["long4", pkl(0x8b, u32(5000), new Uint8Array(5000)), /LONG4 integer of 5000 bytes/],
    ["huge string", pkl(0x58, u32(0xfffffff0)), /truncated pickle: a string at byte 7 needs 4294967280 bytes, 1 remain/],
  ];
  for (const [what, p, reason] of cases) {
    const file = archive(`pkl_${what.replace(/ /g, "_")}.pt`, { "archive/data.pkl": p, ...storage });
    assert.doesNotThrow(() => assert.throws(() => io.loadTorch(file)), `${what} is refused`);
    throwsFile(() => io.loadTorch(file), file, reason);
  }
});
