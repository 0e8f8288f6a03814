// The machine's native GEMM ceiling: NumPy (OpenBLAS) float32 matmul at N = 1024 and 2048, on one
// thread (OPENBLAS_NUM_THREADS=1) and on OpenBLAS's default (all cores), each in a fresh process
// because OpenBLAS sizes its thread pool when it loads. NumPy here links Debian's libblas.so.3, which
// is the slow reference BLAS unless an optimised one is installed (`apt-get install libopenblas0-pthread`);
// the result says which one was loaded.
import { execFileSync } from "node:child_process";

const PYTHON = "/usr/bin/python3";

export interface CeilingPoint {
  n: number;
  ms: number;
  gflops: number;
}

export interface Ceiling {
  /** One thread: the fair reference for a single-threaded library. */
  oneThread: CeilingPoint[];
  /** OpenBLAS default thread count (all cores). */
  allThreads: CeilingPoint[];
  /** Best GFLOP/s over the sizes, per configuration. */
  best1T: number;
  bestAll: number;
  numpy: string;
  /** The BLAS shared objects NumPy loaded (real paths). */
  blas: string[];
  /** True when that BLAS is Debian's reference implementation (libblas3): then it is no ceiling. */
  referenceBlas: boolean;
}

// Times np.matmul(a, b, out=c) like bench/timer.ts: warm-up, then single calls until >= budget s
// and >= 3 calls; prints JSON {numpy, points: [{n, ms, gflops}]} with ms the median.
const SCRIPT = `
import json, sys, time
import numpy as np
budget = float(sys.argv[1]); sizes = [int(s) for s in sys.argv[2].split(",")]
rng = np.random.default_rng(0)
points = []
for n in sizes:
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), np.float32)
    for _ in range(2): np.matmul(a, b, out=c)
    times = []; t0 = time.perf_counter()
    while len(times) < 200:
        t = time.perf_counter(); np.matmul(a, b, out=c); e = time.perf_counter()
        times.append(e - t)
        if len(times) >= 3 and e - t0 >= budget: break
    ms = float(np.median(times)) * 1e3
    points.append({"n": n, "ms": ms, "gflops": 2 * n**3 / (ms / 1e3) / 1e9})
# Which BLAS the process actually loaded (Debian's libblas.so.3 may be the slow reference BLAS).
import os
blas = sorted({os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps") if "blas" in l and "/" in l})
print(json.dumps({"numpy": np.__version__, "blas": blas, "points": points}))
`;

function runPython(threads: number | null, budgetS: number, sizes: readonly number[]): { numpy: string; blas: string[]; points: CeilingPoint[] } {
  const env = { ...process.env };
  for (const k of ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"]) {
    if (threads === null) delete env[k];
    else env[k] = String(threads);
  }
  const out = execFileSync(PYTHON, ["-c", SCRIPT, String(budgetS), sizes.join(",")], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

/** Measures the ceiling, or returns null (after printing "ceiling: unavailable") without python/numpy. */
export function measureCeiling(quick: boolean): Ceiling | null {
  const budgetS = quick ? 0.2 : 1.0;
  const sizes = [1024, 2048];
  try {
    const one = runPython(1, budgetS, sizes);
    const all = runPython(null, budgetS, sizes);
    return {
      oneThread: one.points,
      allThreads: all.points,
      best1T: Math.max(...one.points.map((p) => p.gflops)),
      bestAll: Math.max(...all.points.map((p) => p.gflops)),
      numpy: one.numpy,
      blas: one.blas,
      referenceBlas: one.blas.some((b) => b.includes("/blas/libblas")),
    };
  } catch (e) {
    const why = (e as { stderr?: string }).stderr?.toString().trim().split("\n").pop() ?? (e as Error).message;
    console.log(`ceiling: unavailable (${why})`);
    return null;
  }
}
