// Pictures of arrays: images (one, or a labelled grid) and annotated heatmaps (confusion matrices).
import { ArgumentError, ShapeError } from "../core/errors.js";
import { Figure, type Spec } from "./figure.js";
import { frameSpec, type ChartOptions } from "./charts.js";
import { type Numbers, nested, shapeOf, toLabels, toMatrix } from "./data.js";

/** Colour maps: matplotlib's "gray" (black → white) and "gray_r", or any Vega scheme ("viridis", "magma", "blues", …). */
export type ColorMap = "gray" | "gray_r" | string;

function colorScale(cmap: ColorMap, domain: [number, number]): Spec {
  if (cmap === "gray") return { domain, range: ["black", "white"], clamp: true };
  if (cmap === "gray_r") return { domain, range: ["white", "black"], clamp: true };
  return { domain, scheme: cmap, clamp: true };
}

export interface ImageOptions {
  /** A caption above each image (class names, predictions …). */
  labels?: readonly unknown[];
  /** Images per row of the grid (default: about √n, at most 8). */
  columns?: number;
  /** Colour map of single-channel images (default "gray"). */
  cmap?: ColorMap;
  /** Values mapped to the ends of the colour map (default: the data's min and max). */
  vmin?: number;
  vmax?: number;
  /** Screen pixels per image pixel (default: images about 96 px wide in a grid, 320 px alone). */
  pixelSize?: number;
  title?: string;
}

interface Img {
  h: number;
  w: number;
  /** Single channel: values [h][w]; colour: [h][w][3 or 4] in 0..1. */
  gray?: number[][];
  rgb?: number[][][];
}

/** Splits any supported layout into images: [H,W], [H,W,C], [N,H,W], [N,1,H,W], [N,C,H,W], [N,H,W,C] (C = 1, 3, 4). */
function toImages(x: unknown): Img[] {
  const v = nested(x) as unknown;
  const s = shapeOf(v);
  const num = (a: unknown) => (a as number[][]).map((r) => Array.from(r, Number));
  const hwc = (a: unknown): Img => {
    const m = a as number[][][];
    if (m[0][0].length === 1) return { h: m.length, w: m[0].length, gray: m.map((r) => r.map((p) => Number(p[0]))) };
    return { h: m.length, w: m[0].length, rgb: m.map((r) => r.map((p) => Array.from(p, Number))) };
  };
  const chw = (a: unknown): Img => {
    const m = a as number[][][];
    if (m.length === 1) return { h: m[0].length, w: m[0][0].length, gray: num(m[0]) };
    return { h: m[0].length, w: m[0][0].length, rgb: m[0].map((r, i) => r.map((_, j) => m.map((ch) => Number(ch[i][j])))) };
  };
  if (s.length === 2) return [{ h: s[0], w: s[1], gray: num(v) }];
  // [H,W,C] when the last dimension looks like channels, else a stack of single-channel images
  if (s.length === 3) return [1, 3, 4].includes(s[2]) ? [hwc(v)] : (v as unknown[]).map((m) => ({ h: s[1], w: s[2], gray: num(m) }));
  if (s.length === 4) {
    // PyTorch's [N,C,H,W] unless the last dimension looks more like channels (1 or 3)
    const channelsFirst = [1, 3, 4].includes(s[1]) && ![1, 3].includes(s[3]);
    return (v as unknown[]).map(channelsFirst ? chw : hwc);
  }
  throw new ShapeError("image", `expected [H,W], [H,W,C], [N,H,W], [N,C,H,W] or [N,H,W,C] (C = 1, 3 or 4), got shape [${s.join(",")}]`);
}

const hex = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 255).toString(16).padStart(2, "0");

/**
 * An image, or a grid of images with captions: a tensor (or anything with toArray()/nested
 * arrays) shaped [H,W], [H,W,C], [N,H,W], [N,C,H,W] or [N,H,W,C].
 * @example plot.image(x.narrow(0, 0, 16), { labels: preds, columns: 8 }).save("digits.png")
 */
export function image(img: Numbers | unknown, opts: ImageOptions = {}): Figure {
  const imgs = toImages(img);
  if (!imgs.length) throw new ShapeError("image", "no images (the first dimension is 0)");
  const labels = opts.labels === undefined ? null : toLabels("image", opts.labels);
  if (labels && labels.length !== imgs.length) throw new ShapeError("image", `${labels.length} labels for ${imgs.length} images`);
  let lo = Infinity, hi = -Infinity;
  for (const im of imgs) for (const row of im.gray ?? im.rgb!.map((r) => r.flat())) for (const p of row) if (Number.isFinite(p)) { lo = Math.min(lo, p); hi = Math.max(hi, p); }
  if (lo === Infinity) [lo, hi] = [0, 1];
  const vmin = opts.vmin ?? (imgs[0].rgb ? 0 : lo), vmax = opts.vmax ?? (imgs[0].rgb ? (hi > 1 ? 255 : 1) : hi === lo ? lo + 1 : hi);
  const single = imgs.length === 1;
  const px = opts.pixelSize ?? Math.max(1, Math.round((single ? 320 : 96) / Math.max(imgs[0].w, imgs[0].h)));
  if (!(px > 0)) throw new ArgumentError("image", `pixelSize must be positive, got ${px}`);
  const views = imgs.map((im, k) => {
    const values: Record<string, unknown>[] = [];
    for (let i = 0; i < im.h; i++) {
      for (let j = 0; j < im.w; j++) {
        const cell: Record<string, unknown> = { x: j, x1: j + 1, y: i, y1: i + 1 };
        if (im.gray) cell.v = Number.isFinite(im.gray[i][j]) ? im.gray[i][j] : null;
        else {
          const p = im.rgb![i][j].map((c) => (c - vmin) / (vmax - vmin));
          cell.c = `#${hex(p[0])}${hex(p[1])}${hex(p[2])}`;
        }
        values.push(cell);
      }
    }
    const axis = (n: number, reverse: boolean) => ({ type: "quantitative", axis: null, scale: { domain: [0, n], nice: false, zero: false, reverse } });
    const sub: Spec = {
      width: im.w * px,
      height: im.h * px,
      data: { values },
      // a hair wider than a pixel, so antialiasing leaves no seams between neighbours
      mark: { type: "rect", strokeWidth: 0.35, strokeOpacity: 1, aria: false },
      encoding: {
        x: { field: "x", ...axis(im.w, false) },
        x2: { field: "x1" },
        y: { field: "y", ...axis(im.h, true) },
        y2: { field: "y1" },
        ...(im.gray
          ? { fill: { field: "v", type: "quantitative", scale: colorScale(opts.cmap ?? "gray", [vmin, vmax]), legend: null }, stroke: { field: "v", type: "quantitative", scale: colorScale(opts.cmap ?? "gray", [vmin, vmax]), legend: null } }
          : { fill: { field: "c", type: "nominal", scale: null }, stroke: { field: "c", type: "nominal", scale: null } }),
      },
    };
    if (labels) sub.title = { text: String(labels[k]), fontSize: 12, offset: 4 };
    return sub;
  });
  const config = { view: { stroke: null } };
  if (single) return new Figure({ ...views[0], ...(opts.title ? { title: opts.title } : {}), config });
  const columns = opts.columns ?? Math.min(8, Math.ceil(Math.sqrt(imgs.length)));
  if (!Number.isInteger(columns) || columns < 1) throw new ArgumentError("image", `columns must be a positive integer, got ${columns}`);
  return new Figure({ ...(opts.title ? { title: opts.title } : {}), concat: views, columns, spacing: { row: labels ? 6 : 4, column: 4 }, config });
}

export interface HeatmapOptions extends ChartOptions {
  /** Names of the columns (x) and rows (y) (default 0, 1, 2, …). */
  xLabels?: readonly unknown[];
  yLabels?: readonly unknown[];
  /** Write each cell's value in it (default: when there are at most 400 cells). */
  annotate?: boolean;
  /** Decimals of the annotations (default: 0 for whole numbers, else 2). */
  decimals?: number;
  /** A Vega colour scheme (default "blues"), or "gray"/"gray_r". */
  cmap?: ColorMap;
  vmin?: number;
  vmax?: number;
}

/**
 * A matrix as coloured cells, annotated with the values (rows top to bottom).
 * @example plot.heatmap(cm, { xLabels: names, yLabels: names, xLabel: "predicted", yLabel: "true" })
 */
export function heatmap(matrix: Numbers, opts: HeatmapOptions = {}): Figure {
  const m = toMatrix("heatmap", matrix, "matrix");
  const rows = m.length, cols = m[0]?.length ?? 0;
  if (!rows || !cols) throw new ShapeError("heatmap", "the matrix is empty");
  const xl = (opts.xLabels ?? Array.from({ length: cols }, (_, j) => j)).map(String);
  const yl = (opts.yLabels ?? Array.from({ length: rows }, (_, i) => i)).map(String);
  if (xl.length !== cols) throw new ShapeError("heatmap", `${xl.length} xLabels for ${cols} columns`);
  if (yl.length !== rows) throw new ShapeError("heatmap", `${yl.length} yLabels for ${rows} rows`);
  const flat = m.flat().filter(Number.isFinite);
  const lo = opts.vmin ?? Math.min(0, ...flat), hi = opts.vmax ?? Math.max(...flat, lo + 1e-12);
  const whole = flat.every(Number.isInteger);
  const dec = opts.decimals ?? (whole ? 0 : 2);
  const values = m.flatMap((r, i) => r.map((v, j) => ({ row: yl[i], col: xl[j], value: Number.isFinite(v) ? v : null, text: Number.isFinite(v) ? v.toFixed(dec) : "" })));
  const annotate = opts.annotate ?? rows * cols <= 400;
  const cell = Math.max(14, Math.min(56, Math.floor(440 / Math.max(rows, cols))));
  const x = { field: "col", type: "ordinal", sort: xl, title: opts.xLabel ?? null, axis: { labelAngle: 0, grid: false, ticks: false, domain: false } };
  const y = { field: "row", type: "ordinal", sort: yl, title: opts.yLabel ?? null, axis: { grid: false, ticks: false, domain: false } };
  const layers: Spec[] = [{
    mark: { type: "rect", aria: false },
    encoding: { x, y, color: { field: "value", type: "quantitative", scale: colorScale(opts.cmap ?? "blues", [lo, hi]), legend: opts.legend === false ? null : { title: typeof opts.legend === "string" ? opts.legend : null, gradientLength: Math.max(60, rows * cell - 20) } } },
  }];
  if (annotate) {
    const dark = opts.cmap === "gray_r" || opts.cmap === undefined || /blues|greens|reds|oranges|purples|greys|yellow/i.test(opts.cmap);
    const threshold = lo + (hi - lo) * 0.5;
    layers.push({
      mark: { type: "text", aria: false, fontSize: Math.max(8, Math.min(14, cell * 0.32)), baseline: "middle" },
      encoding: {
        x, y, text: { field: "text" },
        color: { condition: { test: `datum.value ${dark ? ">" : "<"} ${threshold}`, value: "white" }, value: "black" },
      },
    });
  }
  const base = frameSpec(opts, { width: cols * cell + 150, height: rows * cell + 90 });
  return new Figure({ ...base, data: { values }, layer: layers, config: { axis: { grid: false }, view: { stroke: null } } });
}

/**
 * The confusion matrix of predictions as an annotated heatmap (rows: true class, columns: predicted).
 * @example plot.confusionMatrix(yTest, preds, { labels: ["0", "1", …] }).save("confusion.png")
 */
export function confusionMatrix(yTrue: Numbers | readonly unknown[], yPred: Numbers | readonly unknown[], opts: HeatmapOptions & { labels?: readonly unknown[]; normalize?: boolean } = {}): Figure {
  const t = toLabels("confusionMatrix", yTrue, "yTrue"), p = toLabels("confusionMatrix", yPred, "yPred");
  if (t.length !== p.length) throw new ShapeError("confusionMatrix", `yTrue has ${t.length} labels, yPred ${p.length}`);
  const ints = [...t, ...p].every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0);
  const classes: unknown[] = ints ? Array.from({ length: Math.max(opts.labels?.length ?? 0, ...(t as number[]).map((v) => v + 1), ...(p as number[]).map((v) => v + 1)) }, (_, i) => i) : [...new Set([...t, ...p].map(String))].sort();
  const pos = new Map(classes.map((c, i) => [ints ? c : String(c), i]));
  const m = classes.map(() => new Array<number>(classes.length).fill(0));
  t.forEach((v, i) => m[pos.get(ints ? v : String(v))!][pos.get(ints ? p[i] : String(p[i]))!]++);
  const mat = opts.normalize ? m.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => (s ? v / s : 0)); }) : m;
  const names = (opts.labels ?? classes).map(String);
  if (names.length !== classes.length) throw new ArgumentError("confusionMatrix", `${names.length} labels for ${classes.length} classes`);
  return heatmap(mat, { title: "Confusion matrix", xLabel: "predicted", yLabel: "true", ...opts, xLabels: names, yLabels: names, ...(opts.normalize ? { vmin: 0, vmax: 1 } : {}) });
}
