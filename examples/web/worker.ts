// train.fit in a Web Worker (issue 14): the page stays responsive while this worker trains, and
// sees progress as messages. The recipe (README "In the browser"): run fit in the worker with a
// callback that posts each batch's and epoch's logs; send the trained model back as the Blob
// io.save gives (weights and architecture), which the page opens with io.load.
//
// The page: const w = new Worker("/build/web/worker.js", { type: "module" });
//           w.postMessage({ type: "train", kind: "mlp", epochs: 3 }); w.onmessage = (e) => …
// Messages back: { type: "batch", …TrainProgress }, { type: "epoch", …EpochResult },
// { type: "done", model: Blob, runtime }, { type: "error", message }.
//
// Threads: in a cross-origin-isolated page (COOP same-origin + COEP require-corp) this worker's
// wasm memory is shared and large matrix products run on ds.getThreads() threads (default: all
// cores), the extra ones workers started from here; otherwise on this worker's thread alone.
// The results are the same bit for bit (test/browser/worker.test.ts).
import * as ds from "../../src/index.js";
import { backendByName, runtimeFeatures } from "../../src/backend/index.js"; // deepscript/backend
import { makeModel, trainDigits, type ModelKind } from "./digits.js";

export interface TrainRequest { type: "train"; kind: ModelKind; epochs: number; limit?: number; seed?: number; threads?: number }

/** Where the worker ran: isolation, shared memory, threads allowed, and what the wasm thread pool did. */
export interface WorkerRuntime { crossOriginIsolated: boolean; sharedMemory: boolean; threads: number; poolWorkers: number; poolJobs: number }

const channel = new MessageChannel();
const nextTask = () => new Promise<void>((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});
let lastYield = 0;

const post = (msg: unknown) => (self as unknown as { postMessage(m: unknown): void }).postMessage(msg);

/**
 * The wasm backend's thread pool as it stands: workers started and ready, and GEMM jobs the first
 * of them finished (its DONE word). Read from the backend's private fields, for the test's sake:
 * the public API has no reason to expose it.
 */
function runtime(): WorkerRuntime {
  const mm = (backendByName("wasm") as unknown as { mm: { pool: { ready(): number[]; words(): Int32Array } | null } }).mm;
  const ready = mm.pool?.ready() ?? [];
  return {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    sharedMemory: runtimeFeatures().sharedMemory,
    threads: ds.getThreads(),
    poolWorkers: ready.length,
    poolJobs: mm.pool && ready.length ? mm.pool.words()[1] : 0, // slot 0's DONE word: jobs worker 0 finished
  };
}

self.onmessage = async (e: MessageEvent<TrainRequest>) => {
  const req = e.data;
  if (req?.type !== "train") return;
  try {
    ds.setBackend("wasm");
    if (req.threads) ds.setThreads(req.threads);
    await ds.data.datasets.preload("digits");
    ds.seed(req.seed ?? 0);
    const model = makeModel(req.kind);
    await trainDigits(model, {
      epochs: req.epochs, limit: req.limit, seed: req.seed ?? 0,
      onBatch: async (p) => {
        post({ type: "batch", ...p });
        // Yield to this worker's event loop now and then (a task, not a microtask): the wasm
        // backend's thread pool starts its workers from here, and Chromium finishes starting a
        // nested worker only when its parent's event loop runs; a "stop" message could arrive too.
        if (performance.now() - lastYield > 50) {
          await nextTask();
          lastYield = performance.now();
        }
      },
      onEpoch: (r) => post({ type: "epoch", ...r }),
    });
    post({ type: "done", model: ds.io.save(model), runtime: runtime() });
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
  }
};
