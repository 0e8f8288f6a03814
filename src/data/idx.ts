// readIdx: the IDX files of MNIST and Fashion-MNIST (raw or gzip), as tensors.
import { FileError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import type { DType } from "../core/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { reshape } from "../ops/shape.js";
import { fileSize, gunzipAtMost, gunzipHead, isGzip } from "./files.js";
import {
  checkSource, gunzipAsync, isSyncSource, nodeBuiltin, readSource, readSourceSync, sourceName, type AsyncSource, type FileSource, type SyncSource,
} from "../core/source.js";

// IDX type codes: element size and the deepscript dtype they become.
const TYPES: Partial<Record<number, { name: string; size: number; dtype: DType }>> = {
  0x08: { name: "ubyte", size: 1, dtype: "int32" },
  0x09: { name: "byte", size: 1, dtype: "int32" },
  0x0b: { name: "short", size: 2, dtype: "int32" },
  0x0c: { name: "int", size: 4, dtype: "int32" },
  0x0d: { name: "float", size: 4, dtype: "float32" },
  0x0e: { name: "double", size: 8, dtype: "float64" },
};

/** Options of readIdx. */
export interface IdxOptions {
  /**
   * The most bytes of data (after the header, decompressed) the file may declare: default 2^28
   * (256 MiB), more than any MNIST-family file but EMNIST's byclass and bymerge (547 MB). Checked
   * against the header before anything of that size is allocated or decompressed.
   */
  maxBytes?: number;
}

/** readIdx's default `maxBytes`. */
const IDX_MAX_BYTES = 2 ** 28;

// The longest IDX header: the magic number and 255 dimensions.
const MAX_HEADER = 4 + 4 * 255;

/**
 * Reads an IDX file (the format of MNIST and Fashion-MNIST: `train-images-idx3-ubyte[.gz]` …),
 * gzip-compressed or not (told by the magic bytes). Unsigned and signed bytes and shorts become
 * int32 (deepscript has no 8-bit dtype), ints int32, floats float32, doubles float64.
 * A missing, truncated, malformed or oversized file throws a FileError naming the file and the problem;
 * a gzip file is decompressed only as far as its header declares. Takes a path or bytes (and
 * returns the tensor), or a URL, Response, File or Blob (and returns a Promise of it: in a page,
 * `await data.readIdx(new URL("t10k-labels-idx1-ubyte.gz", location.href))`).
 * @example const x = data.readIdx("train-images-idx3-ubyte.gz").float().div(255); // [60000, 28, 28]
 */
export function readIdx(src: SyncSource, opts?: IdxOptions): Tensor;
export function readIdx(src: AsyncSource, opts?: IdxOptions): Promise<Tensor>;
export function readIdx(src: FileSource, opts?: IdxOptions): Tensor | Promise<Tensor>;
export function readIdx(src: FileSource, opts: IdxOptions = {}): Tensor | Promise<Tensor> {
  const op = "readIdx";
  checkOptions(op, opts, ["maxBytes"]);
  const maxBytes = opts.maxBytes === undefined ? IDX_MAX_BYTES : checkNumber(op, "maxBytes", opts.maxBytes, { integer: true, min: 0 });
  checkSource(op, src);
  // A path's size is checked before its bytes are read.
  if (typeof src === "string") checkSize(op, src, fileSize(op, src), maxBytes);
  if (isSyncSource(src)) return parseIdx(op, sourceName(src), readSourceSync(op, src), maxBytes);
  return readSource(op, src).then(async (file) => {
    const name = sourceName(src);
    checkSize(op, name, file.length, maxBytes);
    // Outside Node there is no synchronous gunzip: inflate (at most what a valid file can hold) first.
    if (isGzip(file) && !nodeBuiltin("node:zlib")) {
      const out = await gunzipAsync(op, name, file, MAX_HEADER + maxBytes);
      if (out.more) throw new FileError(op, name, `decompresses to more than an IDX file of at most ${maxBytes} bytes of data can be (the maxBytes option raises the limit)`);
      file = out.bytes;
    }
    return parseIdx(op, name, file, maxBytes);
  });
}

// Not even compressed can a file within the limit be this big (gzip adds well under 1.5%).
function checkSize(op: string, name: string, size: number, maxBytes: number): void {
  if (size > maxBytes + Math.ceil(maxBytes / 64) + (1 << 16)) {
    throw new FileError(op, name, `${size} bytes, more than an IDX file of at most ${maxBytes} bytes of data can be (the maxBytes option raises the limit)`);
  }
}

/** An IDX file's bytes (raw or gzip) as a tensor; errors name `path`. */
function parseIdx(op: string, path: string, file: Uint8Array, maxBytes: number): Tensor {
  const fail = (why: string) => new FileError(op, path, why);
  const gzip = isGzip(file);
  const head = gzip ? gunzipHead(op, path, file, MAX_HEADER) : file;
  const h = parseHeader(head, fail);
  const expected = h.count * h.type.size;
  if (expected > maxBytes) {
    throw fail(`shape [${h.shape}] of ${h.type.name} declares ${expected} bytes of data, more than maxBytes (${maxBytes}); the maxBytes option raises the limit`);
  }
  let bytes = file;
  if (gzip) {
    const out = gunzipAtMost(op, path, file, h.dataStart + expected);
    if (out.more) throw fail(`size mismatch: shape [${h.shape}] of ${h.type.name} needs ${expected} bytes, the gzip data holds more`);
    bytes = out.bytes;
  }
  const actual = bytes.length - h.dataStart;
  if (actual < expected) throw fail(`truncated data: shape [${h.shape}] of ${h.type.name} needs ${expected} bytes, the file has ${actual}`);
  if (actual > expected) throw fail(`size mismatch: shape [${h.shape}] of ${h.type.name} needs ${expected} bytes, the file has ${actual - expected} more`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = decode(view, h.dataStart, h.count, h.code);
  return reshape(tensor(values, { dtype: h.type.dtype }), h.shape);
}

/** The magic number and dimensions; errors say what is wrong with them. */
function parseHeader(bytes: Uint8Array, fail: (why: string) => FileError) {
  if (bytes.length < 4) throw fail(`truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`bad magic number ${hex(bytes.subarray(0, 4))}: not an IDX file (expected 00 00 <type> <ndim>)`);
  }
  const code = bytes[2];
  const type = TYPES[code];
  if (!type) throw fail(`bad magic number ${hex(bytes.subarray(0, 4))}: unknown element type 0x${code.toString(16).padStart(2, "0")}`);
  const ndim = bytes[3];
  if (ndim === 0) throw fail("bad magic number: zero dimensions");
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) throw fail(`truncated header: ${ndim} dims need ${dataStart} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  return { code, type, shape, dataStart, count };
}

function decode(v: DataView, at: number, n: number, code: number): Int32Array | Float32Array | Float64Array {
  switch (code) {
    case 0x08: return widen(new Uint8Array(v.buffer, v.byteOffset + at, n));
    case 0x09: return widen(new Int8Array(v.buffer, v.byteOffset + at, n));
    case 0x0b: { const o = new Int32Array(n); for (let i = 0; i < n; i++) o[i] = v.getInt16(at + 2 * i, false); return o; }
    case 0x0c: { const o = new Int32Array(n); for (let i = 0; i < n; i++) o[i] = v.getInt32(at + 4 * i, false); return o; }
    case 0x0d: { const o = new Float32Array(n); for (let i = 0; i < n; i++) o[i] = v.getFloat32(at + 4 * i, false); return o; }
    default: { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = v.getFloat64(at + 8 * i, false); return o; }
  }
}

// TypedArray.set converts element types natively (much faster than Int32Array.from's iteration).
function widen(src: Uint8Array | Int8Array): Int32Array {
  const o = new Int32Array(src.length);
  o.set(src);
  return o;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}
