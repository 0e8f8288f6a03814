// readIdx: the IDX files of MNIST and Fashion-MNIST (raw or gzip), as tensors.
import { FileError } from "../core/errors.js";
import type { DType } from "../core/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { reshape } from "../ops/shape.js";
import { maybeGunzip, readBytes } from "./files.js";

// IDX type codes: element size and the deepscript dtype they become.
const TYPES: Record<number, { name: string; size: number; dtype: DType }> = {
  0x08: { name: "ubyte", size: 1, dtype: "int32" },
  0x09: { name: "byte", size: 1, dtype: "int32" },
  0x0b: { name: "short", size: 2, dtype: "int32" },
  0x0c: { name: "int", size: 4, dtype: "int32" },
  0x0d: { name: "float", size: 4, dtype: "float32" },
  0x0e: { name: "double", size: 8, dtype: "float64" },
};

/**
 * Reads an IDX file (the format of MNIST and Fashion-MNIST: `train-images-idx3-ubyte[.gz]` …),
 * gzip-compressed or not (told by the magic bytes). Unsigned and signed bytes and shorts become
 * int32 (deepscript has no 8-bit dtype), ints int32, floats float32, doubles float64.
 * A missing, truncated or malformed file throws a FileError naming the file and the problem.
 * @example const x = data.readIdx("train-images-idx3-ubyte.gz").float().div(255); // [60000, 28, 28]
 */
export function readIdx(path: string): Tensor {
  const op = "readIdx";
  const bytes = maybeGunzip(op, path, readBytes(op, path));
  const fail = (why: string) => new FileError(op, path, why);
  if (bytes.length < 4) throw fail(`truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`bad magic number ${hex(bytes.subarray(0, 4))}: not an IDX file (expected 00 00 <type> <ndim>)`);
  }
  const type = TYPES[bytes[2]];
  if (!type) throw fail(`bad magic number ${hex(bytes.subarray(0, 4))}: unknown element type 0x${bytes[2].toString(16).padStart(2, "0")}`);
  const ndim = bytes[3];
  if (ndim === 0) throw fail("bad magic number: zero dimensions");
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) throw fail(`truncated header: ${ndim} dims need ${dataStart} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.size;
  const actual = bytes.length - dataStart;
  if (actual < expected) throw fail(`truncated data: shape [${shape}] of ${type.name} needs ${expected} bytes, the file has ${actual}`);
  if (actual > expected) throw fail(`size mismatch: shape [${shape}] of ${type.name} needs ${expected} bytes, the file has ${actual - expected} more`);
  const values = decode(view, dataStart, count, bytes[2]);
  return reshape(tensor(values, { dtype: type.dtype }), shape);
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
