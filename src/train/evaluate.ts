// evaluate() and predict(): batched, in eval mode, without recording gradients.
import type { Tensor } from "../tensor/tensor.js";
import { scope } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { concat } from "../ops/shape.js";
import type { Module } from "../nn/module.js";
import { planBatches, type Data } from "./batches.js";
import { resolveLoss, type LossSpec } from "./loss.js";
import { resolveMetric, type MetricSpec } from "./metrics.js";
import type { Logs } from "./history.js";

export type Model = Module<[Tensor], Tensor>;

export interface EvaluateOptions {
  loss?: LossSpec;
  metrics?: MetricSpec[];
  batchSize?: number;
}

// Runs fn with the model in eval mode, restoring its previous mode afterwards.
function inEval<T>(model: Model, fn: () => T): T {
  const was = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(was);
  }
}

/** Loss (sample-weighted mean over batches) and metrics of `model` on `data`. */
export function evaluate(model: Model, data: Data, opts: EvaluateOptions = {}): Logs {
  const lossFn = opts.loss === undefined ? null : resolveLoss("evaluate", opts.loss);
  const metrics = (opts.metrics ?? []).map(resolveMetric);
  const plan = planBatches(data, { batchSize: opts.batchSize ?? 32, shuffle: false, op: "evaluate" });
  let lossSum = 0, samples = 0;
  const sums = metrics.map(() => [0, 0]);
  inEval(model, () => {
    const it = plan.iterate();
    for (;;) {
      const done = scope(() => {
        const r = it.next();
        if (r.done) return true;
        const [x, y] = r.value;
        const pred = model.call(x);
        const n = x.shape[0];
        if (lossFn) lossSum += lossFn(pred, y).item() * n;
        samples += n;
        metrics.forEach((m, k) => {
          const [s, c] = m.batch(pred, y);
          sums[k][0] += s;
          sums[k][1] += c;
        });
        return false;
      });
      if (done) break;
    }
  });
  const logs: Logs = {};
  if (lossFn) logs.loss = lossSum / samples;
  metrics.forEach((m, k) => (logs[m.name] = sums[k][0] / sums[k][1]));
  return logs;
}

/** Model outputs for every row of x, batched, concatenated along dim 0. */
export function predict(model: Model, x: Tensor, opts: { batchSize?: number } = {}): Tensor {
  const bs = opts.batchSize ?? 32;
  return inEval(model, () => {
    // One scope per batch, so each batch's activations die before the next batch runs.
    const parts: Tensor[] = [];
    for (let i = 0; i < x.shape[0]; i += bs) parts.push(scope(() => model.call(x.narrow(0, i, Math.min(bs, x.shape[0] - i)))));
    if (parts.length === 1) return parts[0];
    const out = scope(() => concat(parts, 0));
    for (const p of parts) p.dispose();
    return out;
  });
}
