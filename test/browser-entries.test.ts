// Every entry of package.json "exports" loads in a browser (issue 14): esbuild bundles it for
// platform "browser" with no configuration, which fails on any Node built-in imported (node:fs,
// zlib, a native addon, …), and the bundle then runs in a fresh V8 context that has a page's
// globals and none of Node's (no process, Buffer, require), so a module that touches Node at its
// top level fails too. The root entry then does real work there: ops, training steps, io.save to
// a Blob and back, the bundled digits fetched, gunzipped by DecompressionStream, and loaded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { build } from "esbuild";

const ROOT = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { exports: Record<string, string | { import: string }> };
// "./dist/nn/index.js" → "src/nn/index.ts"
const ENTRIES = Object.entries(pkg.exports)
  .filter(([, v]) => typeof v === "object" && "import" in v)
  .map(([name, v]) => [name, (v as { import: string }).import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")] as const);

// Modules of the bundle see this as import.meta.url: a module in src/<layer>/, as in the package.
const MODULE_URL = new URL("src/data/bundle.js", ROOT).href;

async function bundle(entry: string): Promise<{ errors: string[]; code: string }> {
  try {
    const r = await build({
      entryPoints: [new URL(entry, ROOT).pathname], bundle: true, platform: "browser", format: "iife", globalName: "lib",
      write: false, logLevel: "silent", define: { "import.meta.url": JSON.stringify(MODULE_URL) },
    });
    return { errors: [], code: r.outputFiles[0].text };
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    if (!errors) throw e;
    return { errors: errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`), code: "" };
  }
}

/** A V8 context with what a page offers (the web platform globals Node shares) and nothing of Node's own. */
function pageContext(): vm.Context {
  const g = globalThis as Record<string, unknown>;
  const page: Record<string, unknown> = {
    navigator: { hardwareConcurrency: 2, userAgent: "deepscript-test" },
    // Assets are fetched, as in a page; here fetch reads the file a file: URL names.
    fetch: async (u: URL | string) => new Response(readFileSync(new URL(String(u)))),
  };
  for (const k of ["URL", "URLSearchParams", "TextDecoder", "TextEncoder", "Blob", "File", "Response", "Request", "Headers", "WebAssembly",
    "console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "performance", "structuredClone",
    "atob", "btoa", "crypto", "DecompressionStream", "CompressionStream", "ReadableStream", "WritableStream", "TransformStream",
    "AbortController", "AbortSignal", "Event", "EventTarget", "MessageChannel", "MessagePort"]) {
    if (g[k] !== undefined) page[k] = g[k];
  }
  const ctx = vm.createContext(page);
  vm.runInContext("globalThis.self = globalThis.window = globalThis;", ctx);
  return ctx;
}

for (const [name, entry] of ENTRIES) {
  test(`${name} (${entry}) bundles for the browser and loads with no Node globals`, async () => {
    const { errors, code } = await bundle(entry);
    assert.deepEqual(errors, [], `esbuild --platform=browser failed on ${entry}`);
    const ctx = pageContext();
    vm.runInContext(code, ctx, { filename: `${name}.bundle.js` });
    const keys = vm.runInContext("Object.keys(lib)", ctx) as string[];
    assert.ok(keys.length > 0, `${name} exports nothing`);
    assert.equal(vm.runInContext("typeof process + typeof Buffer + typeof require", ctx), "undefinedundefinedundefined");
  });
}

test("the root entry works in the page context: ops, training, io.save → Blob → io.load, the bundled digits", async () => {
  const { errors, code } = await bundle("src/index.ts");
  assert.deepEqual(errors, []);
  const ctx = pageContext();
  vm.runInContext(code, ctx);
  const run = (src: string) => vm.runInContext(`(async () => { const ds = lib; ${src} })()`, ctx) as Promise<string>;
  // Results cross the realm boundary as JSON: arrays of the context have its own prototypes.
  assert.equal(await run("return JSON.stringify(ds.tensor([[1, 2], [3, 4]]).matmul(ds.tensor([[1], [1]])).add(1).toArray())"), "[[4],[8]]");
  // A few SGD steps on a line fit: the loss falls (autograd, optim and memory management all run here).
  const losses = JSON.parse(await run(`
    ds.seed(0);
    const x = ds.randn([64, 1]), y = x.mul(3).add(0.5);
    const m = new ds.nn.Linear(1, 1), opt = new ds.optim.SGD(m.parameters(), { lr: 0.1 });
    const out = [];
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      const loss = ds.nn.functional.mse(m.call(x), y);
      loss.backward();
      opt.step();
      out.push(loss.item());
      await null;
    }
    return JSON.stringify(out);`)) as number[];
  assert.ok(losses[29] < losses[0] / 100, `loss ${losses[0]} → ${losses[29]}`);
  // Saving gives a Blob (no file system); loading it back gives the same predictions.
  assert.equal(await run(`
    ds.seed(1);
    const m = new ds.nn.Sequential(new ds.nn.Linear(3, 4), new ds.nn.Tanh(), new ds.nn.Linear(4, 2));
    const x = ds.randn([2, 3]);
    const blob = ds.io.save(m);
    const again = await ds.io.load(blob);
    return String(blob instanceof Blob) + " " + JSON.stringify(again.call(x).toArray()) === "true " + JSON.stringify(m.call(x).toArray()) ? "same" : "different";`), "same");
  // A path is a FileError that says what to pass instead.
  assert.match(await run(`try { ds.frame.readCsv("x.csv"); return "no error"; } catch (e) { return e.name + ": " + e.message; }`),
    /^FileError: readCsv: x.csv: cannot be read here: there is no file system \(in a browser, pass a URL, Response, File, Blob or ArrayBuffer/);
  // Bundled data: before preload a FileError saying how; after it (fetched, gunzipped by DecompressionStream) the real digits.
  assert.match(await run(`try { ds.data.datasets.digits(); return "no error"; } catch (e) { return e.name + ": " + e.message; }`),
    /^FileError: datasets.digits: .*digits-mnist-10k.bin.gz: is not loaded yet: .*await data.datasets.preload\("digits"\)/);
  const digits = JSON.parse(await run(`
    await ds.data.datasets.preload("digits");
    const { train, test } = ds.data.datasets.digits({ flatten: true });
    return JSON.stringify({ x: train.x.shape, y: test.y.shape, first: train.y.slice([0], [10]).toArray(), mean: train.x.mean().item() });`));
  // The same as Node reads from disk.
  const { datasets } = await import("../src/data/index.js");
  const node = datasets.digits({ flatten: true });
  assert.deepEqual(digits.x, [8000, 784]);
  assert.deepEqual(digits.y, [2000]);
  assert.deepEqual(digits.first, node.train.y.slice([0], [10]).toArray());
  assert.ok(Math.abs(digits.mean - node.train.x.mean().item()) < 1e-6);
});
