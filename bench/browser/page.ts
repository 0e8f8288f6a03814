// The page of the browser bench (bench/browser/run.ts): deepscript wasm and TensorFlow.js wasm in
// one page, on W2 (MLP train step) and W5 (MLP inference, batch 1 and 1024) with the cases,
// inputs, library adapters and timing protocol of the Node bench (bench/cases.ts, peers/,
// timer.ts), unchanged: esbuild maps the tfjs adapter's node:module and node:path to ./shims so it
// finds the .wasm files under /tfjs-wasm/.
import { getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { backendByName } from "../../src/backend/index.js";
import { makeCases } from "../cases.js";
import { deepscriptPeer } from "../peers/deepscript.js";
import { tfjsPeer } from "../peers/tfjs.js";
import type { Peer } from "../peers/peer.js";
import { BUDGETS, bench, type Timing } from "../timer.js";

export interface PageResult {
  crossOriginIsolated: boolean;
  tfjsThreads: number;
  dsThreads: number;
  /** GEMM jobs deepscript's first pool worker finished (0 on one thread): the threads were used. */
  dsPoolJobs: number;
  rows: { id: string; timings: Record<string, Timing>; values: Record<string, number> }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Jobs finished by deepscript's first wasm pool worker (its DONE word; a private field, read for the report). */
function poolJobs(): number {
  const pool = (backendByName("wasm") as unknown as { mm: { pool: { ready(): number[]; words(): Int32Array } | null } }).mm.pool;
  return pool && pool.ready().length ? pool.words()[1] : 0;
}

async function run(opts: { dsThreads: number; tfjsThreads?: number }): Promise<PageResult> {
  // tfjs wasm takes its thread count before the backend starts (default: the page's cores, when isolated).
  if (opts.tfjsThreads) setThreadsCount(opts.tfjsThreads);
  const peers: Peer[] = [deepscriptPeer("wasm", opts.dsThreads), await tfjsPeer("wasm")];
  const rows: PageResult["rows"] = [];
  for (const c of makeCases(["mlp", "infer"], [])) {
    const row = { id: c.id, timings: {} as Record<string, Timing>, values: {} as Record<string, number> };
    for (const p of peers) {
      await p.select();
      const prepared = p.prepare(c);
      row.values[p.name] = prepared.run();
      // A page's thread pools start their workers asynchronously: let them come up before timing.
      await sleep(300);
      row.timings[p.name] = bench(() => void prepared.run(), c.group === "infer" ? BUDGETS.infer : BUDGETS.train);
      prepared.dispose();
      await sleep(50);
    }
    rows.push(row);
  }
  return { crossOriginIsolated, tfjsThreads: getThreadsCount(), dsThreads: opts.dsThreads, dsPoolJobs: poolJobs(), rows };
}

(globalThis as unknown as { benchPage: typeof run }).benchPage = run;
document.title = "bench: ready";
