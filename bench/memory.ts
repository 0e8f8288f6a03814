// The memory issue's measurement: W2–W4 training steps and W5 batch-1 inference written as users
// write them (no ds.scope) against the same steps inside ds.scope, each for N steps in a fresh
// process (WebAssembly memory never shrinks, so each variant needs its own): median step time,
// device bytes and the WebAssembly memory reserved at the end, and the ratios.
//   npx tsx bench/memory.ts [--steps 2000] [--only mlp,cnn,lstm,infer]
import { execFileSync } from "node:child_process";
import * as ds from "../src/index.js";
import { makeCases, type Group } from "./cases.js";
import { deepscriptPeer } from "./peers/deepscript.js";
import { machine } from "./machine.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const steps = Number(arg("steps") ?? 2000);
const groups = (arg("only") ?? "mlp,cnn,lstm,infer").split(",") as Group[];

interface Result { id: string; medianMs: number; bytes: number; reserved: number; spills: number }

async function child(group: Group, scoped: boolean): Promise<void> {
  const peer = deepscriptPeer("wasm", 1, scoped);
  await peer.select();
  const results: Result[] = [];
  for (const c of makeCases([group], [])) {
    if (c.id.includes("1024")) continue; // W5: the batch-1 latency is the memory issue's case
    const p = peer.prepare(c);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      p.run();
      times.push(performance.now() - t0);
    }
    const m = ds.memory();
    times.sort((a, b) => a - b);
    results.push({ id: c.id, medianMs: times[times.length >> 1], bytes: m.bytes, reserved: m.reserved, spills: m.spills });
  }
  console.log(JSON.stringify(results));
}

function run(group: Group, scoped: boolean): Result[] {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], "--child", group, "--steps", String(steps), ...(scoped ? ["--scoped"] : [])], { encoding: "utf8", maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split("\n").pop()!);
}

if (arg("child")) {
  await child(arg("child") as Group, process.argv.includes("--scoped"));
} else {
  const m = machine();
  console.log(`deepscript memory bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}; wasm, 1 thread, ${steps} steps per variant, each in a fresh process`);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log("| case | unscoped ms | scoped ms | time ratio | unscoped reserved MB | scoped reserved MB | reserved ratio | unscoped device MB | scoped device MB | spills (unscoped) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const g of groups) {
    const u = run(g, false), s = run(g, true);
    u.forEach((r, i) => {
      const q = s[i];
      console.log(`| ${r.id} | ${r.medianMs.toFixed(3)} | ${q.medianMs.toFixed(3)} | ${(r.medianMs / q.medianMs).toFixed(2)} | ${mb(r.reserved)} | ${mb(q.reserved)} | ${(r.reserved / q.reserved).toFixed(2)} | ${mb(r.bytes)} | ${mb(q.bytes)} | ${r.spills} |`);
    });
  }
}
