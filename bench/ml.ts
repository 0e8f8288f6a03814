// `npx tsx bench/ml.ts`: deepscript's classic-ML estimators side by side with scikit-learn on the same
// data, in the same run (issues 6 and 17). Cases: RandomForestClassifier 100 trees fit+predict on
// 10,000×20 (3 classes), KMeans k=8 on 100,000×16 (k-means++, 10 inits), kNN k=5 with 1,000
// queries on 10,000×32, LogisticRegression on digits, SVC RBF on 5,000×20, PCA 8 components on
// 100,000×16. scikit-learn runs in a child /usr/bin/python3 (Debian's python3-sklearn) on the very
// same bytes; without it the scikit-learn column says why and the rest still runs.
// Both sides run on one thread: deepscript with ds.setThreads(1) (unless --threads N), scikit-learn
// with OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1 set before NumPy loads.
//   --only NAME[,..]   rf | kmeans | knn | logreg | svc | pca
//   --repeat N         timed runs per case and side (median reported; default 3, the forest 1)
//   --threads N        deepscript's thread count (default 1; scikit-learn stays on one thread)
// Times are wall-clock medians; the ratio of CPU times is the steadier number on a shared machine
// (with one thread on each side the two agree when the machine is quiet).
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

interface Data { X: Float64Array; y: Int32Array; n: number; d: number; Xq?: Float64Array; nq?: number }
interface Case {
  name: string;
  title: string;
  make(): Data;
  /** What `run` returns, compared across the sides: "acc" (accuracy), "inertia", "explained" (variance ratio). */
  metric: string;
  /** Our side: fit + predict, returning the metric. */
  run(data: Data): number;
  /** scikit-learn's side: Python statements using X, y, Xq; must set `acc` (the metric). */
  python: string;
  repeat: number;
}

/** Gaussian classes: class means differ on the first `informative` features, unit noise everywhere. */
function blobs(n: number, d: number, classes: number, informative: number, spread: number, seed: number): Data {
  const rng = new PCG32(seed);
  const means = Array.from({ length: classes }, () => Array.from({ length: d }, (_, j) => (j < informative ? spread * rng.nextNormal() : 0)));
  const X = new Float64Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < d; j++) X[i * d + j] = means[c][j] + rng.nextNormal();
  }
  return { X, y, n, d };
}

/** Eight overlapping Gaussian blobs in 16-d (bench/ml-unsupervised.ts's data): Lloyd needs tens of iterations. */
function clusters(n: number, d: number, k: number, seed: number): Data {
  const rng = new PCG32(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 2 * rng.nextNormal()));
  const X = new Float64Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(0, k);
    y[i] = c;
    for (let j = 0; j < d; j++) X[i * d + j] = centres[c][j] + rng.nextNormal();
  }
  return { X, y, n, d };
}

const matrix = (X: Float64Array, n: number, d: number) => ds.tensor(X).reshape([n, d]);
const accuracy = (pred: ds.Tensor, y: Int32Array) => {
  const p = pred.dataSync();
  let hit = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) hit++;
  return hit / y.length;
};

const CASES: Case[] = [
  {
    name: "rf", title: "RandomForestClassifier 100 trees, fit+predict, 10,000×20, 3 classes", repeat: 1, metric: "acc",
    make: () => blobs(10000, 20, 3, 10, 0.6, 1),
    run: ({ X, y, n, d }) => {
      const Xt = matrix(X, n, d);
      return accuracy(new ml.RandomForestClassifier({ nEstimators: 100, seed: 0 }).fit(Xt, ds.tensor(y)).predict(Xt), y);
    },
    python: "from sklearn.ensemble import RandomForestClassifier\nacc = (RandomForestClassifier(100, random_state=0).fit(X, y).predict(X) == y).mean()",
  },
  {
    name: "kmeans", title: "KMeans k=8, k-means++ seeding, nInit 10, 100,000×16 (fit)", repeat: 3, metric: "inertia",
    make: () => clusters(100_000, 16, 8, 2024),
    run: ({ X, n, d }) => new ml.KMeans({ nClusters: 8, nInit: 10, seed: 0 }).fit(matrix(X, n, d)).inertia_,
    python: "from sklearn.cluster import KMeans\nacc = KMeans(8, n_init=10, random_state=0).fit(X).inertia_",
  },
  {
    name: "knn", title: "KNeighborsClassifier k=5, 1,000 queries on 10,000×32 (fit+predict)", repeat: 3, metric: "acc",
    make: () => {
      const data = blobs(11000, 32, 3, 32, 0.3, 2);
      return { X: data.X.slice(0, 10000 * 32), y: data.y.slice(0, 10000), n: 10000, d: 32, Xq: data.X.slice(10000 * 32), nq: 1000 };
    },
    run: ({ X, y, n, d, Xq, nq }) => {
      const m = new ml.KNeighborsClassifier({ nNeighbors: 5 }).fit(matrix(X, n, d), ds.tensor(y));
      const pred = m.predict(matrix(Xq!, nq!, d)).dataSync();
      let hit = 0;
      for (let i = 0; i < nq!; i++) if (pred[i] === (10000 + i) % 3) hit++;
      return hit / nq!;
    },
    python: "from sklearn.neighbors import KNeighborsClassifier\nyq = (10000 + np.arange(len(Xq))) % 3\nacc = (KNeighborsClassifier(5).fit(X, y).predict(Xq) == yq).mean()",
  },
  {
    name: "logreg", title: "LogisticRegression (lbfgs, maxIter 100) on digits 1,797×64, 10 classes, fit+predict", repeat: 3, metric: "acc",
    make: () => {
      const dg = ml.datasets.loadDigits();
      const X = Float64Array.from(dg.data.dataSync()), y = Int32Array.from(dg.target.dataSync());
      return { X, y, n: y.length, d: 64 };
    },
    run: ({ X, y, n, d }) => {
      const Xt = matrix(X, n, d);
      return accuracy(new ml.LogisticRegression({ maxIter: 100 }).fit(Xt, ds.tensor(y)).predict(Xt), y);
    },
    python: "from sklearn.linear_model import LogisticRegression\nimport warnings\nwarnings.simplefilter('ignore')\nacc = (LogisticRegression(max_iter=100).fit(X, y).predict(X) == y).mean()",
  },
  {
    name: "svc", title: "SVC RBF (C=1, gamma=\"scale\"), fit+predict, 5,000×20, 2 classes", repeat: 3, metric: "acc",
    make: () => blobs(5000, 20, 2, 5, 0.5, 3),
    run: ({ X, y, n, d }) => {
      const Xt = matrix(X, n, d);
      return accuracy(new ml.SVC().fit(Xt, ds.tensor(y)).predict(Xt), y);
    },
    python: "from sklearn.svm import SVC\nacc = (SVC().fit(X, y).predict(X) == y).mean()",
  },
  {
    name: "pca", title: "PCA 8 components, fit+transform, 100,000×16", repeat: 3, metric: "explained",
    make: () => clusters(100_000, 16, 8, 2024),
    run: ({ X, n, d }) => {
      const p = new ml.PCA({ nComponents: 8 });
      p.fitTransform(matrix(X, n, d)).dataSync();
      return p.explainedVarianceRatio_.sum().item();
    },
    python: "from sklearn.decomposition import PCA\np = PCA(8)\nZ = p.fit_transform(X)\nacc = p.explained_variance_ratio_.sum()",
  },
];

const SKLEARN_RUNNER = `
import json, sys, time
import numpy as np
path, n, d, nq, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(path + "/X.bin", dtype=np.float64).reshape(n, d)
y = np.fromfile(path + "/y.bin", dtype=np.int32)
Xq = np.fromfile(path + "/Xq.bin", dtype=np.float64).reshape(nq, d) if nq else None
code = open(path + "/case.py").read()
walls, cpus = [], []
for _ in range(repeat):
    env = {"X": X, "y": y, "Xq": Xq, "np": np}
    w, c = time.perf_counter(), time.process_time()
    exec(code, env)
    walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
import sklearn
print(json.dumps({"wall": walls, "cpu": cpus, "acc": float(env["acc"]), "version": sklearn.__version__}))
`;

interface Timing { wall: number; cpu: number; acc: number }
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function runOurs(c: Case, data: Data, repeat: number): Timing {
  const walls: number[] = [], cpus: number[] = [];
  let acc = 0;
  for (let r = 0; r < repeat; r++) {
    const cpu0 = process.cpuUsage(), w0 = performance.now();
    acc = c.run(data);
    walls.push((performance.now() - w0) / 1000);
    const u = process.cpuUsage(cpu0);
    cpus.push((u.user + u.system) / 1e6);
  }
  return { wall: median(walls), cpu: median(cpus), acc };
}

function runSklearn(c: Case, data: Data, repeat: number): Timing | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const dir = mkdtempSync(join(tmpdir(), "ds-bench-ml-"));
  try {
    writeFileSync(join(dir, "X.bin"), new Uint8Array(data.X.buffer, data.X.byteOffset, data.X.byteLength));
    writeFileSync(join(dir, "y.bin"), new Uint8Array(data.y.buffer, data.y.byteOffset, data.y.byteLength));
    if (data.Xq) writeFileSync(join(dir, "Xq.bin"), new Uint8Array(data.Xq.buffer, data.Xq.byteOffset, data.Xq.byteLength));
    writeFileSync(join(dir, "case.py"), c.python);
    // One thread: the BLAS and OpenMP pools read these when NumPy/scikit-learn load.
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const out = execFileSync(PYTHON, ["-c", SKLEARN_RUNNER, dir, String(data.n), String(data.d), String(data.nq ?? 0), String(repeat)], {
      encoding: "utf8", env, maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "pipe"],
    });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    sklearnVersion = r.version;
    return { wall: median(r.wall), cpu: median(r.cpu), acc: r.acc };
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr || (e as Error).message;
    return /No module named 'sklearn'/.test(msg) ? "scikit-learn not installed (apt-get install python3-sklearn)" : msg.split("\n").filter(Boolean).pop()!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let sklearnVersion = "";

function main(): void {
  const { values } = parseArgs({ options: { only: { type: "string" }, repeat: { type: "string" }, threads: { type: "string" } } });
  const threads = values.threads ? Number(values.threads) : 1;
  ds.setThreads(threads);
  const only = values.only?.split(",").map((s) => s.trim());
  const cases = CASES.filter((c) => !only || only.includes(c.name));
  if (only && cases.length !== only.length) {
    console.error(`--only: expected some of ${CASES.map((c) => c.name).join(", ")}`);
    process.exit(2);
  }
  const m = machine();
  console.log(`deepscript ml bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}; deepscript ${threads} thread(s), scikit-learn 1 thread`);
  const others = watchOthers();
  const rows: string[][] = [];
  for (const c of cases) {
    const data = c.make();
    const repeat = values.repeat ? Number(values.repeat) : c.repeat;
    c.run(data); // warm-up (JIT), not timed
    const ours = runOurs(c, data, repeat);
    const sk = runSklearn(c, data, repeat);
    const f = (s: number) => `${(s * 1000).toFixed(0)} ms`;
    const g = (v: number) => (c.metric === "inertia" ? v.toFixed(1) : v.toFixed(4));
    if (typeof sk === "string") {
      console.log(`\n${c.title}\n  deepscript ${f(ours.wall)} (cpu ${f(ours.cpu)}), ${c.metric} ${g(ours.acc)}\n  scikit-learn: skipped — ${sk}`);
      rows.push([c.name, f(ours.wall), "—", "—", "—", `${c.metric} ${g(ours.acc)} / —`]);
      continue;
    }
    console.log(`\n${c.title}\n  deepscript   ${f(ours.wall).padStart(9)} (cpu ${f(ours.cpu)}), ${c.metric} ${g(ours.acc)}` +
      `\n  scikit-learn ${f(sk.wall).padStart(9)} (cpu ${f(sk.cpu)}), ${c.metric} ${g(sk.acc)}` +
      `\n  ratio deepscript/scikit-learn: wall ${(ours.wall / sk.wall).toFixed(2)}×, cpu ${(ours.cpu / sk.cpu).toFixed(2)}×`);
    rows.push([c.name, f(ours.wall), f(sk.wall), `${(ours.wall / sk.wall).toFixed(2)}×`, `${(ours.cpu / sk.cpu).toFixed(2)}×`, `${c.metric} ${g(ours.acc)} / ${g(sk.acc)}`]);
  }
  console.log(`\n| case | deepscript | scikit-learn${sklearnVersion ? " " + sklearnVersion : ""} (1 thread) | ratio (wall) | ratio (cpu) | result (deepscript / scikit-learn) |\n|---|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  const busy = others();
  console.log(`\nother processes kept ${(busy * 100).toFixed(0)}% of the ${m.cores} cores busy during the run${busy > 0.2 ? " — timings are noisy; compare the cpu ratios" : ""}.`);
}

main();
