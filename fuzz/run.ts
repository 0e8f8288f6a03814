// The fuzz harness: seeded mutation fuzzing of every parser in fuzz/targets/ (`npm run fuzz`).
// Each input is parsed in a worker thread and gets one outcome class:
//   accepted  the parse returned
//   typed     it threw a DeepScriptError (the library refused the file on purpose)
//   untyped   it threw anything else (a TypeError, a stack overflow, …)
//   hang      no answer within the watchdog (default 5 s); the worker is killed and restarted
//   crash     the worker died (an uncaught asynchronous error, process.exit, …)
//   memory    the process's resident memory grew more than 256 MiB + 64 × the input's size while
//             that input was parsed (sampled every 2 ms; the worker is killed at once), or the
//             worker ran out of its 1 GiB heap
// Only accepted and typed are good: the run exits with 1 on any other outcome, and saves the first
// few inputs of each bad class under fuzz/out/<target>/<class>-<k><ext>, with the message beside
// them in <class>-<k>.txt. Input i of a target is the same for a given seed on every machine, and
// inputs 0 … corpus-1 are the corpus itself, which must be accepted.
//
//   npm run fuzz                                    10,000 inputs per target (FUZZ_N to change)
//   FUZZ_N=100000 npm run fuzz -- --seed 7          a long run with another seed
//   npm run fuzz -- --only model,safetensors        some targets
//   npm run fuzz -- --only model --replay FILE      one saved input, with its outcome and message
import { Worker } from "node:worker_threads";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadTarget, targetFiles } from "./discover.js";
import { hash, mutate, pick, rng } from "./mutators.js";
import type { FuzzTarget } from "./target.js";

export type Outcome = "accepted" | "typed" | "untyped" | "hang" | "crash" | "memory";
export const OUTCOMES: readonly Outcome[] = ["accepted", "typed", "untyped", "hang", "crash", "memory"];
export const BAD: readonly Outcome[] = ["untyped", "hang", "crash", "memory"];

export interface SandboxOptions {
  /** Watchdog per input, in ms (default 5000). */
  timeoutMs?: number;
  /** Resident-memory growth allowed while one input is parsed (default 256 MiB + 64 × its size). */
  memoryBytes?: (inputBytes: number) => number;
  /** The worker's V8 heap limit in MiB (default 1024). */
  heapMb?: number;
}

export interface Result {
  outcome: Outcome;
  message: string;
  ms: number;
}

const defaultMemory = (n: number) => 256 * 2 ** 20 + 64 * n;

/** A worker thread that parses inputs for the given target modules, restarted after a hang, crash or memory kill. */
export class Sandbox {
  private worker: Worker | null = null;
  private dir = "";
  private nextId = 0;
  private settle: ((r: { outcome: Outcome; message: string }) => void) | null = null;

  constructor(private readonly files: string[], private readonly opts: SandboxOptions = {}) {}

  private async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "ds-fuzz-"));
    const w = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: { files: this.files, dir: this.dir },
      // A stack like the main thread's (~1 MB), so recursion limits are the ones users hit.
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? 1024, stackSizeMb: 1 },
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => reject(new Error(`the fuzz worker failed to start: ${e instanceof Error ? e.stack : String(e)}`));
      w.once("message", () => {
        w.off("error", fail);
        resolve();
      });
      w.once("error", fail);
    });
    w.on("message", (m: { outcome: Outcome; message?: string }) => this.settle?.({ outcome: m.outcome, message: m.message ?? "" }));
    w.on("error", (e: Error & { code?: string }) => {
      const memory = e.code === "ERR_WORKER_OUT_OF_MEMORY";
      this.settle?.({ outcome: memory ? "memory" : "crash", message: `${memory ? "the worker ran out of heap" : "the worker died"}: ${e.stack ?? e.message}` });
    });
    w.on("exit", (code) => this.settle?.({ outcome: "crash", message: `the worker exited with code ${code}` }));
    this.worker = w;
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners("exit");
      await w.terminate();
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Parses `bytes` with the target module `file` in the worker; the outcome class and message. */
  async run(file: string, bytes: Uint8Array): Promise<Result> {
    if (!this.worker) await this.start();
    const w = this.worker!;
    const timeoutMs = this.opts.timeoutMs ?? 5000;
    const bound = (this.opts.memoryBytes ?? defaultMemory)(bytes.length);
    const t0 = performance.now(); // after a restart: the worker's start is not the input's time
    const base = process.memoryUsage.rss();
    let timer: NodeJS.Timeout | undefined, sampler: NodeJS.Timeout | undefined;
    const r = await new Promise<{ outcome: Outcome; message: string }>((resolve) => {
      this.settle = resolve;
      timer = setTimeout(() => resolve({ outcome: "hang", message: `no answer within ${timeoutMs} ms` }), timeoutMs);
      sampler = setInterval(() => {
        const grew = process.memoryUsage.rss() - base;
        if (grew > bound) resolve({ outcome: "memory", message: `resident memory grew by ${(grew / 2 ** 20).toFixed(0)} MiB (bound ${(bound / 2 ** 20).toFixed(0)} MiB)` });
      }, 2);
      w.postMessage({ id: this.nextId++, file, bytes });
    });
    this.settle = null;
    clearTimeout(timer);
    clearInterval(sampler);
    if (r.outcome !== "accepted" && r.outcome !== "typed" && r.outcome !== "untyped") await this.stop();
    return { ...r, ms: performance.now() - t0 };
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

export interface FuzzOptions extends SandboxOptions {
  /** Run seed (default 1). */
  seed?: number;
  /** Inputs per target, corpus included (default FUZZ_N or 10,000). */
  n?: number;
  /** Target names to run (default all). */
  only?: readonly string[];
  /** Where bad inputs are saved (default fuzz/out); null saves nothing. */
  outDir?: string | null;
  /** Inputs saved per bad class and target (default 5). */
  keep?: number;
  /** Progress and report lines (default console.log). */
  log?: (line: string) => void;
}

export interface TargetReport {
  name: string;
  inputs: number;
  counts: Record<Outcome, number>;
  seconds: number;
  /** The slowest input (an input near the watchdog would make CI flaky): its time, index and mutations. */
  slowest: { ms: number; index: number; steps: string[] };
  /** Corpus files the target did not accept (a harness error: the fuzzing would stay shallow). */
  corpusRejected: string[];
  /** The bad inputs saved, with their class and message. */
  saved: { outcome: Outcome; file: string | null; message: string }[];
}

/** Fuzzes every target (or those in `only`); one report per target. */
export async function runFuzz(opts: FuzzOptions = {}): Promise<TargetReport[]> {
  const log = opts.log ?? console.log;
  const seed = opts.seed ?? 1;
  const n = opts.n ?? Number(process.env.FUZZ_N ?? 10_000);
  const keep = opts.keep ?? 5;
  const outDir = opts.outDir === undefined ? new URL("./out/", import.meta.url).pathname : opts.outDir;
  const files = targetFiles();
  const all = await Promise.all(files.map(async (file) => ({ file, target: await loadTarget(file) })));
  const unknown = (opts.only ?? []).filter((name) => !all.some((t) => t.target.name === name));
  if (unknown.length) throw new Error(`no fuzz target named ${unknown.join(", ")}; the targets are ${all.map((t) => t.target.name).join(", ")}`);
  const chosen = all.filter((t) => !opts.only || opts.only.includes(t.target.name));
  const sandbox = new Sandbox(chosen.map((t) => t.file), opts);
  const reports: TargetReport[] = [];
  try {
    for (const { file, target } of chosen) reports.push(await fuzzTarget(sandbox, file, target, { seed, n, keep, outDir, log }));
  } finally {
    await sandbox.close();
  }
  return reports;
}

async function fuzzTarget(sandbox: Sandbox, file: string, target: FuzzTarget, o: { seed: number; n: number; keep: number; outDir: string | null; log: (l: string) => void }): Promise<TargetReport> {
  const corpus = await target.corpus();
  if (!corpus.length) throw new Error(`fuzz target ${target.name} has an empty corpus`);
  const report: TargetReport = { name: target.name, inputs: 0, counts: Object.fromEntries(OUTCOMES.map((c) => [c, 0])) as Record<Outcome, number>, seconds: 0, slowest: { ms: 0, index: -1, steps: [] }, corpusRejected: [], saved: [] };
  const dir = o.outDir === null ? null : join(o.outDir, target.name);
  if (dir) rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  let lastLog = t0;
  for (let i = 0; i < o.n; i++) {
    const rand = rng(hash(`${o.seed}:${target.name}:${i}`));
    const { bytes, steps } = i < corpus.length ? { bytes: corpus[i], steps: ["corpus"] } : mutate(pick(rand, corpus), rand, corpus, target.mutators ?? []);
    const r = await sandbox.run(file, bytes);
    report.inputs++;
    report.counts[r.outcome]++;
    if (r.ms > report.slowest.ms) report.slowest = { ms: r.ms, index: i, steps };
    if (i < corpus.length && r.outcome !== "accepted") report.corpusRejected.push(`corpus file ${i}: ${r.outcome}: ${r.message}`);
    if (BAD.includes(r.outcome) && report.counts[r.outcome] <= o.keep) {
      let saved: string | null = null;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        saved = join(dir, `${r.outcome}-${report.counts[r.outcome] - 1}${target.ext}`);
        writeFileSync(saved, bytes);
        writeFileSync(saved.replace(/\.[^.]*$/, "") + ".txt", `${r.message}\n\nseed ${o.seed}, input ${i}, ${bytes.length} bytes, mutations: ${steps.join(", ")}\n`);
      }
      report.saved.push({ outcome: r.outcome, file: saved, message: r.message.split("\n")[0] });
    }
    const now = performance.now();
    if (now - lastLog > 15_000) {
      o.log(`  ${target.name}: ${i + 1}/${o.n} inputs, ${((now - t0) / 1000).toFixed(0)} s`);
      lastLog = now;
    }
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/** The report as a table, then the saved bad inputs. */
export function formatReports(reports: readonly TargetReport[]): string {
  const head = ["target", "inputs", ...OUTCOMES, "seconds", "slowest ms"];
  const rows = reports.map((r) => [r.name, String(r.inputs), ...OUTCOMES.map((c) => String(r.counts[c])), r.seconds.toFixed(1), r.slowest.ms.toFixed(0)]);
  const width = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(width[j]) : c.padStart(width[j]))).join("  ");
  const out = [line(head), ...rows.map(line)];
  for (const r of reports) {
    out.push(`${r.name}: slowest input ${r.slowest.index} (${r.slowest.steps.join(", ")}): ${r.slowest.ms.toFixed(0)} ms`);
    for (const c of r.corpusRejected) out.push(`${r.name}: ${c}`);
    for (const s of r.saved) out.push(`${r.name}: ${s.outcome}: ${s.file ?? "(not saved)"}: ${s.message}`);
  }
  return out.join("\n");
}

/** Whether the reports hold only accepted and typed outcomes, and every corpus file was accepted. */
export function clean(reports: readonly TargetReport[]): boolean {
  return reports.every((r) => !r.corpusRejected.length && BAD.every((c) => r.counts[c] === 0));
}

function args(argv: string[]): { seed: number; only?: string[]; replay?: string; timeoutMs?: number; outDir?: string } {
  const out: ReturnType<typeof args> = { seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === "--seed") out.seed = Number(v);
    else if (a === "--only") out.only = v.split(",").filter(Boolean);
    else if (a === "--replay") out.replay = v;
    else if (a === "--timeout") out.timeoutMs = Number(v);
    else if (a === "--out") out.outDir = v;
    else throw new Error(`unknown argument ${a}; expected --seed N, --only a,b, --timeout MS, --out DIR, --replay FILE`);
    i++;
  }
  if (!Number.isInteger(out.seed)) throw new Error("--seed takes an integer");
  return out;
}

async function main(): Promise<number> {
  const a = args(process.argv.slice(2));
  if (a.replay) {
    if (a.only?.length !== 1) throw new Error("--replay needs --only with one target name");
    const found = (await Promise.all(targetFiles().map(async (f) => ({ f, t: await loadTarget(f) })))).find((x) => x.t.name === a.only![0]);
    if (!found) throw new Error(`no fuzz target named ${a.only[0]}`);
    const sandbox = new Sandbox([found.f], { timeoutMs: a.timeoutMs });
    const r = await sandbox.run(found.f, new Uint8Array(readFileSync(a.replay)));
    await sandbox.close();
    console.log(`${r.outcome} in ${r.ms.toFixed(0)} ms${r.message ? `: ${r.message}` : ""}`);
    return BAD.includes(r.outcome) ? 1 : 0;
  }
  const t0 = performance.now();
  const reports = await runFuzz({ seed: a.seed, only: a.only, timeoutMs: a.timeoutMs, outDir: a.outDir });
  console.log(formatReports(reports));
  console.log(`seed ${a.seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  return clean(reports) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => process.exit(code), (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(2);
  });
}
