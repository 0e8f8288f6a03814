// Self-supervised pretraining (SimCLR: two augmented views, NT-Xent) and the standard ways to judge
// the frozen embeddings it learns: a linear probe and k-nearest neighbours on a few labels.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { PCG32 } from "../core/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import type { Module } from "../nn/module.js";
import { normalize, ntXent } from "../nn/embedding_fns.js";
import { Adam } from "../optim/adam.js";
import { LogisticRegression } from "../ml/logistic.js";
import type { Transform } from "../data/transforms.js";
import { History } from "./history.js";
import type { OptimizerLike } from "./fit.js";

type Net = Module<[Tensor], Tensor>;

export interface ContrastiveOptions {
  /** Makes one random view of a batch; called twice per batch (or give two transforms, one per view). */
  augment: Transform | readonly [Transform, Transform];
  epochs: number;
  /** SimCLR's projection head on top of the encoder (the loss sees head(encoder(view))); optional. */
  head?: Net | null;
  /** Pairs per step (default 256): 2·batchSize views, 2·batchSize - 2 negatives per anchor. */
  batchSize?: number;
  /** NT-Xent temperature (default 0.5). */
  temperature?: number;
  /** Default: Adam (lr 1e-3) over the encoder's and the head's parameters. */
  optimizer?: OptimizerLike;
  /** Seed of the shuffles and the augmentations (default 0). */
  seed?: number;
  /** Print one line per epoch (default true). */
  verbose?: boolean;
  /** Called after every epoch with its number (1-based) and mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * SimCLR pretraining (Chen et al. 2020): for each batch of unlabeled inputs x [N, ...], two random
 * views are encoded (and projected by `head`), and NT-Xent pulls each view towards its partner and
 * away from the other 2N-2. Returns a History with the mean loss per epoch; the encoder's weights
 * are trained in place (keep the encoder, drop the head).
 * @example await train.fitContrastive(encoder, xUnlabeled, { head, augment, epochs: 10, temperature: 0.5 })
 */
export async function fitContrastive(encoder: Net, x: Tensor, opts: ContrastiveOptions): Promise<History> {
  const op = "fitContrastive";
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new ArgumentError(op, `epochs must be a positive integer, got ${opts.epochs}`);
  const bs = opts.batchSize ?? 256, temperature = opts.temperature ?? 0.5;
  if (!Number.isInteger(bs) || bs < 2) throw new ArgumentError(op, `batchSize must be at least 2, got ${bs}`);
  const n = x.shape[0];
  if (n < 2) throw new ShapeError(op, `needs at least 2 samples, got ${fmtShape(x.shape)}`);
  const head = opts.head ?? null;
  const optimizer = opts.optimizer ?? new Adam([...encoder.parameters(), ...(head ? head.parameters() : [])], { lr: 1e-3 });
  const [aug1, aug2] = typeof opts.augment === "function" ? [opts.augment, opts.augment] : opts.augment;
  const rng = new PCG32(opts.seed ?? 0);
  const project = (v: Tensor) => (head ? head.call(encoder.call(v)) : encoder.call(v));
  const history = new History();
  encoder.train();
  head?.train();
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(0, i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let sum = 0, steps = 0;
    const t0 = performance.now();
    // Drop a last partial batch under 2 pairs (NT-Xent needs negatives).
    for (let s = 0; s + 2 <= n; s += bs) {
      const idx = order.slice(s, Math.min(n, s + bs));
      const loss = ds.scope(() => {
        const xb = ds.indexSelect(x, 0, ds.tensor(idx, { dtype: "int32" }));
        const v1 = aug1(xb, rng), v2 = aug2(xb, rng);
        optimizer.zeroGrad();
        // One forward over both views, so batch norm sees (and normalises) them together.
        const z = project(ds.concat([v1, v2], 0));
        const l = ntXent(z.narrow(0, 0, idx.length), z.narrow(0, idx.length, idx.length), temperature);
        l.backward();
        optimizer.step();
        return l.item();
      });
      if (!Number.isFinite(loss)) throw new ArgumentError(op, `the loss became ${loss} at epoch ${epoch}; lower the learning rate or raise the temperature`);
      sum += loss;
      steps++;
      await Promise.resolve(); // let timers and signals run between steps
    }
    const mean = sum / steps;
    history.record(epoch - 1, { loss: mean });
    if (opts.verbose ?? true) console.log(`contrastive epoch ${epoch}/${opts.epochs}: NT-Xent ${mean.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    opts.onEpoch?.(epoch, mean);
  }
  return history;
}

/** The model's outputs for every row of x, batched, in eval mode without gradients: the frozen embeddings. */
export function embed(model: Net, x: Tensor, opts: { batchSize?: number } = {}): Tensor {
  const bs = opts.batchSize ?? 256;
  if (!Number.isInteger(bs) || bs < 1) throw new ArgumentError("embed", `batchSize must be a positive integer, got ${bs}`);
  const was = model.training;
  model.eval();
  try {
    // One scope per batch: each batch's activations are freed before the next one runs.
    const parts: Tensor[] = [];
    for (let i = 0; i < x.shape[0]; i += bs) parts.push(ds.noGrad(() => ds.scope(() => model.call(x.narrow(0, i, Math.min(bs, x.shape[0] - i))))));
    if (parts.length === 1) return parts[0];
    const out = ds.concat(parts, 0);
    for (const p of parts) p.dispose();
    return out;
  } finally {
    model.train(was);
  }
}

/**
 * A few labelled samples, stratified and seeded: round(fraction · N) rows (at least one per class),
 * shared among the classes in proportion to their sizes (largest remainders make the total exact).
 * Returns their row indices into y, ascending.
 */
export function labelledSubset(y: Tensor, fraction: number, seed = 0): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new ArgumentError("labelledSubset", `fraction must be in (0, 1], got ${fraction}`);
  const labels = Array.from(y.dataSync(), Number);
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => byClass.set(c, [...(byClass.get(c) ?? []), i]));
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const total = Math.max(classes.length, Math.round(fraction * labels.length));
  const share = classes.map((c) => (total * byClass.get(c)!.length) / labels.length);
  const take = share.map((s) => Math.max(1, Math.floor(s)));
  const byRemainder = classes.map((_, k) => k).sort((a, b) => (share[b] - Math.floor(share[b])) - (share[a] - Math.floor(share[a])));
  for (let k = 0, left = total - take.reduce((a, b) => a + b, 0); left > 0; k = (k + 1) % classes.length, left--) take[byRemainder[k]]++;
  const rng = new PCG32(seed);
  const out: number[] = [];
  classes.forEach((c, k) => {
    const rows = byClass.get(c)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.nextInt(0, i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    out.push(...rows.slice(0, Math.min(rows.length, take[k])));
  });
  return out.sort((a, b) => a - b);
}

/**
 * Linear-probe accuracy: a logistic regression (L2, inverse strength C) fitted on standardised
 * frozen embeddings of the labelled samples, scored on the test embeddings.
 */
export function linearProbe(zTrain: Tensor, yTrain: Tensor, zTest: Tensor, yTest: Tensor, opts: { C?: number; maxIter?: number } = {}): number {
  const mean = zTrain.mean(0, true), std = zTrain.std(0, { keepdim: true, correction: 0 }).add(1e-6);
  const scale = (z: Tensor) => z.sub(mean).div(std).to("float64");
  const clf = new LogisticRegression({ C: opts.C ?? 1, maxIter: opts.maxIter ?? 500 }).fit(scale(zTrain), yTrain);
  return clf.score(scale(zTest), yTest);
}

/**
 * k-nearest-neighbour accuracy on frozen embeddings: each test embedding takes the majority class
 * of its k most similar labelled ones (cosine similarity by default; ties go to the nearest).
 */
export function knnAccuracy(zTrain: Tensor, yTrain: Tensor, zTest: Tensor, yTest: Tensor, opts: { k?: number; metric?: "cosine" | "euclidean" } = {}): number {
  const k = Math.min(opts.k ?? 5, zTrain.shape[0]);
  const sim = ds.noGrad(() => {
    if ((opts.metric ?? "cosine") === "cosine") return normalize(zTest).matmul(normalize(zTrain).transpose(0, 1));
    // -‖a - b‖² = 2a·b - ‖a‖² - ‖b‖²
    return zTest.matmul(zTrain.transpose(0, 1)).mul(2).sub(zTest.square().sum(1, true)).sub(zTrain.square().sum(1).reshape([1, -1]));
  });
  const s = sim.dataSync(), ytr = Array.from(yTrain.dataSync(), Number), yte = Array.from(yTest.dataSync(), Number);
  const m = zTrain.shape[0];
  let hits = 0;
  const row: number[] = [];
  for (let i = 0; i < yte.length; i++) {
    // The k most similar, nearest first (insertion into a short sorted list: O(m·k)).
    row.length = 0;
    for (let j = 0; j < m; j++) {
      const v = s[i * m + j];
      if (row.length === k && v <= s[i * m + row[k - 1]]) continue;
      let at = row.length;
      while (at > 0 && s[i * m + row[at - 1]] < v) at--;
      row.splice(at, 0, j);
      if (row.length > k) row.pop();
    }
    const votes = new Map<number, number>();
    for (const j of row) votes.set(ytr[j], (votes.get(ytr[j]) ?? 0) + 1);
    const best = Math.max(...votes.values());
    const winner = row.map((j) => ytr[j]).find((c) => votes.get(c) === best)!;
    if (winner === yte[i]) hits++;
  }
  return hits / yte.length;
}
