// The page of the browser bench (bench/browser/run.ts): deepscript wasm, TensorFlow.js wasm and
// jax-js wasm in one page, on W1–W5 (bench/cases.ts: matmul 256 and 1024, the MLP, CNN and LSTM
// training steps, MLP inference at batch 1 and 1024) with the cases,
// inputs, library adapters and timing protocol of the Node bench (bench/cases.ts, peers/,
// timer.ts), unchanged: esbuild maps the tfjs adapter's node:module and node:path to ./shims so it
// finds the .wasm files under /tfjs-wasm/.
import { getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { backendByName } from "../../src/backend/index.js";
import { makeCases } from "../cases.js";
import { deepscriptPeer } from "../peers/deepscript.js";
import { tfjsPeer } from "../peers/tfjs.js";
import { jaxPeer } from "../peers/jax.js";
import type { Peer } from "../peers/peer.js";
import { BUDGETS, bench, type Budget, type Timing } from "../timer.js";
import type { Case } from "../cases.js";

export interface PageResult {
  crossOriginIsolated: boolean;
  tfjsThreads: number;
  dsThreads: number;
  /** GEMM jobs deepscript's first pool worker finished (0 on one thread): the threads were used. */
  dsPoolJobs: number;
  rows: { id: string; timings: Record<string, Timing>; values: Record<string, number>; failed: Record<string, string> }[];
  /** Libraries that could not start in the page, and why. */
  missing: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Jobs finished by deepscript's first wasm pool worker (its DONE word; a private field, read for the report). */
function poolJobs(): number {
  const pool = (backendByName("wasm") as unknown as { mm: { pool: { ready(): number[]; words(): Int32Array } | null } }).mm.pool;
  return pool && pool.ready().length ? pool.words()[1] : 0;
}

/** WORKLOADS.md §2's budgets, as bench/run.ts picks them (a slow first call switches to the slow one). */
function budgets(c: Case): [Budget, Budget | undefined] {
  switch (c.group) {
    case "matmul": return [BUDGETS.sgemm, BUDGETS.sgemmSlow];
    case "infer": return [BUDGETS.infer, undefined];
    default: return [BUDGETS.train, BUDGETS.trainSlow];
  }
}

async function run(opts: { dsThreads: number; tfjsThreads?: number; groups?: Case["group"][] }): Promise<PageResult> {
  // tfjs wasm takes its thread count before the backend starts.
  if (opts.tfjsThreads) setThreadsCount(opts.tfjsThreads);
  const peers: Peer[] = [deepscriptPeer("wasm", opts.dsThreads), await tfjsPeer("wasm")];
  const missing: Record<string, string> = {};
  try {
    peers.push(await jaxPeer());
  } catch (e) {
    missing["jax-js wasm"] = (e as Error).message.split("\n")[0];
  }
  const rows: PageResult["rows"] = [];
  for (const c of makeCases(opts.groups ?? ["matmul", "mlp", "cnn", "lstm", "infer"], [256, 1024])) {
    const row = { id: c.id, timings: {} as Record<string, Timing>, values: {} as Record<string, number>, failed: {} as Record<string, string> };
    for (const p of peers) {
      try {
        await p.select();
        const prepared = p.prepare(c);
        row.values[p.name] = prepared.run();
        // A page's thread pools start their workers asynchronously: let them come up before timing.
        await sleep(300);
        row.timings[p.name] = bench(() => void prepared.run(), ...budgets(c));
        prepared.dispose();
      } catch (e) {
        row.failed[p.name] = (e as Error).message.split("\n")[0];
      }
      await sleep(50);
    }
    rows.push(row);
  }
  return { crossOriginIsolated, tfjsThreads: getThreadsCount(), dsThreads: opts.dsThreads, dsPoolJobs: poolJobs(), rows, missing };
}

(globalThis as unknown as { benchPage: typeof run }).benchPage = run;
document.title = "bench: ready";
