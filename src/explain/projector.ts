// The embedding projector: high-dimensional embeddings to 2-D (PCA or t-SNE) as a scatter plot by class.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { PCA } from "../ml/pca.js";
import { scatter } from "../plot/charts.js";
import { tsne, type TsneOptions } from "./tsne.js";
import type { Figure } from "../plot/figure.js";

export interface ProjectorOptions {
  /** "pca" (default) or "tsne" (exact t-SNE: seconds for 1,000 points, O(N²)). */
  method?: "pca" | "tsne";
  /** t-SNE's options (perplexity, iterations, seed). */
  tsne?: TsneOptions;
  /** Names of the class indices in the legend. */
  classNames?: string[];
  title?: string;
  /** Point area in square pixels (default 14). */
  size?: number;
  width?: number;
  height?: number;
}

export interface Projection {
  /** The 2-D points, float64 [N, 2]. */
  points: Tensor;
  /** Share of the variance each of the two axes explains (PCA; NaN for t-SNE). */
  explainedVarianceRatio: [number, number];
  figure: Figure;
}

/**
 * Projects embeddings [N, D] (or images [N, ...], flattened) to 2-D — by PCA, or by t-SNE for a
 * picture that keeps neighbourhoods — and scatter-plots them coloured by `labels`: TensorBoard's
 * embedding projector as a picture.
 * @example await explain.projector(train.embed(encoder, x), y, { method: "tsne" }).figure.save("tsne.png")
 */
export function projector(embeddings: Tensor, labels?: Tensor | readonly (number | string)[], opts: ProjectorOptions = {}): Projection {
  const method = opts.method ?? "pca";
  if (method !== "pca" && method !== "tsne") throw new ArgumentError("projector", `method must be "pca" or "tsne", got ${JSON.stringify(method)}`);
  if (embeddings.ndim < 2 || embeddings.shape[0] < 3) throw new ShapeError("projector", `expected embeddings [N ≥ 3, D], got ${fmtShape(embeddings.shape)}`);
  const z = embeddings.reshape([embeddings.shape[0], -1]).to("float64");
  const color = labels === undefined ? undefined : labels instanceof Tensor ? Array.from(labels.dataSync(), Number) : [...labels];
  if (color && color.length !== z.shape[0]) throw new ShapeError("projector", `${color.length} labels for ${z.shape[0]} embeddings`);
  let points: Tensor, ratio: [number, number] = [NaN, NaN], axes: [string, string];
  if (method === "pca") {
    const pca = new PCA({ nComponents: 2 }).fit(z);
    points = pca.transform(z);
    const r = Array.from(pca.explainedVarianceRatio_.dataSync(), Number);
    ratio = [r[0], r[1] ?? 0];
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    axes = [`PC 1 (${pct(ratio[0])} of the variance)`, `PC 2 (${pct(ratio[1])})`];
  } else {
    points = tsne(z, opts.tsne);
    axes = ["t-SNE 1", "t-SNE 2"];
  }
  const figure = scatter(points, {
    color, classNames: opts.classNames, title: opts.title ?? `Embeddings (${method === "pca" ? "PCA" : "t-SNE"})`, size: opts.size ?? 14, opacity: 0.7,
    xLabel: axes[0], yLabel: axes[1], width: opts.width, height: opts.height, legend: color ? "class" : false,
  });
  return { points, explainedVarianceRatio: ratio, figure };
}
