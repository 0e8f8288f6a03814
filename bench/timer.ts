// The timing protocol of shared/bench/WORKLOADS.md §2: warm up, then time single calls until a
// budget of wall time and a minimum count are both reached (or a maximum count), report the median.

export interface Budget {
  /** Calls before timing starts; the first one's time is kept as `warmupMs` (compile/setup cost). */
  warmup: number;
  minIters: number;
  maxIters: number;
  /** Seconds of timed calls after which the loop may stop (once `minIters` are done). */
  budgetS: number;
}

export interface Timing {
  /** Median of the timed calls, in milliseconds (the number the tables use). */
  medianMs: number;
  minMs: number;
  p25Ms: number;
  p75Ms: number;
  count: number;
  /** The first warm-up call (includes one-off compilation, buffer allocation, JIT tiering). */
  warmupMs: number;
}

/** WORKLOADS.md §2's budgets by name (W1 sgemm, W2–W4 train, W5 infer). */
export const BUDGETS = {
  sgemm: { warmup: 2, minIters: 5, maxIters: 200, budgetS: 2 },
  sgemmSlow: { warmup: 1, minIters: 3, maxIters: 20, budgetS: 3 },
  train: { warmup: 3, minIters: 5, maxIters: 200, budgetS: 5 },
  trainSlow: { warmup: 1, minIters: 3, maxIters: 50, budgetS: 6 },
  trainVerySlow: { warmup: 1, minIters: 2, maxIters: 2, budgetS: 0 },
  infer: { warmup: 10, minIters: 20, maxIters: 2000, budgetS: 2 },
} satisfies Record<string, Budget>;

/** Full runs: ~1 s per case, at least 5 calls. */
export const FULL: Budget = { warmup: 2, minIters: 5, maxIters: 200, budgetS: 1.0 };
/** Full runs of cases whose single call is slow (≥ SLOW_CALL_MS): fewer calls. */
export const FULL_SLOW: Budget = { warmup: 1, minIters: 3, maxIters: 20, budgetS: 3.0 };
/** `--quick`: smoke-test budgets only; do not report these numbers. */
export const QUICK: Budget = { warmup: 1, minIters: 2, maxIters: 20, budgetS: 0.1 };
/** A first warm-up call at least this long switches a full run to FULL_SLOW. */
export const SLOW_CALL_MS = 250;

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Times `fn` under `budget`. `fn` must leave its result computed (read a value back) and free
 * what it allocates. `slow`, when given, replaces `budget` if the first warm-up call is slow.
 */
export function bench(fn: () => void, budget: Budget, slow?: Budget): Timing {
  let t = performance.now();
  fn();
  const warmupMs = performance.now() - t;
  let b = budget, done = 1;
  if (slow && warmupMs >= SLOW_CALL_MS) {
    // A slow first call may be one-off compilation (jax-js's jit): decide on the second.
    t = performance.now();
    fn();
    done++;
    if (performance.now() - t >= SLOW_CALL_MS) b = slow;
  }
  for (let i = done; i < b.warmup; i++) fn();
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < b.maxIters) {
    t = performance.now();
    fn();
    const end = performance.now();
    times.push(end - t);
    if (times.length >= b.minIters && (end - t0) / 1000 >= b.budgetS) break;
  }
  const sorted = [...times].sort((x, y) => x - y);
  return {
    medianMs: quantile(sorted, 0.5),
    minMs: sorted[0],
    p25Ms: quantile(sorted, 0.25),
    p75Ms: quantile(sorted, 0.75),
    count: times.length,
    warmupMs,
  };
}
