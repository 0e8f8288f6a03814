// line, scatter, bar and hist: arrays, tensors, named series or tidy rows → Vega-Lite specs.
import { ArgumentError, ShapeError } from "../core/errors.js";
import { Figure, type Spec } from "./figure.js";
import { type Numbers, type Record_, type RecordSource, cleanRows, fieldType, hasToArray, nested, recordsOf, shapeOf, toLabels, toMatrix, toNumbers } from "./data.js";

/** Options every chart takes. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Figure width in pixels, axes and legend included (default 640). */
  width?: number;
  /** Figure height in pixels (default 400). */
  height?: number;
  /** Show the legend (default: when there is more than one series or class); a string titles it. */
  legend?: boolean | string;
}

type Scale = "linear" | "log" | "sqrt";

/** The size and title parts every single-view chart shares. */
export function frameSpec(opts: ChartOptions, defaults: { width?: number; height?: number } = {}): Spec {
  const spec: Spec = {
    width: opts.width ?? defaults.width ?? 640,
    height: opts.height ?? defaults.height ?? 400,
    autosize: { type: "fit", contains: "padding" },
  };
  if (opts.title) spec.title = opts.title;
  for (const k of ["width", "height"] as const) {
    const v = spec[k] as number;
    if (!(v > 0 && Number.isFinite(v))) throw new ArgumentError("plot", `${k} must be a positive number, got ${v}`);
  }
  return spec;
}

function legendOf(opts: ChartOptions, many: boolean, title: string | null): object | null {
  if (opts.legend === false || (opts.legend === undefined && !many)) return null;
  return { title: typeof opts.legend === "string" ? opts.legend : title };
}

function isNamedSeries(x: unknown): x is Record<string, Numbers> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !hasToArray(x) && !recordsOf(x);
}

// ---- line ----

export interface LineOptions extends ChartOptions {
  /** x values (numbers or dates), or the x field of tidy rows (default: 0, 1, 2, …). */
  x?: string | Numbers | readonly Date[];
  /** The y field(s) of tidy rows. */
  y?: string | string[];
  /** The field of tidy rows that splits them into series. */
  color?: string;
  /** Names of a 2-D input's columns. */
  labels?: string[];
  /** Mark each point too. */
  points?: boolean;
  xScale?: Scale;
  yScale?: Scale;
}

/**
 * Line chart of one or more series: a 1-D array/tensor, a 2-D one (a line per column), named
 * series `{ train: [...], test: [...] }`, or tidy rows / a DataFrame with `x`, `y` (and `color`) fields.
 * @example plot.line({ sin: xs.map(Math.sin), cos: xs.map(Math.cos) }, { x: xs, title: "waves" }).save("waves.png")
 */
export function line(data: Numbers | Record<string, Numbers> | Record_[] | RecordSource, opts: LineOptions = {}): Figure {
  const rows: Record_[] = [];
  let xName = "x", seriesField: string | null = "series", many = true, yTitle = opts.yLabel ?? "value";
  const records = recordsOf(data);
  if (records) {
    if (opts.y === undefined) throw new ArgumentError("line", "tidy rows need the y field(s): { y: \"loss\" } or { y: [\"a\", \"b\"] }");
    if (opts.x !== undefined && typeof opts.x !== "string") throw new ArgumentError("line", "with tidy rows, x names a field");
    const ys = typeof opts.y === "string" ? [opts.y] : opts.y;
    xName = opts.x ?? "index";
    records.forEach((r, i) => {
      for (const y of ys) {
        if (!(y in r)) throw new ArgumentError("line", `no field "${y}" in the rows; fields are ${Object.keys(r).join(", ")}`);
        rows.push({ [xName]: opts.x === undefined ? i : r[xName], value: r[y], series: opts.color ? r[opts.color] : y });
      }
    });
    many = ys.length > 1 || opts.color !== undefined;
    if (ys.length === 1 && opts.yLabel === undefined) yTitle = ys[0];
  } else {
    const series: [string, number[]][] = [];
    if (isNamedSeries(data)) for (const [k, v] of Object.entries(data)) series.push([k, toNumbers("line", v, `series "${k}"`)]);
    else {
      const v = nested(data);
      if (shapeOf(v).length === 2 && shapeOf(v)[1] !== 1) {
        const m = toMatrix("line", v);
        const k = m[0]?.length ?? 0;
        for (let j = 0; j < k; j++) series.push([opts.labels?.[j] ?? `y${j}`, m.map((r) => r[j])]);
      } else series.push([opts.labels?.[0] ?? "y", toNumbers("line", v)]);
      many = series.length > 1;
    }
    const xs = opts.x === undefined ? null : typeof opts.x === "string" ? null : Array.isArray(opts.x) && opts.x[0] instanceof Date ? (opts.x as Date[]) : toNumbers("line", opts.x, "x");
    if (typeof opts.x === "string") throw new ArgumentError("line", `x names a field only for tidy rows; pass the x values instead of "${opts.x}"`);
    for (const [name, ys] of series) {
      if (xs && xs.length !== ys.length) throw new ShapeError("line", `x has ${xs.length} values but series "${name}" has ${ys.length}`);
      ys.forEach((y, i) => rows.push({ x: xs ? xs[i] : i, value: y, series: name }));
    }
    if (series.length === 1 && opts.yLabel === undefined && series[0][0] !== "y") yTitle = series[0][0];
  }
  if (!many) seriesField = null;
  const data_ = cleanRows(rows);
  const xType = fieldType(rows.map((r) => r[xName]));
  const enc: Spec = {
    x: { field: xName, type: xType, title: opts.xLabel ?? (xName === "index" ? null : xName), scale: { type: xType === "temporal" ? "utc" : opts.xScale ?? "linear", zero: false, nice: xType !== "temporal" } },
    y: { field: "value", type: "quantitative", title: yTitle, scale: { type: opts.yScale ?? "linear", zero: false } },
  };
  if (seriesField) enc.color = { field: seriesField, type: "nominal", legend: legendOf(opts, true, opts.color ?? null), sort: null };
  return new Figure({
    ...frameSpec(opts),
    data: { values: data_ },
    mark: { type: "line", point: opts.points ?? false, strokeWidth: 2, clip: true },
    encoding: enc,
  });
}

// ---- scatter ----

export interface ScatterOptions extends ChartOptions {
  /** The x and y fields of tidy rows. */
  x?: string;
  y?: string;
  /** Class of each point (labels or class indices), or the field of tidy rows to colour by. */
  color?: string | Numbers | readonly unknown[];
  /** Names of class indices 0, 1, 2, … in the legend. */
  classNames?: string[];
  /** Point area in square pixels (default 30). */
  size?: number;
  opacity?: number;
}

/**
 * Scatter plot, coloured by class: `scatter(x, y, { color: labels })`, `scatter(points2d, { color })`
 * (first two columns), or tidy rows with `x`, `y` and `color` fields.
 * @example plot.scatter(embedding, { color: y, classNames: ["setosa", "versicolor", "virginica"] })
 */
export function scatter(a: Numbers | Record_[] | RecordSource, b?: Numbers | ScatterOptions, c: ScatterOptions = {}): Figure {
  const opts: ScatterOptions = b !== undefined && !Array.isArray(b) && !ArrayBuffer.isView(b) && !hasToArray(b) ? (b as ScatterOptions) : c;
  const rows: Record_[] = [];
  let xName = "x", yName = "y", colorName: string | null = null;
  const records = recordsOf(a);
  if (records) {
    if (!opts.x || !opts.y) throw new ArgumentError("scatter", "tidy rows need { x: field, y: field }");
    xName = opts.x;
    yName = opts.y;
    if (typeof opts.color === "string") colorName = opts.color;
    for (const r of records) rows.push({ [xName]: r[xName], [yName]: r[yName], ...(colorName ? { [colorName]: r[colorName] } : {}) });
  } else {
    let xs: number[], ys: number[];
    if (b !== undefined && opts !== b) {
      xs = toNumbers("scatter", a, "x");
      ys = toNumbers("scatter", b, "y");
      if (xs.length !== ys.length) throw new ShapeError("scatter", `x has ${xs.length} values, y has ${ys.length}`);
    } else {
      const m = toMatrix("scatter", a, "points");
      if ((m[0]?.length ?? 0) < 2) throw new ShapeError("scatter", `points must be [n, 2] (x and y columns), got [${m.length},${m[0]?.length ?? 0}]`);
      xs = m.map((r) => r[0]);
      ys = m.map((r) => r[1]);
    }
    let classes: unknown[] | null = null;
    if (opts.color !== undefined) {
      if (typeof opts.color === "string") throw new ArgumentError("scatter", "color names a field only for tidy rows; pass one label per point");
      classes = toLabels("scatter", opts.color, "color");
      if (classes.length !== xs.length) throw new ShapeError("scatter", `color has ${classes.length} labels for ${xs.length} points`);
      colorName = "class";
    }
    xs.forEach((x, i) => rows.push({ x, y: ys[i], ...(classes ? { class: classNameOf(classes[i], opts.classNames) } : {}) }));
  }
  const enc: Spec = {
    x: { field: xName, type: "quantitative", title: opts.xLabel ?? xName, scale: { zero: false } },
    y: { field: yName, type: "quantitative", title: opts.yLabel ?? yName, scale: { zero: false } },
  };
  if (colorName) {
    const vals = rows.map((r) => r[colorName!]);
    const t = fieldType(vals);
    const domain = t === "nominal" ? [...new Set(vals.map(String))].sort(naturalOrder(opts.classNames)) : undefined;
    enc.color = { field: colorName, type: t === "quantitative" ? "quantitative" : "nominal", legend: legendOf(opts, true, colorName === "class" ? null : colorName), ...(domain ? { scale: { domain } } : {}) };
  }
  return new Figure({
    ...frameSpec(opts),
    data: { values: cleanRows(rows) },
    mark: { type: "point", filled: true, size: opts.size ?? 30, opacity: opts.opacity ?? 0.8 },
    encoding: enc,
  });
}

function classNameOf(v: unknown, names?: string[]): string {
  if (names && typeof v === "number" && Number.isInteger(v) && names[v] !== undefined) return names[v];
  return String(v);
}

/** Class names in the order the user gave them, else numbers numerically, else alphabetically. */
function naturalOrder(names?: string[]): (a: string, b: string) => number {
  return (a, b) => {
    if (names) {
      const i = names.indexOf(a), j = names.indexOf(b);
      if (i >= 0 && j >= 0) return i - j;
    }
    const x = Number(a), y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

// ---- bar ----

export interface BarOptions extends ChartOptions {
  /** Category of each value (default 0, 1, 2, …). */
  labels?: readonly (string | number)[];
  /** The category and value fields of tidy rows. */
  x?: string;
  y?: string;
  /** The field of tidy rows whose values get side-by-side bars of their own colour. */
  color?: string;
  /** Bars along the y axis. */
  horizontal?: boolean;
  /** Bar colour for single-series bars. */
  fill?: string;
}

/**
 * Bar chart: values with `labels`, an object `{ label: value }`, or tidy rows with `x`, `y`
 * (and `color` for grouped bars).
 * @example plot.bar({ cats: 12, dogs: 7 }, { title: "pets" }).save("pets.svg")
 */
export function bar(data: Numbers | Record<string, number> | Record_[] | RecordSource, opts: BarOptions = {}): Figure {
  let rows: Record_[];
  let cat = "category", val = "value", colorField: string | null = null;
  const records = recordsOf(data);
  if (records) {
    if (!opts.x || !opts.y) throw new ArgumentError("bar", "tidy rows need { x: category field, y: value field }");
    cat = opts.x;
    val = opts.y;
    colorField = opts.color ?? null;
    rows = records.map((r) => ({ [cat]: r[cat], [val]: r[val], ...(colorField ? { [colorField]: r[colorField] } : {}) }));
  } else if (isNamedSeries(data)) {
    rows = Object.entries(data).map(([k, v]) => ({ category: k, value: typeof v === "number" ? v : NaN }));
  } else {
    const vs = toNumbers("bar", data);
    if (opts.labels && opts.labels.length !== vs.length) throw new ShapeError("bar", `${opts.labels.length} labels for ${vs.length} values`);
    rows = vs.map((v, i) => ({ category: opts.labels ? opts.labels[i] : i, value: v }));
  }
  const catType = rows.length && typeof rows[0][cat] === "number" && !opts.labels ? "ordinal" : "nominal";
  const ncat = new Set(rows.map((r) => r[cat])).size;
  const catEnc = { field: cat, type: catType, title: (opts.horizontal ? opts.yLabel : opts.xLabel) ?? (cat === "category" ? null : cat), sort: null, axis: { labelAngle: opts.horizontal || ncat <= 8 ? 0 : -45, grid: false } };
  const valEnc = { field: val, type: "quantitative", title: (opts.horizontal ? opts.xLabel : opts.yLabel) ?? val };
  const enc: Spec = opts.horizontal ? { y: catEnc, x: valEnc } : { x: catEnc, y: valEnc };
  if (colorField) {
    enc.color = { field: colorField, type: "nominal", legend: legendOf(opts, true, colorField) };
    enc[opts.horizontal ? "yOffset" : "xOffset"] = { field: colorField };
  }
  return new Figure({
    ...frameSpec(opts),
    data: { values: cleanRows(rows) },
    mark: { type: "bar", ...(colorField ? {} : { color: opts.fill ?? "#1f77b4" }) },
    encoding: enc,
  });
}

// ---- hist ----

export interface HistOptions extends ChartOptions {
  /** Number of equal-width bins (default 20), or the bin edges. */
  bins?: number | number[];
  /** [min, max] of the bins (default: the data's). */
  range?: [number, number];
  /** Heights as a probability density (area 1), as matplotlib's density=True. */
  density?: boolean;
  /** Group of each value: one translucent histogram per group over shared bins. */
  color?: Numbers | readonly unknown[];
  /** The value field of tidy rows (and `groupBy` for the group field). */
  x?: string;
  groupBy?: string;
  fill?: string;
}

/** Bin edges and counts as numpy.histogram: equal-width bins, the last one closed. */
export function histogram(values: readonly number[], bins: number | number[] = 20, range?: [number, number]): { edges: number[]; counts: number[] } {
  const finite = values.filter((v) => Number.isFinite(v));
  let edges: number[];
  if (Array.isArray(bins)) {
    edges = [...bins];
    if (edges.length < 2 || edges.some((e, i) => i > 0 && !(e > edges[i - 1]))) throw new ArgumentError("hist", "bin edges must be at least two increasing numbers");
  } else {
    if (!Number.isInteger(bins) || (bins as number) < 1) throw new ArgumentError("hist", `bins must be a positive integer or a list of edges, got ${bins}`);
    let [lo, hi] = range ?? [Math.min(...finite), Math.max(...finite)];
    if (!finite.length && !range) [lo, hi] = [0, 1];
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    edges = Array.from({ length: (bins as number) + 1 }, (_, i) => lo + ((hi - lo) * i) / (bins as number));
  }
  const counts = new Array<number>(edges.length - 1).fill(0);
  const lo = edges[0], hi = edges[edges.length - 1];
  for (const v of finite) {
    if (v < lo || v > hi) continue;
    let k = v === hi ? counts.length - 1 : upperBound(edges, v) - 1;
    k = Math.max(0, Math.min(counts.length - 1, k));
    counts[k]++;
  }
  return { edges, counts };
}

function upperBound(a: number[], v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * Histogram of values (numbers, a tensor, or a field of tidy rows), optionally one per group.
 * @example plot.hist(weights.flatten(), { bins: 50, title: "weights" })
 */
export function hist(data: Numbers | Record_[] | RecordSource, opts: HistOptions = {}): Figure {
  let values: number[], groups: unknown[] | null = null;
  const records = recordsOf(data);
  if (records) {
    if (!opts.x) throw new ArgumentError("hist", "tidy rows need { x: value field }");
    values = records.map((r) => (typeof r[opts.x!] === "number" ? (r[opts.x!] as number) : NaN));
    if (opts.groupBy) groups = records.map((r) => r[opts.groupBy!]);
  } else {
    const v = nested(data);
    values = shapeOf(v).length > 1 ? (v as unknown[]).flat(Infinity as 1).map(Number) : toNumbers("hist", v);
    if (opts.color !== undefined) {
      groups = toLabels("hist", opts.color, "color");
      if (groups.length !== values.length) throw new ShapeError("hist", `color has ${groups.length} labels for ${values.length} values`);
    }
  }
  const { edges } = histogram(values, opts.bins, opts.range);
  const keys = groups ? [...new Set(groups.map(String))].sort(naturalOrder()) : ["all"];
  const rows: Record_[] = [];
  for (const key of keys) {
    const vs = groups ? values.filter((_, i) => String(groups![i]) === key) : values;
    const { counts } = histogram(vs, edges);
    const total = counts.reduce((a, b) => a + b, 0);
    counts.forEach((c, i) => {
      const width = edges[i + 1] - edges[i];
      rows.push({ lo: edges[i], hi: edges[i + 1], count: opts.density ? (total ? c / (total * width) : 0) : c, group: key });
    });
  }
  const enc: Spec = {
    x: { field: "lo", type: "quantitative", bin: { binned: true }, title: opts.xLabel ?? opts.x ?? "value", axis: { tickCount: 8 }, scale: { zero: false } },
    x2: { field: "hi" },
    y: { field: "count", type: "quantitative", title: opts.yLabel ?? (opts.density ? "density" : "count"), stack: null },
  };
  if (groups) enc.color = { field: "group", type: "nominal", legend: legendOf(opts, true, opts.groupBy ?? null), scale: { domain: keys } };
  return new Figure({
    ...frameSpec(opts),
    data: { values: rows },
    mark: { type: "bar", binSpacing: 0, stroke: "white", strokeWidth: 0.5, opacity: groups ? 0.55 : 1, ...(groups ? {} : { color: opts.fill ?? "#1f77b4" }) },
    encoding: enc,
  });
}
