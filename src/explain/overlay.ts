// Heat-map overlays: attributions drawn over the images they explain, as a plot figure.
import { ShapeError, fmtShape } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { image } from "../plot/image.js";
import type { Figure } from "../plot/figure.js";

export interface OverlayOptions {
  /** Captions, one per image. */
  labels?: readonly unknown[];
  /** Images per row of the grid. */
  columns?: number;
  /** Opacity of the heat map at its strongest (default 0.7). */
  alpha?: number;
  /**
   * "abs" (default): |attribution| from dark red to yellow; "signed": positive red, negative blue.
   */
  mode?: "abs" | "signed";
  /** The attribution that saturates the colours, as a quantile of |attribution| per image (default 0.99). */
  clipQuantile?: number;
  title?: string;
  /** Screen pixels per image pixel. */
  pixelSize?: number;
}

interface Planes { n: number; c: number; h: number; w: number; v: Float64Array }

// [H,W] / [C,H,W] / [N,C,H,W] (C = 1 or 3; [N,H,W] reads as N single-channel images).
function planes(what: string, t: Tensor | number[][]): Planes {
  const x = t instanceof Tensor ? t : null;
  const shape = x ? x.shape : [(t as number[][]).length, (t as number[][])[0]?.length ?? 0];
  const v = x ? Float64Array.from(x.dataSync() as ArrayLike<number>) : Float64Array.from((t as number[][]).flat());
  if (shape.length === 2) return { n: 1, c: 1, h: shape[0], w: shape[1], v };
  if (shape.length === 3) return shape[0] === 1 || shape[0] === 3 ? { n: 1, c: shape[0], h: shape[1], w: shape[2], v } : { n: shape[0], c: 1, h: shape[1], w: shape[2], v };
  if (shape.length === 4) return { n: shape[0], c: shape[1], h: shape[2], w: shape[3], v };
  throw new ShapeError("overlay", `${what} must be [H,W], [C,H,W], [N,H,W] or [N,C,H,W], got ${fmtShape(shape)}`);
}

function quantile(values: number[], q: number): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}

/**
 * The images with their attributions as a heat map on top (a dimmed grey image under a red-to-yellow
 * or red/blue map whose opacity follows the attribution's strength): a figure to `save("saliency.png")`. Attributions of
 * several channels are summed per pixel; each image is scaled to its own strongest attribution.
 * @example await explain.overlay(x, explain.integratedGradients(model, x, y), { labels }).save("ig.png")
 */
export function overlay(images: Tensor | number[][], attributions: Tensor | number[][], opts: OverlayOptions = {}): Figure {
  const im = planes("image", images), at = planes("attribution", attributions);
  if (im.n !== at.n || im.h !== at.h || im.w !== at.w) {
    throw new ShapeError("overlay", `attributions (${at.n} of ${at.h}×${at.w}) do not match the images (${im.n} of ${im.h}×${im.w})`);
  }
  const { n, h, w } = im, hw = h * w;
  const alpha = opts.alpha ?? 0.7, signed = opts.mode === "signed";
  const out = new Float64Array(n * hw * 3);
  for (let k = 0; k < n; k++) {
    // Grey base: the image's mean over channels, scaled to [0, 1] per image.
    const g = new Float64Array(hw), a = new Float64Array(hw);
    for (let p = 0; p < hw; p++) {
      let s = 0;
      for (let c = 0; c < im.c; c++) s += im.v[(k * im.c + c) * hw + p];
      g[p] = s / im.c;
      let t = 0;
      for (let c = 0; c < at.c; c++) t += at.v[(k * at.c + c) * hw + p];
      a[p] = t;
    }
    let lo = Infinity, hi = -Infinity;
    for (const v of g) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const span = hi > lo ? hi - lo : 1;
    const top = quantile(Array.from(a, Math.abs), opts.clipQuantile ?? 0.99) || Math.max(...Array.from(a, Math.abs)) || 1;
    for (let p = 0; p < hw; p++) {
      const base = 0.55 * ((g[p] - lo) / span); // dimmed, so white digits do not drown the colours
      const s = Math.min(1, Math.abs(a[p]) / top);
      // abs: dark red → red → yellow as the attribution grows; signed: red positive, blue negative.
      const colour: [number, number, number] = signed ? (a[p] >= 0 ? [1, 0.15, 0.1] : [0.1, 0.4, 1]) : [0.6 + 0.4 * Math.min(1, 2 * s), Math.max(0, 2 * s - 1), 0];
      const o = alpha * Math.pow(s, 0.6);
      for (let c = 0; c < 3; c++) out[(k * hw + p) * 3 + c] = (1 - o) * base + o * colour[c];
    }
  }
  const rows = Array.from({ length: n }, (_, k) => Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => {
    const o = (k * hw + i * w + j) * 3;
    return [out[o], out[o + 1], out[o + 2]];
  })));
  return image(rows, { labels: opts.labels, columns: opts.columns, title: opts.title, pixelSize: opts.pixelSize, vmin: 0, vmax: 1 });
}
