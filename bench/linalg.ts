// `npx tsx bench/linalg.ts`: ds.linalg beside NumPy (numpy.linalg over the machine's LAPACK) on the
// same float64 matrices, in the same run: solve (one right-hand side), cholesky, svd (thin U, S, Vh)
// and eigh at n = 256 and 1024. NumPy runs in a child /usr/bin/python3 with
// OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1; deepscript with ds.setThreads(1).
//   --sizes N[,..]    matrix sizes (default 256,1024)
//   --only NAME[,..]  solve | cholesky | svd | eigh
//   --repeat N        timed runs per case and side at n ≤ 256 (median; default 3; larger n: 1)
// The matrices: A = G Gᵀ/n + I for a standard-normal G from a seeded PCG32 (symmetric positive
// definite, so every case takes the same A), b = the first column of another normal draw.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ds from "../src/index.js";
import { PCG32 } from "../src/core/rng.js";
import { machine, watchOthers } from "./machine.js";

const PYTHON = "/usr/bin/python3";
const OPS = ["solve", "cholesky", "svd", "eigh"] as const;
type Op = (typeof OPS)[number];

function spd(n: number, seed: number): { A: Float64Array; b: Float64Array } {
  const rng = new PCG32(seed);
  const G = new Float64Array(n * n);
  for (let i = 0; i < G.length; i++) G[i] = rng.nextNormal();
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += G[i * n + k] * G[j * n + k];
      A[i * n + j] = A[j * n + i] = s / n + (i === j ? 1 : 0);
    }
  }
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.nextNormal();
  return { A, b };
}

/** Our side: the op, then one value read back so the work is done; returns a check value. */
function ours(op: Op, A: ds.Tensor, b: ds.Tensor): number {
  switch (op) {
    case "solve": return ds.linalg.solve(A, b).abs().sum().item();
    case "cholesky": return ds.linalg.cholesky(A).diagonal().log().sum().item();
    case "svd": { const [U, S, Vh] = ds.linalg.svd(A, { fullMatrices: false }); U.sum().item(); Vh.sum().item(); return S.sum().item(); }
    case "eigh": { const [w, V] = ds.linalg.eigh(A); V.sum().item(); return w.sum().item(); }
  }
}

const PY: Record<Op, string> = {
  solve: "chk = float(np.abs(np.linalg.solve(A, b)).sum())",
  cholesky: "chk = float(np.log(np.diag(np.linalg.cholesky(A))).sum())",
  svd: "U, S, Vh = np.linalg.svd(A, full_matrices=False)\nchk = float(S.sum())",
  eigh: "w, V = np.linalg.eigh(A)\nchk = float(w.sum())",
};

const RUNNER = `
import json, sys, time
import numpy as np
path, n, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
A = np.fromfile(path + "/A.bin", dtype=np.float64).reshape(n, n)
b = np.fromfile(path + "/b.bin", dtype=np.float64).reshape(n, 1)
code = open(path + "/case.py").read()
walls, cpus = [], []
for r in range(repeat + 1):
    env = {"A": A, "b": b, "np": np}
    w, c = time.perf_counter(), time.process_time()
    exec(code, env)
    walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
print(json.dumps({"wall": walls[1:], "cpu": cpus[1:], "chk": env["chk"], "version": np.__version__}))
`;

interface Timing { wall: number; cpu: number; chk: number }
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
let numpyVersion = "";

function runOurs(op: Op, A: ds.Tensor, b: ds.Tensor, repeat: number, warm: boolean): Timing {
  if (warm) ours(op, A, b); // JIT warm-up, not timed
  const walls: number[] = [], cpus: number[] = [];
  let chk = 0;
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    chk = ours(op, A, b);
    walls.push((performance.now() - w0) / 1000);
    const u = process.cpuUsage(c0);
    cpus.push((u.user + u.system) / 1e6);
  }
  return { wall: median(walls), cpu: median(cpus), chk };
}

function runNumpy(op: Op, dir: string, n: number, repeat: number): Timing | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    writeFileSync(join(dir, "case.py"), PY[op]);
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const out = execFileSync(PYTHON, ["-c", RUNNER, dir, String(n), String(repeat)], { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    numpyVersion = r.version;
    return { wall: median(r.wall), cpu: median(r.cpu), chk: r.chk };
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr || (e as Error).message;
    return msg.split("\n").filter(Boolean).pop()!;
  }
}

function main(): void {
  const { values } = parseArgs({ options: { sizes: { type: "string" }, only: { type: "string" }, repeat: { type: "string" } } });
  const sizes = (values.sizes ?? "256,1024").split(",").map(Number);
  const ops = (values.only?.split(",") ?? [...OPS]) as Op[];
  if (ops.some((o) => !OPS.includes(o)) || sizes.some((n) => !(Number.isInteger(n) && n > 0))) {
    console.error(`--only: expected some of ${OPS.join(", ")}; --sizes: positive integers`);
    process.exit(2);
  }
  ds.setThreads(1);
  const m = machine();
  console.log(`deepscript linalg bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}; float64, one thread on both sides`);
  const others = watchOthers();
  const rows: string[][] = [];
  const f = (s: number) => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);
  for (const n of sizes) {
    const { A, b } = spd(n, 17 + n);
    const dir = mkdtempSync(join(tmpdir(), "ds-bench-linalg-"));
    writeFileSync(join(dir, "A.bin"), new Uint8Array(A.buffer));
    writeFileSync(join(dir, "b.bin"), new Uint8Array(b.buffer));
    const At = ds.tensor(A, { dtype: "float64" }).reshape([n, n]), bt = ds.tensor(b, { dtype: "float64" }).reshape([n, 1]);
    const repeat = values.repeat ? Number(values.repeat) : n <= 256 ? 3 : 1;
    try {
      for (const op of ops) {
        const us = runOurs(op, At, bt, repeat, n <= 256);
        const np = runNumpy(op, dir, n, repeat);
        if (typeof np === "string") {
          console.log(`${op} n=${n}: deepscript ${f(us.wall)} (cpu ${f(us.cpu)}); NumPy skipped — ${np}`);
          rows.push([`${op} ${n}`, f(us.wall), "—", "—", "—", "—"]);
          continue;
        }
        const agree = Math.abs(us.chk - np.chk) <= 1e-6 * Math.max(1, Math.abs(np.chk));
        console.log(`${op} n=${n}: deepscript ${f(us.wall)} (cpu ${f(us.cpu)}), NumPy ${f(np.wall)} (cpu ${f(np.cpu)}), ratio ${(us.cpu / np.cpu).toFixed(1)}× cpu, check ${us.chk.toPrecision(10)} vs ${np.chk.toPrecision(10)}${agree ? "" : " MISMATCH"}`);
        rows.push([`${op} ${n}`, f(us.wall), f(np.wall), `${(us.wall / np.wall).toFixed(1)}×`, `${(us.cpu / np.cpu).toFixed(1)}×`, agree ? "agree" : "MISMATCH"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n| case | deepscript | NumPy ${numpyVersion} (1 thread) | ratio (wall) | ratio (cpu) | check value |\n|---|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  const busy = others();
  console.log(`\nother processes kept ${(busy * 100).toFixed(0)}% of the ${m.cores} cores busy during the run${busy > 0.2 ? " — timings are noisy; compare the cpu ratios" : ""}.`);
}

main();
