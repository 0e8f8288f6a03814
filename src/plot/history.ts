// Training curves: one panel per metric of a History (loss, accuracy, …), train against validation.
import { ArgumentError } from "../core/errors.js";
import { Figure, type Spec } from "./figure.js";
import type { ChartOptions } from "./charts.js";

/** What plot.history reads: train.fit's History, its JSON, or `{ loss: [...], valLoss: [...] }`. */
export interface HistoryLike {
  history: Record<string, readonly number[]>;
  epoch?: readonly number[];
}

export interface HistoryOptions extends ChartOptions {
  /** Which metrics get a panel (default: every series except learning rates, validation beside training). */
  metrics?: string[];
}

/** The validation twin of a metric's name: valLoss (deepscript) or val_loss (Keras). */
function valNames(m: string): string[] {
  return [`val${m[0].toUpperCase()}${m.slice(1)}`, `val_${m}`];
}
const isVal = (k: string) => /^val(_|[A-Z])/.test(k);

/**
 * Training curves from a History: a panel per metric (loss, accuracy, …), training and
 * validation as two lines over the epochs.
 * @example const h = await train.fit(model, data, { …, validationData }); await plot.history(h).save("curves.png")
 */
export function history(h: HistoryLike | Record<string, readonly number[]>, opts: HistoryOptions = {}): Figure {
  const series = ("history" in h && typeof h.history === "object" && !Array.isArray(h.history) ? h.history : h) as Record<string, readonly number[]>;
  const epochs = "epoch" in h && Array.isArray(h.epoch) ? (h.epoch as number[]) : null;
  const metrics = opts.metrics ?? Object.keys(series).filter((k) => !isVal(k) && !/^(lr|learningRate|learning_rate)$/.test(k));
  // a validation-only series gets its own panel
  for (const k of Object.keys(series)) if (isVal(k) && !opts.metrics && !metrics.some((m) => valNames(m).includes(k))) metrics.push(k);
  if (!metrics.length) throw new ArgumentError("history", "no series to plot; expected e.g. { history: { loss: [...], valLoss: [...] } }");
  const width = opts.width ?? Math.max(360, 330 * metrics.length), height = opts.height ?? 320;
  const panelW = Math.max(120, Math.floor((width - 60) / metrics.length) - 80), panelH = Math.max(100, height - 110);
  const panels = metrics.map((m): Spec => {
    if (!(m in series)) throw new ArgumentError("history", `no series "${m}"; series are ${Object.keys(series).join(", ")}`);
    const rows: Record<string, unknown>[] = [];
    const add = (name: string, split: string) => series[name]?.forEach((v, i) => rows.push({ epoch: epochs ? epochs[i] + 1 : i + 1, value: Number.isFinite(v) ? v : null, split }));
    add(m, isVal(m) ? "validation" : "train");
    const val = valNames(m).find((k) => k in series);
    if (val) add(val, "validation");
    const n = Math.max(...rows.map((r) => r.epoch as number));
    return {
      width: panelW,
      height: panelH,
      title: m,
      data: { values: rows },
      mark: { type: "line", point: n <= 30, strokeWidth: 2 },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: opts.xLabel ?? "epoch", axis: { format: "d", ...(n <= 15 ? { values: Array.from({ length: n }, (_, i) => i + 1) } : { tickMinStep: 1 }) }, scale: { domain: [1, Math.max(2, n)], nice: false } },
        y: { field: "value", type: "quantitative", title: opts.yLabel ?? null, scale: { zero: false } },
        color: { field: "split", type: "nominal", title: null, scale: { domain: ["train", "validation"], range: ["#1f77b4", "#ff7f0e"] }, legend: opts.legend === false ? null : { orient: "bottom" } },
        strokeDash: { field: "split", type: "nominal", scale: { domain: ["train", "validation"], range: [[1, 0], [6, 3]] }, legend: null },
      },
    };
  });
  return new Figure({ ...(opts.title ? { title: opts.title } : {}), hconcat: panels, spacing: 40, resolve: { scale: { color: "shared", strokeDash: "shared" } } });
}
