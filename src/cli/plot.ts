// `deepscript plot FILE.csv --x col --y a,b --kind line --out chart.png`: a CSV's columns as a chart.
import { basename, extname, resolve } from "node:path";
import { ArgumentError } from "../core/errors.js";
import { readCsv } from "../frame/index.js";
import * as plot from "../plot/index.js";

export interface PlotOptions {
  x?: string;
  y?: string;
  kind: string;
  out?: string;
  title?: string;
  color?: string;
  bins?: number;
  width?: number;
  height?: number;
  delimiter?: string;
}

const KINDS = ["line", "scatter", "bar", "hist"];

/** Draws the CSV's columns and writes the figure (.png, .svg or .html by the extension of --out). */
export async function plotCommand(file: string, opts: PlotOptions): Promise<string> {
  if (!KINDS.includes(opts.kind)) throw new ArgumentError("plot", `unknown --kind "${opts.kind}"; expected ${KINDS.join(", ")}`);
  const df = readCsv(file, opts.delimiter ? { delimiter: opts.delimiter } : {});
  const ys = opts.y ? opts.y.split(",").map((s) => s.trim()).filter(Boolean) : [];
  for (const c of [opts.x, ...ys, opts.color]) if (c !== undefined && !df.has(c)) throw new ArgumentError("plot", `${file} has no column "${c}"; columns are ${df.columns.join(", ")}`);
  const base = { title: opts.title ?? `${basename(file)}`, width: opts.width, height: opts.height };
  const need = (what: string, ok: boolean) => {
    if (!ok) throw new ArgumentError("plot", `--kind ${opts.kind} needs ${what}`);
  };
  let fig: plot.Figure;
  switch (opts.kind) {
    case "line":
      need("--y (one or more columns, comma-separated)", ys.length > 0);
      fig = plot.line(df, { ...base, x: opts.x, y: ys, color: opts.color });
      break;
    case "scatter":
      need("--x and one --y column", opts.x !== undefined && ys.length === 1);
      fig = plot.scatter(df, { ...base, x: opts.x, y: ys[0], color: opts.color });
      break;
    case "bar":
      need("--x (categories) and one --y column (values)", opts.x !== undefined && ys.length === 1);
      fig = plot.bar(df, { ...base, x: opts.x, y: ys[0], color: opts.color });
      break;
    default: {
      const col = ys[0] ?? opts.x;
      need("a column: --y (or --x)", col !== undefined);
      fig = plot.hist(df, { ...base, x: col, groupBy: opts.color, bins: opts.bins });
    }
  }
  const out = resolve(opts.out ?? `${basename(file, extname(file))}.png`);
  await fig.save(out);
  return out;
}
