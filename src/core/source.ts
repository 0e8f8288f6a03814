// Where file contents come from, for every reader of the library (frame, io, data, datasets): a
// path (Node), a URL, a fetch Response, a File or Blob, or the bytes themselves. Node's fs, url and
// zlib are looked up when a file is read, never imported, so every module stays loadable in a page.
import { ArgumentError, FileError } from "./errors.js";
import { fileErrorReason } from "./atomic.js";

/** Anything a reader accepts: a path (Node only), a URL, a Response, a File/Blob, or bytes. */
export type FileSource = string | URL | Response | Blob | ArrayBuffer | ArrayBufferView;
/** Sources read without waiting: a path, or the bytes themselves (the reader returns its result). */
export type SyncSource = string | ArrayBuffer | ArrayBufferView;
/** Sources that need awaiting: URL, Response, File, Blob (the reader returns a Promise). */
export type AsyncSource = URL | Response | Blob;

type Fs = typeof import("node:fs");
type Url = typeof import("node:url");
type Zlib = typeof import("node:zlib");

/** A Node built-in module, or undefined outside Node (a browser, a worker). */
export function nodeBuiltin<T>(id: "node:fs" | "node:url" | "node:zlib" | "node:buffer" | "node:path" | "node:module"): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

const NO_FS = "cannot be read here: there is no file system (in a browser, pass a URL, Response, File, Blob or ArrayBuffer instead of a path)";

function fs(op: string, path: string): Fs {
  const f = nodeBuiltin<Fs>("node:fs");
  if (!f) throw new FileError(op, path, NO_FS);
  return f;
}

/** Whether `src` is read synchronously (a path or bytes). */
export function isSyncSource(src: unknown): src is SyncSource {
  return typeof src === "string" || src instanceof ArrayBuffer || ArrayBuffer.isView(src);
}

/** The name errors give a source: its path or URL, a File's name, or a description. */
export function sourceName(src: FileSource): string {
  if (typeof src === "string") return src;
  if (src instanceof URL) return src.href;
  if (typeof Response !== "undefined" && src instanceof Response) return src.url || "<response>";
  if (typeof Blob !== "undefined" && src instanceof Blob) return (src as { name?: string }).name || "<blob>";
  return "<bytes>";
}

/** Throws an ArgumentError naming `op` unless `src` is a FileSource. */
export function checkSource(op: string, src: unknown): asserts src is FileSource {
  const ok = isSyncSource(src) || src instanceof URL ||
    (typeof Response !== "undefined" && src instanceof Response) || (typeof Blob !== "undefined" && src instanceof Blob);
  if (!ok) {
    const got = src === null ? "null" : typeof src === "object" ? (src as object).constructor?.name ?? "object" : typeof src;
    throw new ArgumentError(op, `expected a path, URL, Response, File, Blob, ArrayBuffer or Uint8Array, got ${got}`);
  }
}

/** The bytes of a file at `path`; a missing or unreadable file (or no file system) is a FileError naming it. */
export function readPath(op: string, path: string): Uint8Array {
  const f = fs(op, path);
  try {
    return f.readFileSync(path);
  } catch (e) {
    throw new FileError(op, path, fileErrorReason(e, "read"));
  }
}

/** The size of the file at `path`, before reading it; a folder or a missing file is a FileError. */
export function pathSize(op: string, path: string): number {
  const f = fs(op, path);
  let st;
  try {
    st = f.statSync(path);
  } catch (e) {
    throw new FileError(op, path, fileErrorReason(e, "read"));
  }
  if (st.isDirectory()) throw new FileError(op, path, "is a directory, not a file");
  return st.size;
}

/** Bytes as a Uint8Array view (no copy). */
function asBytes(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The bytes of a path or of bytes, at once. */
export function readSourceSync(op: string, src: SyncSource): Uint8Array {
  return typeof src === "string" ? readPath(op, src) : asBytes(src);
}

/**
 * The bytes of any source. A `file:` URL is read from disk in Node; other URLs are fetched; a
 * Response that is not ok (404, …) is a FileError naming its URL and status.
 */
export async function readSource(op: string, src: FileSource): Promise<Uint8Array> {
  checkSource(op, src);
  if (isSyncSource(src)) return readSourceSync(op, src);
  if (src instanceof URL && src.protocol === "file:") {
    const url = nodeBuiltin<Url>("node:url");
    if (url) return readPath(op, url.fileURLToPath(src));
  }
  let res: Response | Blob = src as Response | Blob;
  if (src instanceof URL) {
    try {
      res = await fetch(src);
    } catch (e) {
      throw new FileError(op, src.href, `cannot be fetched (${(e as Error).message})`);
    }
  }
  if (typeof Response !== "undefined" && res instanceof Response && !res.ok) {
    throw new FileError(op, sourceName(res), `cannot be fetched (HTTP ${res.status}${res.statusText ? " " + res.statusText : ""})`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Runs `parse` on the bytes of `src` at once for a path or bytes, or when they arrive for a URL,
 * Response or Blob: the readers' one shape, so `readX(path)` stays synchronous in Node and
 * `await readX(url)` works everywhere.
 */
export function withSource<T>(op: string, src: FileSource, parse: (bytes: Uint8Array, name: string) => T): T | Promise<T> {
  checkSource(op, src);
  if (isSyncSource(src)) return parse(readSourceSync(op, src), sourceName(src));
  return readSource(op, src).then((bytes) => parse(bytes, sourceName(src)));
}

/** Whether the bytes start with gzip's magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Node's zlib, or a FileError naming `op` and `name` outside Node (use gunzipAsync there). */
export function nodeZlib(op: string, name: string): Zlib {
  const z = nodeBuiltin<Zlib>("node:zlib");
  if (!z) throw new FileError(op, name, "is gzip-compressed, which only the asynchronous form can read here (pass a URL, Response, Blob or File and await the result)");
  return z;
}

/**
 * Gzip data decompressed with the platform's DecompressionStream (browsers, Node), stopping once
 * the output passes `limit` bytes (then `more` is true): a file cannot make the reader inflate
 * more than it declared.
 */
export async function gunzipAsync(op: string, name: string, gz: Uint8Array, limit = Infinity): Promise<{ bytes: Uint8Array; more: boolean }> {
  const z = nodeBuiltin<Zlib>("node:zlib");
  if (z && limit === Infinity) {
    try {
      return { bytes: z.gunzipSync(gz), more: false };
    } catch (e) {
      throw new FileError(op, name, `corrupt gzip data (${(e as Error).message})`);
    }
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([gz as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      total += value.length;
      if (total > limit) {
        await reader.cancel();
        return { bytes: new Uint8Array(0), more: true };
      }
    }
  } catch (e) {
    throw new FileError(op, name, `corrupt gzip data (${(e as Error).message})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return { bytes: out, more: false };
}
