// `npx tsx bench/ml-unsupervised.ts`: deepscript's KMeans (and PCA) side by side with scikit-learn on
// the same 100,000×16 float64 data, in the same run. scikit-learn runs in a child /usr/bin/python3
// (Debian's python3-sklearn) on the very same bytes, once with its default threads and once with
// OMP_NUM_THREADS=1 (deepscript's estimators are single-threaded); without it that column says why.
//   --only NAME[,..]   kmeans-init | kmeans | pca
//   --repeat N         timed runs per case and side (median reported; default 3)
// Cases:
//   kmeans-init  KMeans k=8 from the same 8 given centres: both sides do the same Lloyd iterations,
//                so this compares the per-iteration speed (iterations and inertia are printed).
//   kmeans       KMeans k=8 with k-means++ seeding, nInit 10, each side with its own seeded generator
//                (ten runs average out which local optimum each seed lands in).
//   pca          PCA 8 components, fit + transform.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ds from "../src/index.js";
import { PCG32 } from "../src/core/rng.js";
import { machine, watchOthers } from "./machine.js";

const { ml } = ds;
const PYTHON = "/usr/bin/python3";
const N = 100_000, D = 16, K = 8;
/** Rows used as the given initial centres of kmeans-init (spread over the data). */
const INIT_ROWS = Array.from({ length: K }, (_, c) => c * 9973);

/** Eight Gaussian blobs in 16-d, centres drawn with spread 2 around 0 (overlapping: Lloyd needs tens of iterations). */
function makeData(): Float64Array {
  const rng = new PCG32(2024);
  const centres = Array.from({ length: K }, () => Array.from({ length: D }, () => 2 * rng.nextNormal()));
  const X = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    const c = rng.nextInt(0, K);
    for (let j = 0; j < D; j++) X[i * D + j] = centres[c][j] + rng.nextNormal();
  }
  return X;
}

interface Result { wall: number; cpu: number; info: string }
interface Case {
  name: string;
  title: string;
  /** Our side on the [N, D] tensor; returns a line of facts to compare (iterations, inertia, …). */
  run(X: ds.Tensor, init: number[][]): string;
  /** scikit-learn's side: Python statements using X and init; must set `info` (a string). */
  python: string;
}

const CASES: Case[] = [
  {
    name: "kmeans-init", title: `KMeans k=${K} from 8 given centres (same Lloyd iterations on both sides), ${N.toLocaleString("en")}×${D}`,
    run: (X, init) => {
      const km = new ml.KMeans({ nClusters: K, init }).fit(X);
      return `${km.nIter_} iterations, inertia ${km.inertia_.toFixed(1)}`;
    },
    python: "from sklearn.cluster import KMeans\nkm = KMeans(8, init=init, n_init=1).fit(X)\ninfo = f'{km.n_iter_} iterations, inertia {km.inertia_:.1f}'",
  },
  {
    name: "kmeans", title: `KMeans k=${K}, k-means++ seeding, nInit 10 (scikit-learn 1.2's default), ${N.toLocaleString("en")}×${D}`,
    run: (X) => {
      const km = new ml.KMeans({ nClusters: K, nInit: 10, seed: 0 }).fit(X);
      return `best run: ${km.nIter_} iterations, inertia ${km.inertia_.toFixed(1)}`;
    },
    python: "from sklearn.cluster import KMeans\nkm = KMeans(8, n_init=10, random_state=0).fit(X)\ninfo = f'best run: {km.n_iter_} iterations, inertia {km.inertia_:.1f}'",
  },
  {
    name: "pca", title: `PCA 8 components, fit + transform, ${N.toLocaleString("en")}×${D}`,
    run: (X) => {
      const p = new ml.PCA({ nComponents: 8 });
      const Z = p.fitTransform(X);
      return `explained ${(p.explainedVarianceRatio_.sum().item() * 100).toFixed(2)}%, Z ${Z.shape.join("×")}`;
    },
    python: "from sklearn.decomposition import PCA\np = PCA(8)\nZ = p.fit_transform(X)\ninfo = f'explained {p.explained_variance_ratio_.sum() * 100:.2f}%, Z {Z.shape[0]}×{Z.shape[1]}'",
  },
];

const RUNNER = `
import json, sys, time
import numpy as np
path, n, d, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(path + "/X.bin", dtype=np.float64).reshape(n, d)
init = np.array(json.loads(open(path + "/init.json").read()))
code = open(path + "/case.py").read()
walls, cpus = [], []
for _ in range(repeat + 1):
    env = {"X": X, "init": init, "np": np}
    w, c = time.perf_counter(), time.process_time()
    exec(code, env)
    walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
import sklearn
print(json.dumps({"wall": walls[1:], "cpu": cpus[1:], "info": env["info"], "version": sklearn.__version__}))
`;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
let sklearnVersion = "";

function runOurs(c: Case, X: ds.Tensor, init: number[][], repeat: number): Result {
  c.run(X, init); // warm-up (JIT), not timed
  const walls: number[] = [], cpus: number[] = [];
  let info = "";
  for (let r = 0; r < repeat; r++) {
    const cpu0 = process.cpuUsage(), w0 = performance.now();
    info = c.run(X, init);
    walls.push((performance.now() - w0) / 1000);
    const u = process.cpuUsage(cpu0);
    cpus.push((u.user + u.system) / 1e6);
  }
  return { wall: median(walls), cpu: median(cpus), info };
}

function runSklearn(c: Case, dir: string, repeat: number, threads: number | null): Result | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    writeFileSync(join(dir, "case.py"), c.python);
    const env = { ...process.env, ...(threads ? { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) } : {}) };
    const out = execFileSync(PYTHON, ["-c", RUNNER, dir, String(N), String(D), String(repeat)], { encoding: "utf8", env, maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "pipe"] });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    sklearnVersion = r.version;
    return { wall: median(r.wall), cpu: median(r.cpu), info: r.info };
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr || (e as Error).message;
    return /No module named 'sklearn'/.test(msg) ? "scikit-learn not installed (apt-get install python3-sklearn)" : msg.split("\n").filter(Boolean).pop()!;
  }
}

function main(): void {
  const { values } = parseArgs({ options: { only: { type: "string" }, repeat: { type: "string" } } });
  const only = values.only?.split(",").map((s) => s.trim());
  const cases = CASES.filter((c) => !only || only.includes(c.name));
  if (only && cases.length !== only.length) {
    console.error(`--only: expected some of ${CASES.map((c) => c.name).join(", ")}`);
    process.exit(2);
  }
  const repeat = values.repeat ? Number(values.repeat) : 3;
  const m = machine();
  console.log(`deepscript ml (unsupervised) bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}`);
  const data = makeData();
  const X = ds.tensor(data).reshape([N, D]);
  const init = INIT_ROWS.map((i) => Array.from(data.subarray(i * D, (i + 1) * D)));
  const dir = mkdtempSync(join(tmpdir(), "ds-bench-mlu-"));
  writeFileSync(join(dir, "X.bin"), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  writeFileSync(join(dir, "init.json"), JSON.stringify(init));
  const others = watchOthers();
  const rows: string[][] = [];
  const f = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  try {
    for (const c of cases) {
      const ours = runOurs(c, X, init, repeat);
      const sk = runSklearn(c, dir, repeat, null);
      const sk1 = runSklearn(c, dir, repeat, 1);
      console.log(`\n${c.title}\n  deepscript             ${f(ours.wall).padStart(9)} (cpu ${f(ours.cpu)})  ${ours.info}`);
      for (const [label, r] of [["scikit-learn          ", sk], ["scikit-learn 1 thread ", sk1]] as const) {
        if (typeof r === "string") console.log(`  ${label} skipped — ${r}`);
        else console.log(`  ${label} ${f(r.wall).padStart(9)} (cpu ${f(r.cpu)})  ${r.info}   deepscript/scikit-learn: ${(ours.wall / r.wall).toFixed(2)}× wall, ${(ours.cpu / r.cpu).toFixed(2)}× cpu`);
      }
      const cell = (r: Result | string) => (typeof r === "string" ? "—" : `${f(r.wall)} (cpu ${f(r.cpu)})`);
      const ratio = (r: Result | string) => (typeof r === "string" ? "—" : `${(ours.wall / r.wall).toFixed(2)}× (cpu ${(ours.cpu / r.cpu).toFixed(2)}×)`);
      rows.push([c.name, `${f(ours.wall)} (cpu ${f(ours.cpu)})`, cell(sk), ratio(sk), cell(sk1), ratio(sk1)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const v = sklearnVersion ? ` ${sklearnVersion}` : "";
  console.log(`\n| case | deepscript | scikit-learn${v} | ratio | scikit-learn${v}, 1 thread | ratio |\n|---|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log("ratio = deepscript time / scikit-learn time (below 1×: deepscript is faster); cpu = process CPU time (all threads),");
  console.log("the steadier number on a shared machine.");
  const busy = others();
  console.log(`other processes kept ${(busy * 100).toFixed(0)}% of the ${m.cores} cores busy during the run${busy > 0.2 ? " — timings are noisy" : ""}.`);
}

main();
