// A pool of worker threads over the wasm backend's shared WebAssembly.Memory. Each worker
// instantiates the same GEMM modules against the same memory and runs the tasks it is handed;
// the calling thread takes its own share and then waits. Node: worker_threads; browsers: Web
// Workers, only where the page is cross-origin isolated (shared memory exists only there).
//
// Control block (i32 words, one 16-word slot per worker): CMD (job number, bumped by the caller),
// DONE (last job finished), FIRST, COUNT (its tasks), APACK, BPACK, TILE (its scratch), READY,
// ERROR. Tasks are rows of TASK_WORDS words after the slots. Static assignment of tasks to
// slots means no shared counters, so a worker that starts late can never take part of a job it
// was not given.
import type { Heap } from "./heap.js";

const SLOT_WORDS = 16;
const [CMD, DONE, FIRST, COUNT, APACK, BPACK, TILE, READY, ERROR] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
/** i32 words per task: [module (0 float32, 1 float64), a, saM, saK, b, sbK, sbN, c, ldc, M, N, K, KC, MC, NC, inPlaceB]. */
export const TASK_WORDS = 16;
const MAX_WORKERS = 64;
export const MAX_TASKS = 256;
/** How long a thread spins on its flag before sleeping in Atomics.wait (ms). */
const SPIN_MS = 0.5;

/** The worker's whole program, as source (module-free, so it runs from an eval'd string or a Blob). */
const WORKER_SOURCE = `
"use strict";
const SLOT = ${SLOT_WORDS}, TASK = ${TASK_WORDS}, SPIN_MS = ${SPIN_MS}, [CMD, DONE, FIRST, COUNT, APACK, BPACK, TILE, READY, ERROR] = [${[CMD, DONE, FIRST, COUNT, APACK, BPACK, TILE, READY, ERROR].join(",")}];
function start(d) {
  const gemms = d.modules.map((m) => new WebAssembly.Instance(m, { env: { memory: d.memory } }).exports.gemm);
  const I = new Int32Array(d.memory.buffer, d.ctrl, (SLOT * d.maxWorkers + TASK * d.maxTasks));
  const s = SLOT * d.id, tasks = SLOT * d.maxWorkers;
  let seen = 0;
  Atomics.store(I, s + READY, 1);
  for (;;) {
    // Spin a little before sleeping: a training step hands out its products a few hundred µs
    // apart, and waking a sleeping thread (a halted vCPU, in a VM) can cost as much as the work.
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(I, s + CMD) === seen && performance.now() < until) for (let i = 0; i < 64; i++) Atomics.load(I, s + CMD);
    Atomics.wait(I, s + CMD, seen);
    const job = Atomics.load(I, s + CMD);
    if (job === seen) continue;
    seen = job;
    try {
      const end = I[s + FIRST] + I[s + COUNT];
      for (let t = I[s + FIRST]; t < end; t++) {
        const b = tasks + TASK * t;
        gemms[I[b]](I[b + 1], I[b + 2], I[b + 3], I[b + 4], I[b + 5], I[b + 6], I[b + 7], I[b + 8], I[b + 9], I[b + 10], I[b + 11], I[b + 12], I[b + 13], I[b + 14], I[s + APACK], I[s + BPACK], I[s + TILE], I[b + 15]);
      }
    } catch (e) {
      Atomics.store(I, s + ERROR, 1);
    }
    Atomics.store(I, s + DONE, job);
    Atomics.notify(I, s + DONE);
  }
}
if (typeof require === "function") start(require("node:worker_threads").workerData);
else self.onmessage = (e) => start(e.data);
`;

interface WorkerHandle { terminate(): unknown; unref?(): void }

/** A worker (Node or browser) running WORKER_SOURCE with `data`; null where none can be made. */
function spawn(data: object, onError: () => void): WorkerHandle | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } }).process;
  if (proc?.versions?.node) {
    const wt = proc.getBuiltinModule?.("node:worker_threads") as { Worker: new (src: string, o: object) => WorkerHandle & { on(e: string, f: () => void): void } } | undefined;
    if (!wt) return null;
    const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: data });
    w.on("error", onError);
    w.unref?.(); // idle workers must not keep the process alive
    return w;
  }
  const g = globalThis as { Worker?: new (url: string) => WorkerHandle & { postMessage(d: unknown): void; onerror: unknown }; crossOriginIsolated?: boolean; Blob?: typeof Blob; URL?: typeof URL };
  if (!g.Worker || !g.crossOriginIsolated || !g.Blob || !g.URL) return null;
  const w = new g.Worker(g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: "text/javascript" })));
  w.onerror = onError;
  w.postMessage(data);
  return w;
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser page's may not). */
const canBlock = (): boolean => typeof (globalThis as { window?: unknown }).window === "undefined";

/** Per-thread scratch: packed A block, packed B block, one edge tile. */
export interface Scratch { apack: number; bpack: number; tile: number }

/** Worker threads sharing `heap`'s memory, running GEMM tasks. */
export class GemmPool {
  private readonly workers: (WorkerHandle | null)[] = [];
  private readonly ctrl: number;
  private job = 0;
  private broken = false;

  constructor(private readonly heap: Heap, private readonly modules: readonly WebAssembly.Module[]) {
    this.ctrl = heap.alloc(4 * (SLOT_WORDS * MAX_WORKERS + TASK_WORDS * MAX_TASKS));
  }

  /** Starts workers until `n` - 1 exist (the caller is the n-th thread). */
  grow(n: number): void {
    const want = Math.min(MAX_WORKERS, Math.max(0, n - 1));
    while (this.workers.length < want) {
      const id = this.workers.length;
      const I = this.words(), s = SLOT_WORDS * id;
      for (let k = 0; k < SLOT_WORDS; k++) I[s + k] = 0;
      const data = { memory: this.heap.memory, modules: this.modules, ctrl: this.ctrl, id, maxWorkers: MAX_WORKERS, maxTasks: MAX_TASKS };
      let w: WorkerHandle | null = null;
      try {
        w = spawn(data, () => (this.broken = true));
      } catch {
        w = null;
      }
      this.workers.push(w);
      if (!w) break;
    }
  }

  /** Workers that have started and can take tasks now. */
  ready(): number[] {
    if (this.broken) return [];
    const I = this.words();
    const out: number[] = [];
    this.workers.forEach((w, id) => {
      if (w && Atomics.load(I, SLOT_WORDS * id + READY) === 1) out.push(id);
    });
    return out;
  }

  private words(): Int32Array {
    return new Int32Array(this.heap.memory.buffer, this.ctrl, SLOT_WORDS * MAX_WORKERS + TASK_WORDS * MAX_TASKS);
  }

  /**
   * Runs `tasks` (rows of TASK_WORDS words) split into contiguous groups: group 0 on this thread
   * through `runHere`, group i on ready worker i - 1 with its scratch `scratch[i]`. Returns when all are done.
   */
  run(tasks: readonly (readonly number[])[], workers: readonly number[], scratch: readonly Scratch[], runHere: (task: readonly number[]) => void): void {
    const I = this.words();
    const T = Math.min(workers.length + 1, tasks.length);
    const groups = Array.from({ length: T }, (_, g) => [Math.floor((g * tasks.length) / T), Math.floor(((g + 1) * tasks.length) / T)]);
    const tbase = SLOT_WORDS * MAX_WORKERS;
    tasks.forEach((t, i) => I.set(t, tbase + TASK_WORDS * i));
    const job = ++this.job;
    for (let g = 1; g < T; g++) {
      const s = SLOT_WORDS * workers[g - 1];
      I[s + FIRST] = groups[g][0];
      I[s + COUNT] = groups[g][1] - groups[g][0];
      I[s + APACK] = scratch[g].apack;
      I[s + BPACK] = scratch[g].bpack;
      I[s + TILE] = scratch[g].tile;
      Atomics.store(I, s + CMD, job);
      Atomics.notify(I, s + CMD);
    }
    for (let t = groups[0][0]; t < groups[0][1]; t++) runHere(tasks[t]);
    let failed = false;
    for (let g = 1; g < T; g++) {
      const s = SLOT_WORDS * workers[g - 1];
      const spinUntil = performance.now() + SPIN_MS;
      for (;;) {
        const d = Atomics.load(I, s + DONE);
        if (d === job) break;
        if (this.broken) throw new Error("wasm backend: a worker thread failed; run ds.setThreads(1) to continue single-threaded");
        if (canBlock() && performance.now() > spinUntil) Atomics.wait(I, s + DONE, d, 100);
      }
      if (Atomics.load(I, s + ERROR)) failed = true;
    }
    if (failed) throw new Error("wasm backend: a GEMM task failed in a worker thread");
  }
}
