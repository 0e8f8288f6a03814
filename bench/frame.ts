// deepscript/frame against pandas on this machine: readCsv of a generated 1,000,000-row × 10-column
// CSV, and a groupBy-mean on it. Run: npx tsx bench/frame.ts [--rows N] [--repeat R] [--keep]
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCsv, type DataFrame } from "../src/frame/index.js";
import { PCG32 } from "../src/core/rng.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg("--rows", 1_000_000), repeat = arg("--repeat", 3);
const dir = mkdtempSync(join(tmpdir(), "ds-bench-frame-"));
const path = join(dir, "table.csv");

/** id (int), key (100 strings), cat (10 strings), qty (int), x1..x6 (floats, ~1% missing). */
function generate(): void {
  const rng = new PCG32(42);
  const parts: string[] = ["id,key,cat,qty,x1,x2,x3,x4,x5,x6\n"];
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    let line = `${i},key${Math.floor(rng.nextDouble() * 100)},c${Math.floor(rng.nextDouble() * 10)},${Math.floor(rng.nextDouble() * 1000)}`;
    for (let k = 0; k < 6; k++) line += rng.nextDouble() < 0.01 ? "," : `,${(rng.nextDouble() * 200 - 100).toFixed(4)}`;
    chunk += line + "\n";
    if (chunk.length > 1 << 20) { parts.push(chunk); chunk = ""; }
  }
  parts.push(chunk);
  writeFileSync(path, parts.join(""));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall and CPU (user + system, all threads) milliseconds of `repeat` calls. */
function timeIt(fn: () => unknown): { ms: number; cpu: number; result: unknown } {
  let result: unknown;
  const wall: number[] = [], cpu: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    result = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(wall), cpu: median(cpu), result };
}

const PANDAS = `
import sys, time, json, statistics
import pandas as pd
path, repeat = sys.argv[1], int(sys.argv[2])
def timed(fn):
    ts, cs = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        r = fn()
        ts.append((time.perf_counter() - t0) * 1000); cs.append((time.process_time() - c0) * 1000)
    return statistics.median(ts), statistics.median(cs), r
read_ms, read_cpu, df = timed(lambda: pd.read_csv(path))
cols = ["qty", "x1", "x2", "x3", "x4", "x5", "x6"]
group_ms, group_cpu, g = timed(lambda: df.groupby("key")[cols].mean())
print(json.dumps({"version": pd.__version__, "read": read_ms, "readCpu": read_cpu, "group": group_ms, "groupCpu": group_cpu, "check": float(g["x1"].iloc[0])}))
`;

function main(): void {
  console.log(`generating ${rows.toLocaleString("en-US")} rows × 10 columns …`);
  generate();
  const mb = statSync(path).size / 1e6;
  console.log(`${path}: ${mb.toFixed(1)} MB; median of ${repeat} runs each\n`);

  const read = timeIt(() => readCsv(path));
  const df = read.result as DataFrame;
  const cols = ["qty", "x1", "x2", "x3", "x4", "x5", "x6"];
  const group = timeIt(() => df.select(["key", ...cols]).groupBy("key").mean());
  const ours = group.result as DataFrame;

  let pandas: { version: string; read: number; readCpu: number; group: number; groupCpu: number; check: number } | null = null;
  if (existsSync("/usr/bin/python3")) {
    try {
      pandas = JSON.parse(execFileSync("/usr/bin/python3", ["-c", PANDAS, path, String(repeat)], { encoding: "utf8", maxBuffer: 1 << 20 }));
    } catch (e) {
      console.log(`pandas: unavailable (${(e as Error).message.split("\n")[0]}); apt-get install python3-pandas`);
    }
  }
  const fmt = (x?: number) => (x === undefined ? "-" : x.toFixed(0));
  const ratio = (a: number, b?: number) => (b === undefined ? "-" : `${(a / b).toFixed(2)}×`);
  const row = (name: string, ds: { ms: number; cpu: number }, pdMs?: number, pdCpu?: number) =>
    `| ${name} | ${fmt(ds.ms)} | ${fmt(pdMs)} | ${ratio(ds.ms, pdMs)} | ${fmt(ds.cpu)} | ${fmt(pdCpu)} | ${ratio(ds.cpu, pdCpu)} |`;
  console.log(`| case | deepscript wall ms | pandas${pandas ? ` ${pandas.version}` : ""} wall ms | ratio | deepscript CPU ms | pandas CPU ms | CPU ratio |`);
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  console.log(row(`readCsv (${mb.toFixed(0)} MB)`, read, pandas?.read, pandas?.readCpu));
  console.log(row("groupBy(key).mean(), 7 columns", group, pandas?.group, pandas?.groupCpu));
  console.log(`\nthroughput: readCsv ${(mb / (read.ms / 1000)).toFixed(0)} MB/s; ratio = deepscript / pandas (below 1: deepscript faster). CPU time counts every thread (V8's GC helpers too); it is the steadier figure on a busy machine`);
  if (pandas) {
    const x1 = ours.col("x1").at(0) as number;
    if (Math.abs(x1 - pandas.check) > 1e-9 * Math.abs(pandas.check)) console.log(`WARNING: results differ (x1 of key0: ${x1} vs pandas ${pandas.check})`);
    else console.log(`results agree with pandas (x1 mean of the first group: ${x1.toFixed(6)})`);
  }
}

try {
  main();
} finally {
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
}
