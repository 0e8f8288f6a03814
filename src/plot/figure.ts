// Figure: a Vega-Lite spec rendered without a DOM — Vega's headless SVG renderer, resvg for PNG
// (a canvas in a page),
// and a self-contained HTML page. Vega and resvg are loaded on first render, not on import.
import { ArgumentError } from "../core/errors.js";
import { writeAtomic } from "../core/atomic.js";

/** A Vega-Lite specification (JSON). */
export type Spec = Record<string, unknown>;

/** Options of toPNG. */
export interface PngOptions {
  /** Width in pixels (height follows the aspect ratio). */
  width?: number;
  /** Height in pixels, when no width is given. */
  height?: number;
  /** Scale of the SVG's own size when neither width nor height is given (default 1). */
  scale?: number;
}

/** Fonts tried in order; DejaVu Sans ships with most Linux systems, the rest with macOS and Windows. */
export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** The look every figure shares: matplotlib-like defaults on Vega-Lite's. */
export const CONFIG = {
  font: FONT,
  background: "white",
  padding: 8,
  title: { fontSize: 15, fontWeight: "normal", anchor: "middle", offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", grid: true, gridColor: "#e6e6e6", domainColor: "#444", tickColor: "#444" },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal" },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: "#444" },
  range: { category: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"] },
};

// Loaded once, on the first render.
let vegaMods: Promise<[typeof import("vega"), typeof import("vega-lite")]> | null = null;
const loadVega = () => (vegaMods ??= Promise.all([import("vega"), import("vega-lite")]));

type ResvgCtor = typeof import("@resvg/resvg-js").Resvg;
let resvgMod: Promise<ResvgCtor> | null = null;
// A native Node addon: named through a variable so that bundlers for the browser leave it out
// (pages render PNGs with a canvas instead, see pngInPage).
const RESVG = "@resvg/resvg-js";
const loadResvg = () => (resvgMod ??= (import(/* @vite-ignore */ /* webpackIgnore: true */ RESVG) as Promise<{ Resvg?: ResvgCtor; default: { Resvg: ResvgCtor } }>).then((m) => m.Resvg ?? m.default.Resvg));

const quiet = { level: (_?: number) => quiet, error: (...a: unknown[]) => { throw new ArgumentError("plot", String(a.join(" "))); }, warn: () => quiet, info: () => quiet, debug: () => quiet };

/** b over a, recursively for plain objects (arrays are replaced whole). */
function merge(a: Spec, b: Spec): Spec {
  const out: Spec = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const base = out[k];
    const plain = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
    out[k] = plain(v) && plain(base) ? merge(base as Spec, v as Spec) : v;
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A chart: `await fig.toSVG()`, `await fig.toPNG({ width })`, `await fig.toHTML()`, `await fig.save("out.png")`.
 * `fig.spec` is the Vega-Lite spec, for any other Vega tool.
 */
export class Figure {
  /** The Vega-Lite specification behind the figure. */
  readonly spec: Spec;
  private svg: Promise<string> | null = null;

  constructor(spec: Spec) {
    this.spec = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", ...spec, config: merge(CONFIG, (spec.config ?? {}) as Spec) };
  }

  /** The figure as an SVG document (Vega's headless renderer; no DOM, no browser). */
  toSVG(): Promise<string> {
    return (this.svg ??= (async () => {
      const [vega, vl] = await loadVega();
      const compiled = vl.compile(this.spec as never, { logger: quiet as never }).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
      try {
        return await view.toSVG();
      } finally {
        view.finalize();
      }
    })());
  }

  /** The figure as PNG bytes (resvg in Node, a canvas in a page), at the SVG's size or the requested width/height. */
  async toPNG(opts: PngOptions = {}): Promise<Uint8Array> {
    for (const k of ["width", "height", "scale"] as const) {
      const v = opts[k];
      if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new ArgumentError("toPNG", `${k} must be a positive number, got ${v}`);
    }
    if (typeof document !== "undefined" && typeof process === "undefined") return pngInPage(await this.toSVG(), opts);
    const [svg, Resvg] = await Promise.all([this.toSVG(), loadResvg()]);
    const fitTo = opts.width ? { mode: "width" as const, value: Math.round(opts.width) } : opts.height ? { mode: "height" as const, value: Math.round(opts.height) } : { mode: "zoom" as const, value: opts.scale ?? 1 };
    const r = new Resvg(svg, { fitTo, background: "white", font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" } });
    return new Uint8Array(r.render().asPng());
  }

  /** A self-contained HTML page: the SVG inline, the Vega-Lite spec alongside as JSON. No scripts are loaded. */
  async toHTML(): Promise<string> {
    const svg = await this.toSVG();
    const title = typeof this.spec.title === "string" ? this.spec.title : (this.spec.title as { text?: string } | undefined)?.text ?? "deepscript figure";
    const json = JSON.stringify(this.spec).replace(/</g, "\\u003c");
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body { margin: 24px; background: #fff; } figure { margin: 0; }</style>
</head>
<body>
<figure>
${svg}
</figure>
<script type="application/vnd.vegalite+json" id="vega-lite-spec">${json}</script>
</body>
</html>
`;
  }

  /** Writes the figure to `path`; the extension picks the format: .svg, .png, .html (or .json for the spec). */
  async save(path: string, opts: PngOptions = {}): Promise<void> {
    const ext = extensionOf(path);
    let data: string | Uint8Array;
    if (ext === ".svg") data = await this.toSVG();
    else if (ext === ".png") data = await this.toPNG(opts);
    else if (ext === ".html" || ext === ".htm") data = await this.toHTML();
    else if (ext === ".json") data = JSON.stringify(this.spec, null, 2) + "\n";
    else throw new ArgumentError("save", `${path}: unknown extension "${ext}"; expected .svg, .png, .html or .json`);
    writeAtomic("save", path, data, { mkdirs: true });
  }

  toJSON(): Spec {
    return this.spec;
  }
}

/** PNG bytes in a page: the SVG drawn on a canvas (the browser's own SVG renderer and fonts). */
async function pngInPage(svg: string, opts: PngOptions): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const w0 = img.naturalWidth || 1, h0 = img.naturalHeight || 1;
    const k = opts.width ? opts.width / w0 : opts.height ? opts.height / h0 : opts.scale ?? 1;
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(w0 * k));
    canvas.height = Math.max(1, Math.round(h0 * k));
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, "image/png"));
    if (!blob) throw new ArgumentError("toPNG", `the canvas could not encode a ${canvas.width}×${canvas.height} PNG`);
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** ".png" of "out/fig.png", as node:path's extname (not imported: plot/ also runs in browsers). */
function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}
