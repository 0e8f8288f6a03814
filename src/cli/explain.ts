// `deepscript explain MODEL INPUT`: why a saved model predicts what it predicts — saliency,
// integrated gradients and occlusion overlays for image inputs (a heat map of attributions per
// feature for tabular ones), written as PNGs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, FileError } from "../core/errors.js";
import * as ds from "../tensor/index.js";
import * as train from "../train/index.js";
import * as io from "../io-namespace.js";
import * as explain from "../explain/index.js";
import { heatmap } from "../plot/index.js";
import { readInput } from "./evaluate.js";
import { outFolder } from "./out.js";

export interface ExplainOptions {
  /** "predicted" (default), "label" (the true class, where the input has labels) or a class index. */
  target: string;
  methods: string;
  steps: number;
  window: number;
  backend: string;
  out: string;
}

const METHODS = ["saliency", "ig", "occlusion"] as const;
type Method = (typeof METHODS)[number];

export async function explainCommand(modelPath: string, input: string, opts: ExplainOptions): Promise<{ files: string[]; predicted: number[]; completeness?: number[] }> {
  ds.setBackend(opts.backend);
  if (!existsSync(modelPath)) throw new FileError("explain", modelPath, "model file not found");
  const methods = opts.methods.split(",").map((m) => m.trim()).filter(Boolean) as Method[];
  const bad = methods.filter((m) => !METHODS.includes(m));
  if (bad.length || !methods.length) throw new ArgumentError("explain", `--methods takes a comma-separated list of ${METHODS.join(", ")}; got "${opts.methods}"`);
  if (!Number.isInteger(opts.steps) || opts.steps < 2) throw new ArgumentError("explain", `--steps must be an integer ≥ 2, got ${opts.steps}`);
  const model = io.load(modelPath) as unknown as train.Model;
  const { x, labels } = readInput(input);
  const logits = train.predict(model, x, { batchSize: 256 });
  const probs = logits.softmax(-1);
  const predicted = Array.from(probs.argmax(-1).dataSync(), Number);
  let target: number[];
  if (opts.target === "predicted") target = predicted;
  else if (opts.target === "label") {
    if (!labels) throw new ArgumentError("explain", "--target label needs an input with labels (digits:I)");
    target = labels;
  } else {
    const k = Number(opts.target);
    if (!Number.isInteger(k) || k < 0 || k >= logits.shape[1]) throw new ArgumentError("explain", `--target must be predicted, label or a class in 0..${logits.shape[1] - 1}, got "${opts.target}"`);
    target = predicted.map(() => k);
  }
  const outDir = outFolder("explain", opts.out);
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const conf = Array.from(probs.max(-1).dataSync(), Number);
  const caption = predicted.map((p, i) => `${p} (${(conf[i] * 100).toFixed(0)}%)${labels && labels[i] !== p ? ` true ${labels[i]}` : ""}${target[i] !== p ? ` → ${target[i]}` : ""}`);
  const isImage = x.ndim === 4;
  const files: string[] = [];
  let completeness: number[] | undefined;
  for (const method of methods) {
    const attr = method === "saliency" ? explain.saliency(model, x, target, { abs: true })
      : method === "ig" ? explain.integratedGradients(model, x, target, { steps: opts.steps })
        : explain.occlusion(model, x, target, isImage ? { window: [opts.window, opts.window], stride: [Math.max(1, Math.floor(opts.window / 2)), Math.max(1, Math.floor(opts.window / 2))] } : { window: 1 });
    if (method === "ig") {
      completeness = Array.from(explain.convergenceDelta(model, x, target, attr).dataSync(), Number);
      log(`integrated gradients (${opts.steps} steps): largest completeness gap |Σ attributions - (f(x) - f(0))| = ${Math.max(...completeness.map(Math.abs)).toExponential(2)}`);
    }
    const file = join(outDir, `${method}.png`);
    const title = { saliency: "Saliency |∂ output / ∂ input|", ig: `Integrated gradients (baseline: ${isImage ? "black" : "zeros"})`, occlusion: isImage ? `Occlusion (${opts.window}×${opts.window} window)` : "Occlusion (one feature at a time)" }[method];
    const strongest = attr.abs().max().item() || 1;
    const fig = isImage
      ? explain.overlay(x, attr, { labels: caption, columns: Math.min(8, x.shape[0]), title, pixelSize: 4, mode: method === "ig" ? "signed" : "abs" })
      : heatmap(attr.reshape([x.shape[0], -1]), {
        title, yLabels: caption, xLabel: "feature",
        // Signed attributions on a diverging map centred on 0 (unannotated: the heatmap's text
        // colours assume a sequential map).
        ...(method === "saliency" ? { annotate: attr.size <= 200 } : { cmap: "redblue", vmin: -strongest, vmax: strongest, annotate: false }),
      });
    await fig.save(file, { scale: 2 });
    files.push(file);
  }
  predicted.forEach((p, i) => { if (i < 20) log(`sample ${i}: predicted ${p} (p=${conf[i].toFixed(3)})${labels ? `, label ${labels[i]}` : ""}, explained class ${target[i]}`); });
  log(`wrote ${files.map((f) => f.slice(outDir.length + 1)).join(", ")} to ${outDir}`);
  return { files, predicted, completeness };
}
