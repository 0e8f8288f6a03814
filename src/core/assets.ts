// The files shipped with the package (data/: digits, the ml datasets, …), found by URL relative
// to the module that names them, so bundlers (Vite, webpack) can ship them as assets. Node reads
// them from disk when first used; a page fetches them once with `preloadAsset` (through
// data.datasets.preload), after which the synchronous loaders work there too.
import { FileError } from "./errors.js";
import { gunzipAsync, isGzip, nodeBuiltin, readPath, readSource } from "./source.js";

type Url = typeof import("node:url");

// Fetched (and gunzipped) asset bytes, by URL: filled by preloadAsset, read by readAsset.
const loaded = new Map<string, Uint8Array>();

/** The file's path in Node (for messages and the CLI), its URL elsewhere. */
export function assetPath(url: URL): string {
  const u = url.protocol === "file:" ? nodeBuiltin<Url>("node:url") : undefined;
  return u ? u.fileURLToPath(url) : url.href;
}

/**
 * The bytes of a bundled file: preloaded ones from memory (already gunzipped), otherwise read from
 * disk in Node. Elsewhere a file not preloaded is a FileError saying how to preload it.
 */
export function readAsset(op: string, url: URL, preloadHint: string): Uint8Array {
  const got = loaded.get(url.href);
  if (got) return got;
  const u = url.protocol === "file:" ? nodeBuiltin<Url>("node:url") : undefined;
  if (!u) throw new FileError(op, url.href, `is not loaded yet: outside Node, bundled data is fetched first (\`await ${preloadHint}\`)`);
  return readPath(op, u.fileURLToPath(url));
}

/** Fetches (or reads) a bundled file into memory, gunzipped, so readAsset returns it without waiting. */
export async function preloadAsset(op: string, url: URL): Promise<void> {
  if (loaded.has(url.href)) return;
  let bytes = await readSource(op, url);
  if (isGzip(bytes)) bytes = (await gunzipAsync(op, url.href, bytes)).bytes;
  loaded.set(url.href, bytes);
}
