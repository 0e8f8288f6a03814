// `npm run bench`: deepscript (wasm backend where it exists, on 1 and 2 threads, and js) against
// TensorFlow.js (wasm, cpu), jax-js (wasm) and PyTorch (CPU, 1 thread) on W1 matmul, elementwise,
// reduction, W2 MLP, W3 CNN and W4 LSTM training steps and W5 MLP inference, with NumPy's GEMM as
// the machine's ceiling. See bench/README.md.
//   --quick            smoke-test budgets, matmul up to N = 512 (numbers not for reporting)
//   --only GROUP[,..]  matmul | elementwise | reduction | mlp | cnn | lstm | infer
//   --json FILE        also write every timing (median, min, p25, p75, count, warm-up) as JSON
//   --slow             also run tfjs cpu on W3 (≈45 s per step)
//   --no-2t, --no-torch  leave out the deepscript 2-thread column / the PyTorch column
//   --threads N        (internal) only deepscript wasm on N threads, for the parent's 2T column
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { busyFraction, machine, watchOthers } from "./machine.js";
import { GROUPS, type Case, type Group, makeCases, rate } from "./cases.js";
import { measureCeiling } from "./ceiling.js";
import { deepscriptPeer } from "./peers/deepscript.js";
import type { Peer } from "./peers/peer.js";
import { runPytorch } from "./pytorch.js";
import * as ds from "../src/index.js";
import { type Row, ceilingText, table } from "./report.js";
import { BUDGETS, FULL, FULL_SLOW, QUICK, type Budget, type Timing, bench } from "./timer.js";

const MATMUL_SIZES = [128, 256, 512, 1024];
/** `--quick` leaves out N = 1024 (seconds per call on the plain-JS libraries). */
const QUICK_MATMUL_SIZES = [128, 256, 512];

function parse() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      json: { type: "string" },
      slow: { type: "boolean", default: false },
      "no-2t": { type: "boolean", default: false },
      "no-torch": { type: "boolean", default: false },
      threads: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(`usage: npm run bench -- [--quick] [--only ${GROUPS.join("|")}[,...]] [--json out.json] [--slow] [--no-2t] [--no-torch]`);
    process.exit(0);
  }
  const groups = values.only ? values.only.split(",").map((s) => s.trim()) : [...GROUPS];
  for (const g of groups) {
    if (!GROUPS.includes(g as Group)) {
      console.error(`--only: unknown group "${g}"; expected ${GROUPS.join(", ")}`);
      process.exit(2);
    }
  }
  const threads = values.threads ? Number(values.threads) : null;
  return { quick: values.quick, groups: groups as Group[], json: values.json, slow: values.slow, twoThreads: !values["no-2t"], torch: !values["no-torch"], threads };
}

type Opts = ReturnType<typeof parse>;

/** Whether a peer's first result element agrees with ours (float32 sums of 1M terms differ by order). */
function agrees(a: number, b: number, group: Group): boolean {
  const tol = group === "reduction" ? 1e-3 : 1e-4;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

/** WORKLOADS.md §2's budget for a case (and the one a slow peer switches to). */
function budgets(c: Case, p: Peer, opts: Opts): [Budget, Budget | undefined] {
  if (opts.quick) return [QUICK, undefined];
  switch (c.group) {
    case "matmul": return [BUDGETS.sgemm, BUDGETS.sgemmSlow];
    case "mlp": case "lstm": return [BUDGETS.train, BUDGETS.trainSlow];
    case "cnn": return p.name === "tfjs cpu" ? [BUDGETS.trainVerySlow, undefined] : [BUDGETS.train, BUDGETS.trainSlow];
    case "infer": return [BUDGETS.infer, undefined];
    default: return [FULL, FULL_SLOW];
  }
}

/** Why a peer sits a case out, or null. */
function skipReason(c: Case, p: Peer, opts: Opts): string | null {
  if (c.group === "cnn" && p.name === "tfjs cpu" && !opts.slow) return "skipped (≈45 s per step; --slow runs it)";
  return null;
}

/** Times every peer on every case, printing a line each; returns the rows. */
async function runCases(cases: readonly Case[], all: readonly Peer[], opts: Opts): Promise<Row[]> {
  const loadNote = (f: number) => `${(100 * f).toFixed(0)}% of the cores busy with other work`;
  const rows: Row[] = [];
  for (const c of cases) {
    const row: Row = { c, t: new Map(), failed: new Set() };
    const othersInCase = watchOthers();
    let reference: number | undefined;
    for (const p of all) {
      const skip = skipReason(c, p, opts);
      if (skip) {
        console.log(`  ${c.id.padEnd(24)} ${p.name.padEnd(18)} ${skip}`);
        continue;
      }
      try {
        await p.select();
        const before = p.liveTensors();
        const prepared = p.prepare(c);
        const value = prepared.run();
        const t = bench(() => void prepared.run(), ...budgets(c, p, opts));
        prepared.dispose();
        const leaked = p.liveTensors() - before;
        row.t.set(p.name, t);
        const note: string[] = [];
        // Fewer after than before is no leak: spilling moved earlier leftovers off the device.
        if (leaked > 0 && p.checksLeaks !== false) note.push(`LEAK: ${leaked} tensors left`);
        if (reference === undefined) reference = value;
        else if (c.group === "cnn" && p.name.startsWith("tfjs")) note.push(`first loss ${value.toFixed(6)} (NHWC flatten: differs by design)`);
        else if (!agrees(reference, value, c.group)) note.push(`MISMATCH: first element ${value} vs ${all[0].name}'s ${reference}`);
        console.log(
          `  ${c.id.padEnd(24)} ${p.name.padEnd(18)} ${t.medianMs.toFixed(3).padStart(10)} ms  ` +
            `${rate(c, t.medianMs).toFixed(2).padStart(7)} ${c.unit}  (${t.count} calls, first ${t.warmupMs.toFixed(1)} ms)` +
            (note.length ? "  " + note.join("; ") : ""),
        );
      } catch (e) {
        row.failed!.add(p.name);
        console.log(`  ${c.id.padEnd(24)} ${p.name.padEnd(18)} FAILED: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    const o = othersInCase();
    if (o > 0.1) console.log(`  ${c.id.padEnd(24)} WARNING: ${loadNote(o)} while it ran`);
    rows.push(row);
  }
  return rows;
}

/** The 2-thread deepscript wasm column: this script again with --threads 2, in a fresh process. */
function runThreadsChild(opts: Opts, threads: number): Map<string, Timing> | null {
  const dir = mkdtempSync(path.join(tmpdir(), "ds-bench-"));
  const out = path.join(dir, "threads.json");
  try {
    const args = [...process.execArgv, process.argv[1], "--threads", String(threads), "--only", opts.groups.join(","), "--json", out, ...(opts.quick ? ["--quick"] : [])];
    execFileSync(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"], timeout: 1_800_000 });
    const r = JSON.parse(readFileSync(out, "utf8")) as { cases: { id: string; results: Record<string, Timing> }[] };
    return new Map(r.cases.flatMap((c) => Object.values(c.results).map((t) => [c.id, t] as [string, Timing])));
  } catch (e) {
    console.log(`deepscript wasm ${threads}T: failed (${(e as Error).message.split("\n")[0]})`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeJson(file: string, rows: readonly Row[], ours: string, extra: object): void {
  const out = {
    ...extra,
    cases: rows.map(({ c, t }) => ({
      id: c.id,
      group: c.group,
      unit: c.unit,
      flops: c.flops,
      bytes: c.bytes,
      results: Object.fromEntries(
        [...t].map(([name, tm]) => [name, { ...tm, rate: rate(c, tm.medianMs), speedupOfDeepscript: t.get(ours) ? tm.medianMs / t.get(ours)!.medianMs : null }]),
      ),
    })),
  };
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
}

async function main(): Promise<void> {
  const opts = parse();
  const hasWasm = ds.backends().includes("wasm");
  const cases = makeCases(opts.groups, opts.quick ? QUICK_MATMUL_SIZES : MATMUL_SIZES);

  if (opts.threads !== null) {
    // Child: deepscript wasm on N threads only.
    const p = deepscriptPeer(hasWasm ? "wasm" : "js", opts.threads);
    console.log(`${p.name} (fresh process):`);
    const rows = await runCases(cases, [p], opts);
    if (opts.json) writeJson(opts.json, rows, p.name, { threads: opts.threads });
    return;
  }

  const m = machine();
  console.log(`deepscript bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}${opts.quick ? ", QUICK (smoke test; do not report)" : ""}`);
  const busyBefore = await busyFraction();
  const loadNote = (f: number) => `${(100 * f).toFixed(0)}% of the cores busy with other work`;
  console.log(`before: ${loadNote(busyBefore)}${busyBefore > 0.1 ? " — WARNING: the machine is not idle, timings will be slow and noisy" : ""}`);

  const ceiling = opts.groups.includes("matmul") ? measureCeiling(opts.quick) : null;
  if (opts.groups.includes("matmul")) console.log(ceilingText(ceiling));

  // deepscript's fastest backend on one thread is the one the table is about; its js backend, its
  // 2-thread run and the other libraries are peer columns.
  const ours = deepscriptPeer(hasWasm ? "wasm" : "js", 1);
  const { tfjsPeer } = await import("./peers/tfjs.js");
  const { jaxPeer } = await import("./peers/jax.js");
  const peers: Peer[] = [
    ...(hasWasm ? [deepscriptPeer("wasm", 1, true), deepscriptPeer("js")] : []),
    await tfjsPeer("wasm"), await tfjsPeer("cpu"), await jaxPeer(),
  ];
  const others = watchOthers();
  const rows = await runCases(cases, [ours, ...peers], opts);
  const names = peers.map((p) => p.name);

  const twoT = `${ours.name} 2T`;
  if (hasWasm && opts.twoThreads && m.cores >= 2) {
    const r = runThreadsChild(opts, 2);
    if (r) for (const row of rows) if (r.has(row.c.id)) row.t.set(twoT, r.get(row.c.id)!);
    names.unshift(twoT);
  }
  let torchNote = "";
  if (opts.torch) {
    const torch = runPytorch(cases, 1, opts.quick);
    if (torch) {
      const name = "pytorch 1T";
      names.push(name);
      torchNote = `pytorch ${torch.version} on 1 thread, same data and initial weights; first results: ` +
        [...torch.cases].map(([id, t]) => `${id.split(" ")[0]} ${t.value.toPrecision(7)}`).join(", ");
      for (const row of rows) {
        const t = torch.cases.get(row.c.id);
        if (t) row.t.set(name, t);
      }
    }
  }
  const busyDuring = others();

  console.log("");
  console.log(table(rows, ours.name, names, ceiling));
  console.log(`\nduring the cases: ${loadNote(busyDuring)}${busyDuring > 0.1 ? " — WARNING: other work competed for the cores" : ""}`);
  if (torchNote) console.log(torchNote);
  console.log(
    "ms = median time per call; rate = FLOPs or bytes (read + written) / median time; " +
      '"% ceil 1T" = rate / single-thread NumPy GEMM ceiling; "vs X" = X time / deepscript time (>1: deepscript faster).',
  );
  if (opts.json) {
    writeJson(opts.json, rows, ours.name, { ...m, quick: opts.quick, busyBefore, busyDuring, ceiling });
    console.log(`wrote ${opts.json}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
