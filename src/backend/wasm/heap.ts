// The wasm backend's memory: one growable WebAssembly.Memory shared by every kernel module, and a
// size-class allocator over it. Blocks are 64-byte aligned (whole cache lines, v128 loads). Freed
// blocks merge with free neighbours and with the unallocated top, and a request that finds no
// block of its class splits the smallest larger free block, so memory freed by one shape of
// workload serves the next instead of the heap growing forever.
import { MemoryError } from "../../core/errors.js";

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 address space
const MIN_BLOCK = 64;
/** Blocks up to this size go on quick lists when freed; at most QUICK_LIMIT bytes wait there. */
const QUICK_MAX = 64 * 1024;
const QUICK_LIMIT = 8 * 1024 * 1024;

/** The size class of a request: 64 bytes, then 4 classes per power of two (at most 25% waste). */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BLOCK) return MIN_BLOCK;
  // 2^e ≥ bytes - 1 ≥ 2^(e-1) without Math.log2 (this runs for every allocation); bytes < 2^32.
  const e = 31 - Math.clz32(bytes - 1);
  const step = 1 << Math.max(6, e - 2); // e ≤ 31, so at most 1 << 29
  return Math.ceil(bytes / step) * step;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  private top = MIN_BLOCK; // address 0..63 stays unused so that 0 never names a live block
  /** Highest address ever handed out: memory at or above it is still zero as the runtime gave it. */
  private everTop = MIN_BLOCK;
  /** Free blocks by exact size, and by start and end address (for merging neighbours). */
  private readonly free = new Map<number, Set<number>>();
  private readonly freeStart = new Map<number, number>();
  private readonly freeEnd = new Map<number, number>();
  private inUse = 0;
  /** Recently freed small blocks by size, not yet merged (see release). */
  private readonly quick = new Map<number, number[]>();
  private quickBytes = 0;
  private views: { buffer: ArrayBuffer; u8: Uint8Array; i32: Int32Array; f32: Float32Array; f64: Float64Array } | null = null;

  /** `shared`: a memory that worker threads can share (SharedArrayBuffer-backed). */
  constructor(initialPages = 256, readonly shared = false) {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared });
  }

  /** Typed views of the whole memory (recreated after the memory grows). */
  get u8(): Uint8Array { return this.view().u8; }
  get i32(): Int32Array { return this.view().i32; }
  get f32(): Float32Array { return this.view().f32; }
  get f64(): Float64Array { return this.view().f64; }

  private view() {
    const buffer = this.memory.buffer as ArrayBuffer; // a SharedArrayBuffer when shared; typed arrays take either
    if (this.views?.buffer !== buffer) {
      this.views = { buffer, u8: new Uint8Array(buffer), i32: new Int32Array(buffer), f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
    }
    return this.views;
  }

  /** A block of at least `bytes` bytes, zero-filled unless `zero` is false; returns its address. */
  alloc(bytes: number, zero = true): number {
    const size = sizeClass(bytes);
    const quick = size <= QUICK_MAX ? this.quick.get(size) : undefined;
    if (quick !== undefined && quick.length > 0) {
      const p = quick.pop()!;
      this.quickBytes -= size;
      this.inUse += size;
      if (zero) this.u8.fill(0, p, p + bytes);
      return p;
    }
    let ptr = this.takeFree(size);
    if (ptr === undefined && this.quickBytes > 0) {
      // Before the top moves up: merge the quick lists' blocks, one of them may now serve.
      this.flushQuick();
      ptr = this.takeFree(size);
    }
    if (ptr === undefined) {
      ptr = this.top;
      const end = ptr + size;
      this.ensureCapacity(end, bytes);
      this.top = end;
      // Memory below the old high-water mark may hold old data (the top can move down).
      if (zero && ptr < this.everTop) this.u8.fill(0, ptr, Math.min(end, this.everTop));
      this.everTop = Math.max(this.everTop, end);
    } else if (zero) {
      this.u8.fill(0, ptr, ptr + bytes);
    }
    this.inUse += size;
    return ptr;
  }

  private ensureCapacity(end: number, bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    const total = have / PAGE + pages;
    if (total > MAX_PAGES) {
      throw new MemoryError("wasm backend", `allocating ${bytes} bytes would pass the 4 GiB limit of WebAssembly memory (${this.inUse} bytes in use, ${have} reserved); free tensors (dispose, ds.scope) or use smaller batches`);
    }
    try {
      // Headroom of an eighth (at least 16 MiB), not a doubling: WebAssembly memory never shrinks,
      // so a one-off peak (loading a dataset) should not reserve twice itself for the process's life.
      const headroom = Math.max(pages, Math.ceil(have / PAGE / 8), 256);
      this.memory.grow(Math.min(headroom, MAX_PAGES - have / PAGE));
    } catch {
      try {
        this.memory.grow(pages);
      } catch {
        throw new MemoryError("wasm backend", `the runtime refused to grow WebAssembly memory to ${end} bytes (${this.inUse} bytes in use)`);
      }
    }
  }

  /** A free block of exactly `size` bytes: the same size if free, else split the smallest larger one. */
  private takeFree(size: number): number | undefined {
    const exact = this.free.get(size);
    if (exact && exact.size) {
      const ptr = exact.values().next().value as number;
      this.unlinkFree(ptr, size);
      return ptr;
    }
    let best = Infinity;
    for (const [s, set] of this.free) if (s > size && s < best && set.size) best = s;
    if (best === Infinity) return undefined;
    const ptr = this.free.get(best)!.values().next().value as number;
    this.unlinkFree(ptr, best);
    this.linkFree(ptr + size, best - size);
    return ptr;
  }

  private linkFree(ptr: number, size: number): void {
    let set = this.free.get(size);
    if (!set) this.free.set(size, (set = new Set()));
    set.add(ptr);
    this.freeStart.set(ptr, size);
    this.freeEnd.set(ptr + size, ptr);
  }

  private unlinkFree(ptr: number, size: number): void {
    const set = this.free.get(size)!;
    set.delete(ptr);
    if (set.size === 0) this.free.delete(size); // merged blocks have arbitrary sizes: keep the map small
    this.freeStart.delete(ptr);
    this.freeEnd.delete(ptr + size);
  }

  /**
   * Returns a block of `bytes` (the size it was allocated with). A small block goes on its size's
   * quick list (a stack: the next request of that size takes it back at once, as an op's output
   * does in a loop); the others, and the quick lists when they pass QUICK_LIMIT or before the
   * memory would grow, merge with free neighbours.
   */
  release(ptr: number, bytes: number): void {
    const size = sizeClass(bytes);
    this.inUse -= size;
    if (size <= QUICK_MAX) {
      let q = this.quick.get(size);
      if (q === undefined) this.quick.set(size, (q = []));
      q.push(ptr);
      this.quickBytes += size;
      if (this.quickBytes > QUICK_LIMIT) this.flushQuick();
      return;
    }
    this.merge(ptr, size);
  }

  private flushQuick(): void {
    for (const [size, q] of this.quick) {
      for (const p of q) this.merge(p, size);
      q.length = 0;
    }
    this.quickBytes = 0;
  }

  private merge(ptr: number, size: number): void {
    const before = this.freeEnd.get(ptr);
    if (before !== undefined) {
      const bs = this.freeStart.get(before)!;
      this.unlinkFree(before, bs);
      ptr = before;
      size += bs;
    }
    const afterSize = this.freeStart.get(ptr + size);
    if (afterSize !== undefined) {
      this.unlinkFree(ptr + size, afterSize);
      size += afterSize;
    }
    if (ptr + size === this.top) this.top = ptr; // give the space back to the bump region
    else this.linkFree(ptr, size);
  }

  /** Bytes in live blocks, and bytes reserved from the memory so far (quick lists merged first). */
  stats(): { inUse: number; reserved: number; capacity: number } {
    this.flushQuick();
    return { inUse: this.inUse, reserved: this.top, capacity: this.memory.buffer.byteLength };
  }
}
