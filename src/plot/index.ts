// deepscript/plot: charts of arrays, tensors and tables as SVG, PNG or HTML — Vega-Lite + Vega headless + resvg, no DOM.
export { Figure, type Spec, type PngOptions } from "./figure.js";
export { line, scatter, bar, hist, histogram, type ChartOptions, type LineOptions, type ScatterOptions, type BarOptions, type HistOptions } from "./charts.js";
export { image, heatmap, confusionMatrix, type ImageOptions, type HeatmapOptions, type ColorMap } from "./image.js";
export { history, type HistoryLike, type HistoryOptions } from "./history.js";
export type { Numbers, ArrayConvertible, RecordSource } from "./data.js";
