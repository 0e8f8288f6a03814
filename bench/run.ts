// `npm run bench`: deepscript (wasm backend where it exists, and js) against TensorFlow.js (wasm,
// cpu) and jax-js (wasm) on matmul (W1), elementwise, reduction and MLP training (W2) cases, with
// NumPy's GEMM as the machine's ceiling. See bench/README.md.
//   --quick            smoke-test budgets, matmul up to N = 512 (numbers not for reporting)
//   --only GROUP[,..]  matmul | elementwise | reduction | mlp
//   --json FILE        also write every timing (median, min, p25, p75, count, warm-up) as JSON
import { writeFileSync } from "node:fs";
import { busyFraction, machine, watchOthers } from "./machine.js";
import { parseArgs } from "node:util";
import { GROUPS, type Group, makeCases, rate } from "./cases.js";
import { measureCeiling } from "./ceiling.js";
import { deepscriptPeer } from "./peers/deepscript.js";
import type { Peer } from "./peers/peer.js";
import { tfjsPeer } from "./peers/tfjs.js";
import { jaxPeer } from "./peers/jax.js";
import * as ds from "../src/index.js";
import { type Row, ceilingText, table } from "./report.js";
import { FULL, FULL_SLOW, QUICK, bench } from "./timer.js";

const MATMUL_SIZES = [128, 256, 512, 1024];
/** `--quick` leaves out N = 1024 (seconds per call on the plain-JS libraries). */
const QUICK_MATMUL_SIZES = [128, 256, 512];

function parse() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("usage: npm run bench -- [--quick] [--only matmul|elementwise|reduction|mlp[,...]] [--json out.json]");
    process.exit(0);
  }
  const groups = values.only ? values.only.split(",").map((s) => s.trim()) : [...GROUPS];
  for (const g of groups) {
    if (!GROUPS.includes(g as Group)) {
      console.error(`--only: unknown group "${g}"; expected ${GROUPS.join(", ")}`);
      process.exit(2);
    }
  }
  return { quick: values.quick, groups: groups as Group[], json: values.json };
}

/** Whether a peer's first result element agrees with ours (float32 sums of 1M terms differ by order). */
function agrees(a: number, b: number, group: Group): boolean {
  const tol = group === "reduction" ? 1e-3 : 1e-4;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

async function main(): Promise<void> {
  const opts = parse();
  const m = machine();
  console.log(`deepscript bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}${opts.quick ? ", QUICK (smoke test; do not report)" : ""}`);
  const busyBefore = await busyFraction();
  const loadNote = (f: number) => `${(100 * f).toFixed(0)}% of the cores busy with other work`;
  console.log(`before: ${loadNote(busyBefore)}${busyBefore > 0.1 ? " — WARNING: the machine is not idle, timings will be slow and noisy" : ""}`);

  const ceiling = opts.groups.includes("matmul") ? measureCeiling(opts.quick) : null;
  if (opts.groups.includes("matmul")) console.log(ceilingText(ceiling));

  // deepscript's fastest backend is the one the table is about; its js backend is a peer column.
  const hasWasm = ds.backends().includes("wasm");
  const ours = deepscriptPeer(hasWasm ? "wasm" : "js");
  const peers: Peer[] = [...(hasWasm ? [deepscriptPeer("js")] : []), await tfjsPeer("wasm"), await tfjsPeer("cpu"), await jaxPeer()];
  const all = [ours, ...peers];
  const budget = opts.quick ? QUICK : FULL;
  const slow = opts.quick ? undefined : FULL_SLOW;

  const others = watchOthers();
  const rows: Row[] = [];
  for (const c of makeCases(opts.groups, opts.quick ? QUICK_MATMUL_SIZES : MATMUL_SIZES)) {
    const row: Row = { c, t: new Map() };
    const othersInCase = watchOthers();
    let reference: number | undefined;
    for (const p of all) {
      try {
        await p.select();
        const before = p.liveTensors();
        const prepared = p.prepare(c);
        const value = prepared.run();
        const t = bench(() => void prepared.run(), budget, slow);
        prepared.dispose();
        const leaked = p.liveTensors() - before;
        row.t.set(p.name, t);
        const note: string[] = [];
        if (leaked !== 0) note.push(`LEAK: ${leaked} tensors left`);
        if (reference === undefined) reference = value;
        else if (!agrees(reference, value, c.group)) note.push(`MISMATCH: first element ${value} vs ${all[0].name}'s ${reference}`);
        console.log(
          `  ${c.id.padEnd(24)} ${p.name.padEnd(14)} ${t.medianMs.toFixed(3).padStart(10)} ms  ` +
            `${rate(c, t.medianMs).toFixed(2).padStart(7)} ${c.unit}  (${t.count} calls, first ${t.warmupMs.toFixed(1)} ms)` +
            (note.length ? "  " + note.join("; ") : ""),
        );
      } catch (e) {
        console.log(`  ${c.id.padEnd(24)} ${p.name.padEnd(14)} FAILED: ${(e as Error).message}`);
      }
    }
    const o = othersInCase();
    if (o > 0.1) console.log(`  ${c.id.padEnd(24)} WARNING: ${loadNote(o)} while it ran`);
    rows.push(row);
  }

  console.log("");
  console.log(table(rows, ours.name, peers.map((p) => p.name), ceiling));
  const busyDuring = others();
  console.log(`\nduring the cases: ${loadNote(busyDuring)}${busyDuring > 0.1 ? " — WARNING: other work competed for the cores" : ""}`);
  console.log(
    "ms = median time per call; rate = FLOPs or bytes (read + written) / median time; " +
      '"% ceil 1T" = rate / single-thread NumPy GEMM ceiling; "vs X" = X time / deepscript time (>1: deepscript faster).',
  );

  if (opts.json) {
    const out = {
      ...m,
      quick: opts.quick,
      busyBefore,
      busyDuring,
      ceiling,
      cases: rows.map(({ c, t }) => ({
        id: c.id,
        group: c.group,
        unit: c.unit,
        flops: c.flops,
        bytes: c.bytes,
        results: Object.fromEntries(
          [...t].map(([name, tm]) => [name, { ...tm, rate: rate(c, tm.medianMs), speedupOfDeepscript: t.get(ours.name) ? tm.medianMs / t.get(ours.name)!.medianMs : null }]),
        ),
      })),
    };
    writeFileSync(opts.json, JSON.stringify(out, null, 2) + "\n");
    console.log(`wrote ${opts.json}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
