// ds.compile against eager execution, same backend and thread count (wasm, 1 thread by default):
// W2 (MLP), W3 (CNN) and W4 (LSTM) Adam training steps and W5 inference at batch 1 and 1024, with
// the wasm GEMM's GFLOP/s (W1, N = 1024) as the roofline, the compiled program's stats, and whether
// the memory reserved stays flat over compiled calls after the timing. Steps are written as users write them (no ds.scope).
//   npx tsx bench/compile.ts [--only mlp,infer1,infer1024,cnn,lstm] [--backend wasm] [--threads 1] [--no-fuse] [--quick]
import * as ds from "../src/index.js";
import { makeCases, rate, type Case } from "./cases.js";
import { bench, BUDGETS, QUICK, type Budget } from "./timer.js";
import { machine } from "./machine.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = (arg("only") ?? "mlp,infer1,infer1024,cnn,lstm").split(",");
const backendName = arg("backend") ?? "wasm";
const threads = Number(arg("threads") ?? 1);
const quick = process.argv.includes("--quick");
const fuse = !process.argv.includes("--no-fuse");
ds.setBackend(backendName);
if (backendName === "wasm") ds.setThreads(threads);

const tensors = (c: Case) => c.inputs.map((x) => ds.tensor(x.data, { dtype: "float32" }).reshape(x.shape));
const nn = ds.nn;

/** A user-written step: (x, y) → loss, or x → logits. */
type Step = { fn: (...a: ds.Tensor[]) => ds.Tensor; args: ds.Tensor[] };

function adam(params: ds.Tensor[], forward: (x: ds.Tensor, y: ds.Tensor) => ds.Tensor, x: ds.Tensor, y: ds.Tensor): Step {
  const opt = new ds.optim.Adam(params, { lr: 1e-3 });
  return { fn: (xb, yb) => { opt.zeroGrad(); const l = forward(xb, yb); l.backward(); opt.step(); return l; }, args: [x, y] };
}

function mlpModel(ws: ds.Tensor[]): ds.nn.Sequential {
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  ds.noGrad(() => [0, 2, 4].forEach((i, k) => { const l = model.at(i) as ds.nn.Linear; l.weight.copy_(ws[k].T); l.bias!.copy_(0); }));
  return model;
}

const BUILD: Record<string, { group: Parameters<typeof makeCases>[0][number]; pick: (c: Case) => boolean; make: (c: Case) => Step }> = {
  mlp: { group: "mlp", pick: () => true, make: (c) => {
    const [x, yf, ...ws] = tensors(c);
    const model = mlpModel(ws);
    return adam(model.parameters(), (xb, yb) => nn.F.crossEntropy(model.call(xb), yb), x, yf.to("int32"));
  } },
  cnn: { group: "cnn", pick: () => true, make: (c) => {
    const [x, yf, c1w, c2w, d1w, d2w] = tensors(c);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(3136, 128), new nn.ReLU(), new nn.Linear(128, 10),
    );
    const vals = [c1w, ds.zeros([32]), c2w, ds.zeros([64]), d1w.T, ds.zeros([128]), d2w.T, ds.zeros([10])];
    ds.noGrad(() => model.parameters().forEach((p, i) => p.copy_(vals[i].reshape(p.shape))));
    return adam(model.parameters(), (xb, yb) => nn.F.crossEntropy(model.call(xb), yb), x, yf.to("int32"));
  } },
  lstm: { group: "lstm", pick: () => true, make: (c) => {
    const [x, y, wIh, wHh, bIh, bHh, dw] = tensors(c);
    const lstm = new nn.LSTM(32, 128, { batchFirst: true });
    const head = new nn.Linear(128, 1);
    const params = [...lstm.parameters(), ...head.parameters()];
    const vals = [wIh, wHh, bIh, bHh, dw.T, ds.zeros([1])];
    ds.noGrad(() => params.forEach((p, i) => p.copy_(vals[i].reshape(p.shape))));
    return adam(params, (xb, yb) => { const [, [hN]] = lstm.call(xb); return nn.F.mseLoss(head.call(hN.squeeze(0)), yb); }, x, y);
  } },
  infer1: { group: "infer", pick: (c) => c.id.endsWith("batch 1"), make: (c) => {
    const [x, ...ws] = tensors(c);
    const model = mlpModel(ws).eval();
    return { fn: (xb) => ds.noGrad(() => model.call(xb)), args: [x] };
  } },
  infer1024: { group: "infer", pick: (c) => c.id.endsWith("1024"), make: (c) => {
    const [x, ...ws] = tensors(c);
    const model = mlpModel(ws).eval();
    return { fn: (xb) => ds.noGrad(() => model.call(xb)), args: [x] };
  } },
};

const budget = (train: boolean): Budget => (quick ? QUICK : train ? BUDGETS.train : BUDGETS.infer);

/**
 * timer.ts's protocol for two functions at once: warm-up calls of each, then alternating timed
 * calls until the budget (both counted), medians of each. Alternating keeps the ratio fair on a
 * machine whose load changes during the run (a shared 2-core box).
 */
function interleaved(a: () => void, b: () => void, budget: Budget): [{ medianMs: number }, { medianMs: number }] {
  for (let i = 0; i < budget.warmup; i++) { a(); b(); }
  const ta: number[] = [], tb: number[] = [];
  const t0 = performance.now();
  while (ta.length < budget.maxIters) {
    let t = performance.now();
    a();
    ta.push(performance.now() - t);
    t = performance.now();
    b();
    tb.push(performance.now() - t);
    if (ta.length >= budget.minIters && (performance.now() - t0) / 1000 >= 2 * budget.budgetS) break;
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  return [{ medianMs: median(ta) }, { medianMs: median(tb) }];
}
const m = machine();
console.log(`deepscript compile bench — ${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}; ${backendName}, ${threads} thread(s)${fuse ? "" : ", fusion off"}${quick ? " (QUICK: do not report)" : ""}`);

// The roofline: the backend's GEMM at N = 1024.
const [w1] = makeCases(["matmul"], [1024]);
const [ga, gb] = tensors(w1);
const gemmCall = () => { ga.matmul(gb).flatten().narrow(0, 0, 1).add(0).dataSync(); };
const gemm = bench(gemmCall, quick ? QUICK : BUDGETS.sgemm);
console.log(`GEMM ${w1.id}: ${gemm.medianMs.toFixed(2)} ms, ${rate(w1, gemm.medianMs).toFixed(1)} GFLOP/s`);
console.log("");
console.log("| case | eager ms | compiled ms | compiled / eager | eager GFLOP/s | compiled GFLOP/s | GEMM GFLOP/s (just before) | compiled % of GEMM | kernels traced → per call | fused (members) | epilogues | planned KB | reserved flat (4 compiled calls) |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const name of only) {
  const b = BUILD[name];
  if (!b) throw new Error(`unknown case ${name}; expected one of ${Object.keys(BUILD).join(", ")}`);
  const c = makeCases([b.group], []).find(b.pick)!;
  const train = b.group !== "infer";
  // Inference changes no state: both run the same model (same weights in the same memory);
  // training steps need twins.
  const eager = b.make(c), comp = train ? b.make(c) : eager;
  const compiled = ds.compile(comp.fn, { fuse });
  // The whole result read back, as a user reads logits or a loss (no extra eager ops on either side).
  const read = (t: ds.Tensor) => t.dataSync()[0];
  // Both agree (after the same number of steps from the same start).
  const e0 = read(eager.fn(...eager.args)), c0 = read(compiled(...comp.args));
  if (Math.abs(e0 - c0) > 1e-4 * Math.max(1, Math.abs(e0))) throw new Error(`${c.id}: eager ${e0} vs compiled ${c0}`);
  // The roofline again, just before the case: on a shared machine the load moves within a run.
  const gemmRate = rate(w1, bench(gemmCall, quick ? QUICK : { warmup: 1, minIters: 3, maxIters: 5, budgetS: 0.5 }).medianMs);
  const [te, tc] = interleaved(() => read(eager.fn(...eager.args)), () => read(compiled(...comp.args)), budget(train));
  // Memory after the timing, compiled calls only (alternating with eager, the eager calls' own
  // garbage can grow the shared wasm memory).
  const reserved: number[] = [];
  for (let i = 0; i < 4; i++) {
    read(compiled(...comp.args));
    reserved.push(ds.memory().reserved);
  }
  const s = compiled.stats;
  const flat = reserved.every((r) => r === reserved[0]);
  console.log(`| ${c.id} | ${te.medianMs.toFixed(3)} | ${tc.medianMs.toFixed(3)} | ${(tc.medianMs / te.medianMs).toFixed(2)} | ${rate(c, te.medianMs).toFixed(1)} | ${rate(c, tc.medianMs).toFixed(1)} | ${gemmRate.toFixed(1)} | ${((100 * rate(c, tc.medianMs)) / gemmRate).toFixed(0)}% | ${s.kernelsTraced} → ${s.kernelsPerCall} | ${s.fusedKernels} (${s.fusedMembers}) | ${s.epilogues} | ${(s.bytesPlanned / 1024).toFixed(0)} | ${flat ? "yes" : `no (${reserved[0]} → ${reserved[reserved.length - 1]})`} |`);
}
