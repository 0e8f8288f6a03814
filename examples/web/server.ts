// `npm run web`: serves the playground (examples/web/) on http://localhost:8080 (PORT=… to change).
// The page's script is bundled by esbuild when the server starts, held in memory, and served as
// /build/web/app.js, so deepscript's `new URL("../../data/…", import.meta.url)` is /data/…, which
// is served from the package's data/ folder (the bundled digits and the ml datasets).
//
// Every response carries the two headers that make the page cross-origin isolated
// (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp), so
// SharedArrayBuffer exists and the wasm backend may use threads in a worker; `isolated: false`
// (ISOLATED=0) leaves them out, and the page then runs on one thread.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = fileURLToPath(new URL("./", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".gz": "application/gzip", ".csv": "text/csv", ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png", ".map": "application/json",
};

export interface PlaygroundServer { server: Server; url: string; close(): Promise<void> }

/** The page's scripts, bundled: the app and the training worker (examples/web/worker.ts), by URL path. */
export async function bundlePlayground(): Promise<Map<string, Uint8Array>> {
  const r = await build({
    entryPoints: { app: join(HERE, "app.ts"), worker: join(HERE, "worker.ts") }, bundle: true, format: "esm", platform: "browser",
    target: "es2022", outdir: "/build/web", write: false, logLevel: "warning", sourcemap: "linked", minify: false,
  });
  return new Map(r.outputFiles.map((f) => [f.path, f.contents]));
}

/** Starts the server; `port` 0 picks a free one. */
export async function startPlayground(opts: { port?: number; host?: string; isolated?: boolean } = {}): Promise<PlaygroundServer> {
  const built = await bundlePlayground();
  const isolated = opts.isolated ?? true;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (isolated) Object.assign(headers, { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
    const send = (status: number, body: string | Uint8Array, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { ...headers, "content-type": type });
      res.end(body);
    };
    if (path === "/" || path === "/index.html") return send(200, readFileSync(join(HERE, "index.html")), TYPES[".html"]);
    const js = built.get(path);
    if (js) return send(200, js, TYPES[extname(path)] ?? "text/javascript");
    // The page's own files (style.css, sample CSVs) and the package's bundled data; nothing else.
    const file = path.startsWith("/data/") ? normalize(join(ROOT, path)) : normalize(join(HERE, path));
    const inside = file.startsWith(join(ROOT, "data/")) || (file.startsWith(HERE) && !file.endsWith(".ts"));
    if (!inside || !existsSync(file) || !statSync(file).isFile()) return send(404, `not found: ${path}`);
    send(200, readFileSync(file), TYPES[extname(file)] ?? "application/octet-stream");
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 8080, opts.host ?? "127.0.0.1", resolve));
  const addr = server.address();
  const url = `http://${opts.host ?? "127.0.0.1"}:${typeof addr === "object" && addr ? addr.port : opts.port}`;
  return { server, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { url } = await startPlayground({ port: Number(process.env.PORT ?? 8080), isolated: process.env.ISOLATED !== "0" });
  console.log(`deepscript playground: ${url}/  (Ctrl-C to stop)`);
}
