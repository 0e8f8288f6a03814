// Fuzz target: IDX files (MNIST's format), raw and gzip, through data.readIdx.
import { gunzipSync, gzipSync } from "node:zlib";
import { data } from "../../src/index.js";
import type { FuzzTarget } from "../target.js";

type Rand = () => number;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)];

// element type code → bytes per element
const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
const CODES = Object.keys(SIZES).map(Number);

/** An IDX file: the magic number 00 00 <type> <ndim>, big-endian uint32 dimensions, then the data. */
function idx(code: number, shape: number[], fill: (i: number) => number = (i) => (i * 37) % 251): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * shape.length + n * SIZES[code]);
  const v = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * shape.length;
  for (let i = 0; i < n; i++) {
    const x = fill(i);
    if (code === 0x08 || code === 0x09) out[at + i] = x;
    else if (code === 0x0b) v.setInt16(at + 2 * i, x - 125, false);
    else if (code === 0x0c) v.setInt32(at + 4 * i, x * 65_537 - 9_999_999, false);
    else if (code === 0x0d) v.setFloat32(at + 4 * i, x / 7, false);
    else v.setFloat64(at + 8 * i, x / 7, false);
  }
  return out;
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));

/** The raw IDX bytes of an input (gunzipped when it is gzip and still valid), and how to wrap a mutated copy back. */
function unwrap(input: Uint8Array): { raw: Uint8Array; wrap: (b: Uint8Array) => Uint8Array } {
  if (!isGzip(input)) return { raw: input, wrap: (b) => b };
  try {
    return { raw: new Uint8Array(gunzipSync(input)), wrap: gz };
  } catch {
    return { raw: input, wrap: (b) => b };
  }
}

const BIG = [0, 1, 2, 255, 256, 65_535, 65_536, 30_000, 1e9, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];

const target: FuzzTarget = {
  name: "idx",
  ext: ".idx",
  corpus() {
    const raw = [
      idx(0x08, [4, 3, 3]), // MNIST-like images
      idx(0x08, [10], (i) => i % 10), // labels
      idx(0x09, [2, 5]),
      idx(0x0b, [3, 2]),
      idx(0x0c, [2, 2, 2]),
      idx(0x0d, [5]),
      idx(0x0e, [1, 3]),
      idx(0x08, [0, 28, 28]),
      idx(0x08, [1, 1, 1, 1, 1, 1, 1, 1]),
    ];
    return [...raw, ...raw.slice(0, 4).map(gz), gz(idx(0x08, [64, 28, 28], (i) => (i % 28 < 14 ? 0 : 255)))];
  },
  parse(path) {
    data.readIdx(path).dispose();
  },
  mutators: [
    // a dimension, the type or the rank swapped for a value that once made the reader allocate or fail oddly
    (input, r) => {
      const { raw, wrap } = unwrap(input);
      const b = raw.slice();
      if (b.length < 4) return input;
      const what = int(r, 3);
      if (what === 0) b[2] = r() < 0.7 ? pick(r, CODES) : int(r, 256);
      else if (what === 1) b[3] = pick(r, [0, 1, 2, 3, 8, 64, 255]);
      else {
        const ndim = Math.max(1, Math.min(b[3], Math.floor((b.length - 4) / 4)));
        if (b.length >= 8) new DataView(b.buffer).setUint32(4 + 4 * int(r, ndim), pick(r, BIG), false);
      }
      return wrap(b);
    },
    // data cut short or extended (inside the gzip stream, so the sizes disagree after decompression)
    (input, r) => {
      const { raw, wrap } = unwrap(input);
      if (r() < 0.5) return wrap(raw.subarray(0, int(r, raw.length + 1)));
      const extra = new Uint8Array(int(r, 1 << (4 + int(r, 18)))); // up to 2 MB of zeros: compresses ~1000:1
      const out = new Uint8Array(raw.length + extra.length);
      out.set(raw);
      return wrap(out);
    },
    // gzip-level damage: truncation, trailing garbage, extra members, a member holding only the header
    (input, r) => {
      const g = isGzip(input) ? input : gz(input);
      switch (int(r, 4)) {
        case 0: return g.subarray(0, int(r, g.length + 1));
        case 1: return new Uint8Array([...g, ...Array.from({ length: 1 + int(r, 16) }, () => int(r, 256))]);
        case 2: return new Uint8Array([...g, ...gz(new Uint8Array(int(r, 100_000)))]);
        default: {
          const { raw } = unwrap(g);
          const cut = Math.min(raw.length, 4 + 4 * (raw[3] ?? 0));
          return new Uint8Array([...gz(raw.subarray(0, cut)), ...gz(raw.subarray(cut))]);
        }
      }
    },
  ],
};
export default target;
