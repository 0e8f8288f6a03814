/// <reference types="@webgpu/types" />
// GPU buffers by size bucket. Creating a buffer is a driver call and zeroes its memory; a training
// step frees and allocates the same sizes every step, so freed buffers wait in per-bucket free
// lists and are handed out again. A buffer freed while commands that use it are still being
// encoded only becomes reusable at the next submit: queue.writeBuffer (used by fromArray) runs on
// the queue timeline, ahead of commands not yet submitted, and would overwrite what they read.

/** GPUBufferUsage bits (numeric, so Node needs no WebGPU globals). */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;

/** Smallest bucket, in bytes. */
const MIN_BYTES = 16;
/** Idle bytes kept for reuse; beyond this, freed buffers are destroyed. */
const MAX_IDLE_BYTES = 512 * 1024 * 1024;

/** Bucket size for `bytes`: the next of 2^k or 1.5·2^k (at most a third wasted). */
export function bucketBytes(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const p = 2 ** Math.ceil(Math.log2(bytes));
  const q = (p / 4) * 3;
  return q >= bytes && q % 4 === 0 ? q : p;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private idleBytes = 0;
  /** Buffers created, and bytes they hold (live or idle), for ds.memory().reserved. */
  created = 0;
  reserved = 0;

  constructor(private readonly device: GPUDevice, private readonly usage: number, private readonly label: string) {}

  /** A buffer of at least `bytes` (its size is the bucket's); contents unspecified. */
  take(bytes: number): GPUBuffer {
    const size = bucketBytes(bytes);
    const list = this.free.get(size);
    const b = list?.pop();
    if (b) {
      this.idleBytes -= size;
      return b;
    }
    this.created++;
    this.reserved += size;
    return this.device.createBuffer({ size, usage: this.usage, label: this.label });
  }

  /** Returns a buffer; reusable after the next `submitted()`. */
  give(b: GPUBuffer): void {
    this.pending.push(b);
  }

  /** Called after each queue submit: buffers given back before it are now safe to reuse. */
  submitted(): void {
    for (const b of this.pending) this.shelve(b);
    this.pending = [];
  }

  /** Returns a buffer that no unsubmitted command uses (a read-back buffer, once unmapped). */
  giveNow(b: GPUBuffer): void {
    this.shelve(b);
  }

  private shelve(b: GPUBuffer): void {
    if (this.idleBytes + b.size > MAX_IDLE_BYTES) {
      this.reserved -= b.size;
      b.destroy();
      return;
    }
    let list = this.free.get(b.size);
    if (!list) this.free.set(b.size, (list = []));
    list.push(b);
    this.idleBytes += b.size;
  }
}
