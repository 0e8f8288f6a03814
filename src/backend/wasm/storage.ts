// Storage of the wasm backend: a block of the shared WebAssembly.Memory, and typed views onto it.
import { bytesPer, type DType, type TypedArray } from "../../core/dtype.js";
import { MemoryError } from "../../core/errors.js";
import type { Storage } from "../backend.js";
import type { Heap } from "./heap.js";

/** A block of wasm memory holding `length` elements of `dtype` at byte address `ptr`. */
export class WasmStorage implements Storage {
  freed = false;
  constructor(readonly dtype: DType, readonly length: number, readonly ptr: number) {}
  get bytes(): number {
    return Math.max(1, this.length * bytesPer(this.dtype));
  }
}

export function live(s: Storage, op = "wasm backend"): WasmStorage {
  const w = s as WasmStorage;
  if (w.freed) throw new MemoryError(op, "storage was freed (a disposed tensor was used)");
  if (!(w instanceof WasmStorage)) throw new MemoryError(op, "storage belongs to another backend");
  return w;
}

/** The whole memory as an array of `dtype` (index = byte address / element size). */
export function heapArray(heap: Heap, dtype: DType): TypedArray {
  switch (dtype) {
    case "float32": case "float16": return heap.f32;
    case "float64": return heap.f64;
    case "int32": return heap.i32;
    case "bool": case "uint8": return heap.u8;
  }
}

/** Element index of view element 0 within heapArray(dtype). */
export function base(s: WasmStorage, offset = 0): number {
  return s.ptr / bytesPer(s.dtype) + offset;
}

/** A typed array over exactly the storage's elements (valid until the memory grows). */
export function storageArray(heap: Heap, s: WasmStorage): TypedArray {
  const b = base(s);
  return heapArray(heap, s.dtype).subarray(b, b + s.length);
}
