// `npm run build:browser`: the prebuilt ESM bundle in dist/browser/ that a
// `<script type="module">` imports from a CDN with no bundler (issue 14). One entry per package
// export (dist/browser/index.js for "deepscript", nn.js for "deepscript/nn", …), code-split by
// esbuild so shared code is one chunk loaded once, and Vega, vega-lite, h5wasm and fflate stay
// behind the dynamic import()s that load them on first use. Everything sits flat in
// dist/browser/: the bundled datasets are found with new URL("../../data/…", import.meta.url)
// from whichever chunk holds the loader, and from dist/browser/<chunk>.js that is the package's
// data/ folder, as from dist/<layer>/ in the unbundled build.
//
// `tsx tools/build_browser.ts [outdir]` writes the bundle and prints gzipped sizes per entry;
// test/browser-bundle.test.ts imports buildBrowser and statically reachable() to check the split.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Entry name (file name in dist/browser/) → source file, one per "exports" entry of package.json. */
export function browserEntries(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { exports: Record<string, string | { import?: string }> };
  const entries: Record<string, string> = {};
  for (const [key, v] of Object.entries(pkg.exports)) {
    if (typeof v !== "object" || !v.import) continue;
    const name = key === "." ? "index" : key.slice(2).replace(/\//g, "-");
    // "./dist/nn/index.js" → src/nn/index.ts
    entries[name] = ROOT + v.import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
  }
  return entries;
}

/** The options dist/browser/ is built with (the test builds with the same ones). */
export function browserBuildOptions(outdir: string) {
  return {
    entryPoints: browserEntries(), outdir, absWorkingDir: ROOT, bundle: true, format: "esm", splitting: true, minify: true, platform: "browser",
    // Class names are part of the API: errors' e.name, module printing, ops named in messages.
    keepNames: true,
    // Top-level await, class fields, BigInt64Array: every browser with WebAssembly SIMD has them.
    target: "es2022", chunkNames: "chunk-[hash]", metafile: true, logLevel: "warning", legalComments: "none",
  } as const;
}

/** Builds dist/browser/ (or `outdir`), clearing it first; returns esbuild's metafile (paths relative to the repository root) and the files by absolute path. */
export async function buildBrowser(outdir = `${ROOT}dist/browser`, write = true): Promise<{ metafile: Metafile; files: Map<string, Uint8Array> }> {
  if (write) rmSync(outdir, { recursive: true, force: true });
  const r = await build({ ...browserBuildOptions(outdir), write });
  const files = new Map<string, Uint8Array>();
  if (r.outputFiles) for (const f of r.outputFiles) files.set(f.path, f.contents);
  else for (const k of Object.keys(r.metafile.outputs)) files.set(`${ROOT}${k}`, readFileSync(`${ROOT}${k}`));
  return { metafile: r.metafile, files };
}

/** The output files a page loads when it imports `entries`: them and what they import statically (not import()). */
export function reachable(metafile: Metafile, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const i of metafile.outputs[k].imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  entries.forEach(visit);
  return seen;
}

/** Output path (as in the metafile) of the entry built from `name` (index, nn, …). */
export function entryOutput(metafile: Metafile, name: string): string {
  const k = Object.keys(metafile.outputs).find((o) => o.endsWith(`/${name}.js`) && metafile.outputs[o].entryPoint);
  if (!k) throw new Error(`no entry ${name} in the bundle`);
  return k;
}

/** Bytes of `files` gzipped at level 9, each on its own (as a server sends them), summed. */
export function gzippedSize(outputs: Iterable<string>, contentOf: (output: string) => Uint8Array): number {
  let n = 0;
  for (const o of outputs) n += gzipSync(contentOf(o), { level: 9 }).length;
  return n;
}

/** The README table: per entry, chunks loaded, minified and gzipped KB; and the tensors + nn + optim + train set. */
export function sizeTable(metafile: Metafile, contentOf: (output: string) => Uint8Array): string {
  const kb = (n: number) => (n / 1024).toFixed(1);
  const row = (label: string, names: string[]) => {
    const set = reachable(metafile, names.map((n) => entryOutput(metafile, n)));
    const raw = [...set].reduce((s, o) => s + metafile.outputs[o].bytes, 0);
    return `| ${label} | ${set.size} | ${kb(raw)} | ${kb(gzippedSize(set, contentOf))} |`;
  };
  const names = Object.keys(browserEntries());
  return [
    "| import | files loaded | minified KB | gzipped KB |",
    "| --- | ---: | ---: | ---: |",
    ...names.map((n) => row(n === "index" ? "`deepscript`" : `\`deepscript/${n}\``, [n])),
    row("tensor + nn + optim + train", ["tensor", "nn", "optim", "train"]),
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outdir = process.argv[2] ?? `${ROOT}dist/browser`;
  const { metafile } = await buildBrowser(outdir);
  console.log(sizeTable(metafile, (o) => readFileSync(`${ROOT}${o}`)));
}
