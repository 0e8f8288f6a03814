// Fuzz target: PyTorch torch.save zip files through io.loadTorch (src/io/torch/, src/io/zip.ts).
// The corpus is the files PyTorch 1.13 wrote for the tests (tools/gen_torch_fixtures.py), a legacy
// (non-zip) one among them, plus one re-zipped with deflate. Members carry CRC-32s, so blind byte edits mostly stop at the CRC check:
// the structure-aware mutators edit a member (the pickle's opcodes and arguments, a storage's
// bytes, the globals it names, version and byteorder) and re-zip it with fresh CRCs, so the
// pickle machine and the tensor checks behind the zip are reached; others edit the zip's
// declared sizes and offsets directly.
import { readFileSync } from "node:fs";
import { unzipSync, zipSync } from "fflate";
import { readZipDirectory, readZipEntry } from "../../src/io/zip.js";
import * as ds from "../../src/index.js";
import type { FuzzTarget } from "../target.js";
import { int, pick, type Rand } from "../mutators.js";

const FILES = ["mlp", "cnn", "checkpoint", "dtypes", "dtypes_big", "views", "proto4", "optim_adamw_amsgrad", "legacy"];

// The members of a zip, read with the library's own reader (src/io/zip.ts), or null when it refuses
// the input. (Not fflate's unzipSync: on one mutated archive it ran for minutes — seen, not
// root-caused — which stalled the harness, whose mutators run in its main thread.)
function members(b: Uint8Array): Record<string, Uint8Array> | null {
  try {
    const fail = (why: string) => new Error(why);
    const out: Record<string, Uint8Array> = {};
    for (const [name, e] of readZipDirectory(b, fail, { maxEntryBytes: 1 << 24 })) out[name] = new Uint8Array(readZipEntry(b, e, fail));
    return out;
  } catch {
    return null;
  }
}

// Rewrites one member chosen by `which` (or returns the input when it is not a readable zip).
function editMember(b: Uint8Array, rand: Rand, which: (name: string) => boolean, edit: (m: Uint8Array, rand: Rand) => Uint8Array | null): Uint8Array {
  const z = members(b);
  if (!z) return b;
  const names = Object.keys(z).filter(which);
  if (!names.length) return b;
  const name = pick(rand, names);
  const out = edit(z[name], rand);
  if (out === null) delete z[name];
  else z[name] = new Uint8Array(out);
  return zipSync(z, { level: rand() < 0.8 ? 0 : 6 });
}

const isPkl = (n: string) => n.endsWith("/data.pkl");
const isStorage = (n: string) => /\/data\/[^/]+$/.test(n);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

// Integers the pickle's small-int opcodes carry: sizes, strides, offsets, numels, memo indices.
const INTS = [0, 1, 2, 3, 4, 7, 8, 32, 127, 128, 200, 255];
// BININT1 (K) arguments are a tensor's sizes/strides/offset or a storage numel: nudge one.
function pickleInt(m: Uint8Array, rand: Rand): Uint8Array {
  const at: number[] = [];
  for (let i = 0; i + 1 < m.length; i++) if (m[i] === 0x4b) at.push(i + 1);
  if (!at.length) return m;
  const c = m.slice();
  for (let k = 1 + int(rand, 3); k > 0; k--) c[pick(rand, at)] = pick(rand, INTS);
  return c;
}

// Small in-place edits of the pickle bytes: flips, deletions, duplications of a few bytes.
function pickleBytes(m: Uint8Array, rand: Rand): Uint8Array {
  const i = int(rand, m.length), n = 1 + int(rand, 8);
  switch (int(rand, 4)) {
    case 0: { const c = m.slice(); c[i] ^= 1 << int(rand, 8); return c; }
    case 1: return new Uint8Array([...m.subarray(0, i), ...m.subarray(i + n)]);
    case 2: return new Uint8Array([...m.subarray(0, i), ...m.subarray(i, i + n), ...m.subarray(i)]);
    default: { const c = m.slice(); c[i] = pick(rand, [0x28, 0x29, 0x2e, 0x51, 0x52, 0x61, 0x62, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x7d, 0x81, 0x85, 0x86, 0x87, 0x8f, 0x93, 0x94, 0x95]); return c; }
  }
}

// Globals a hostile or unusual file names, swapped in for one the pickle has.
const GLOBALS = ["os\nsystem", "posix\nsystem", "__builtin__\neval", "builtins\nexec", "torch\nComplexFloatStorage", "torch\nDoubleStorage", "torch\nBoolStorage",
  "torch\nLongStorage", "torch._utils\n_rebuild_parameter", "torch\nSize", "torch\nfloat16", "torch\ndevice", "_codecs\nencode", "collections\nOrderedDict", "torch._utils\n_rebuild_qtensor"];
function swapGlobal(m: Uint8Array, rand: Rand): Uint8Array {
  const s = new TextDecoder("latin1").decode(m);
  const found = [...s.matchAll(/c([\w.]+\n\w+)\n/g)];
  if (!found.length) return m;
  const f = pick(rand, found);
  return latin1(s.slice(0, f.index! + 1) + pick(rand, GLOBALS) + s.slice(f.index! + 1 + f[1].length));
}

// A storage's bytes shortened, lengthened, or rewritten (int64 values past int32, bool bytes > 1, NaN floats).
function storageBytes(m: Uint8Array, rand: Rand): Uint8Array | null {
  switch (int(rand, 5)) {
    case 0: return m.subarray(0, int(rand, m.length));
    case 1: return new Uint8Array([...m, ...new Uint8Array(1 + int(rand, 16))]);
    case 2: return null;
    default: { const c = m.slice(); for (let k = 0; k < 4 && c.length; k++) c[int(rand, c.length)] = pick(rand, [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff]); return c; }
  }
}

// Sets a declared field of a central directory entry or an end record to an extreme value.
function zipField(b: Uint8Array, rand: Rand): Uint8Array {
  const out = b.slice();
  const dv = new DataView(out.buffer);
  const at: [number, number[]][] = [];
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x02014b50 && i + 46 <= out.length) at.push([i, [16, 20, 24, 42]]); // crc, sizes, local offset
    else if (sig === 0x06054b50 && i + 22 <= out.length) at.push([i, [8, 10, 12, 16]]); // counts, cd size, cd offset
    else if (sig === 0x04034b50 && i + 30 <= out.length) at.push([i, [26, 28]]); // local name/extra lengths (16-bit)
  }
  if (!at.length) return b;
  const [i, fields] = pick(rand, at);
  const f = pick(rand, fields);
  const v = pick(rand, [0, 1, 0xffff, 0xffffffff, 0x7fffffff, out.length, out.length * 2, 46]);
  if (f === 26 || f === 28 || (f === 8 || f === 10) && dv.getUint32(i, true) === 0x06054b50) dv.setUint16(i + f, v & 0xffff, true);
  else dv.setUint32(i + f, v >>> 0, true);
  return out;
}

const MUTATORS: ((input: Uint8Array, rand: Rand) => Uint8Array)[] = [
  (b, r) => editMember(b, r, isPkl, pickleInt),
  (b, r) => editMember(b, r, isPkl, pickleInt),
  (b, r) => editMember(b, r, isPkl, pickleBytes),
  (b, r) => editMember(b, r, isPkl, pickleBytes),
  (b, r) => editMember(b, r, isPkl, swapGlobal),
  (b, r) => editMember(b, r, isStorage, storageBytes),
  (b, r) => editMember(b, r, (n) => n.endsWith("/version") || n.endsWith("/byteorder") || isPkl(n), (_m, rand) => pick(rand, [latin1("big"), latin1("little"), latin1("9999999"), latin1(""), null])),
  (b, r) => editMember(b, r, () => true, () => null),
  zipField,
  // A legacy file is pickles and storages in the open: edit its pickles' bytes directly.
  (b, r) => (b[0] === 0x80 ? pick(r, [pickleInt, pickleBytes, swapGlobal])(b, r) : b),
];

const target: FuzzTarget = {
  name: "torch",
  ext: ".pt",
  corpus() {
    const files = FILES.map((f) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/torch/${f}.pt`, import.meta.url))));
    // The same checkpoint with deflated members (other zip writers compress).
    return [...files, zipSync(unzipSync(files[2]), { level: 6 })];
  },
  parse(path) {
    const dispose = (v: unknown, depth: number): void => {
      if (v instanceof ds.Tensor) v.dispose();
      else if (depth < 70 && v && typeof v === "object" && !(v instanceof Uint8Array)) for (const x of Object.values(v)) dispose(x, depth + 1);
    };
    try {
      dispose(ds.io.loadTorch(path), 0);
    } catch (e) {
      // loadTorch turns an unexpected exception into a FileError for users; here it is a bug.
      if (e instanceof ds.FileError && e.message.includes("an internal error while reading")) throw new TypeError(e.message);
      throw e;
    }
  },
  mutators: MUTATORS,
};
export default target;
