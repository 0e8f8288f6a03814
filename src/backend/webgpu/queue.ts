/// <reference types="@webgpu/types" />
// Command batching: every dispatch of the webgpu backend is encoded into one open command
// encoder (inside one compute pass, until a copy or clear needs the encoder itself) and the
// batch is submitted only when a value is read back or MAX_DISPATCHES have piled up. So a
// training step is a handful of submits, and nothing waits on the GPU until the user asks for a
// value (`await t.data()`).
//
// Each dispatch's meta words (shapes, strides, offsets) go into one host-side arena, uploaded with
// a single queue.writeBuffer just before the submit, each dispatch binding its own 256-byte
// aligned slice: the upload runs on the queue timeline ahead of the batch's commands.
import { BufferPool, USAGE } from "./pool.js";

/** Dispatches per submit at most (also bounded by the meta arena). */
export const MAX_DISPATCHES = 128;
const ARENA_BYTES = 64 * 1024;
const ALIGN = 256;

export interface QueueStats {
  /** queue.submit calls, dispatches encoded, values read back for the user, copies made to spill storage to the host. */
  submits: number;
  dispatches: number;
  readbacks: number;
  spillCopies: number;
}

export class CommandQueue {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  private readonly arena: GPUBuffer;
  private readonly host = new Int32Array(ARENA_BYTES / 4);
  private used = 0;
  private readonly bindLayouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  readonly stats: QueueStats = { submits: 0, dispatches: 0, readbacks: 0, spillCopies: 0 };
  /** A flush scheduled for the end of this task (reads issued together share one submit). */
  private flushQueued = false;

  constructor(readonly device: GPUDevice, private readonly pools: readonly BufferPool[], private readonly readPool: BufferPool) {
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: USAGE.UNIFORM | USAGE.COPY_DST, label: "deepscript meta" });
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /**
   * Encodes one dispatch of `pipeline` over `groups` workgroups (x, y, z), binding the meta
   * words at binding 0 (`metaWords` of them, the size the shader declares) and `buffers` at 1, 2, ….
   */
  dispatch(pipeline: GPUComputePipeline, meta: readonly number[], metaWords: number, buffers: readonly GPUBuffer[], groups: readonly [number, number, number]): void {
    const bytes = Math.max(1, Math.ceil(metaWords / 4)) * 16;
    if (this.used + bytes > ARENA_BYTES) this.flush();
    const offset = this.used;
    this.host.fill(0, offset / 4, (offset + bytes) / 4);
    for (let i = 0; i < meta.length; i++) this.host[offset / 4 + i] = meta[i];
    this.used = Math.ceil((offset + bytes) / ALIGN) * ALIGN;
    let layout = this.bindLayouts.get(pipeline);
    if (!layout) this.bindLayouts.set(pipeline, (layout = pipeline.getBindGroupLayout(0)));
    const bind = this.device.createBindGroup({
      layout,
      entries: [{ binding: 0, resource: { buffer: this.arena, offset, size: bytes } }, ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
    });
    this.pass ??= this.enc().beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bind);
    this.pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.stats.dispatches++;
    if (++this.pending >= MAX_DISPATCHES) this.flush();
  }

  /** Zeroes `size` bytes of `buffer` from `offset`, in order with the dispatches. */
  clear(buffer: GPUBuffer, offset: number, size: number): void {
    this.endPass();
    this.enc().clearBuffer(buffer, offset, size);
    this.pending++;
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    this.endPass();
    this.enc().copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
    this.pending++;
  }

  /** Submits what is encoded (uploading the meta first); freed buffers become reusable after it. */
  flush(): void {
    this.endPass();
    if (this.encoder) {
      if (this.used > 0) this.device.queue.writeBuffer(this.arena, 0, this.host.buffer, 0, this.used);
      this.device.queue.submit([this.encoder.finish()]);
      this.stats.submits++;
      this.encoder = null;
    }
    this.used = 0;
    this.pending = 0;
    for (const p of this.pools) p.submitted();
  }

  /**
   * Copies `size` bytes of `src` at `offset` to the host. The copy joins the open batch, which is
   * submitted at the end of the current task, so reads issued together cost one submit.
   */
  async read(src: GPUBuffer, offset: number, size: number, why: "user" | "spill" | "errors" = "user"): Promise<ArrayBuffer> {
    if (size === 0) return new ArrayBuffer(0);
    const staging = this.readPool.take(size);
    this.copy(src, offset, staging, 0, size);
    if (why === "user") this.stats.readbacks++;
    else if (why === "spill") this.stats.spillCopies++;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
    await new Promise<void>((r) => queueMicrotask(r));
    // Node (Dawn) does not count a pending map as work: without a timer the process could exit
    // while the GPU is still busy, with the read's promise never settled.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await staging.mapAsync(1 /* GPUMapMode.READ */, 0, size);
      return staging.getMappedRange(0, size).slice(0);
    } finally {
      clearInterval(keepAlive);
      if (staging.mapState === "mapped") staging.unmap();
      this.readPool.giveNow(staging);
    }
  }
}
