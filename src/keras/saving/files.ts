// Where a saved model's files come from: a folder or file on disk (Node), File objects (a browser's
// <input type="file" multiple>, or Node's File), or bytes in memory. Each is a ModelFiles: the
// loaders ask it for a file's size before its bytes, so a manifest is checked against the sizes
// first. Node's fs is looked up when a path is read (core/atomic.ts), so this loads in browsers.
import { ArgumentError, FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { fileErrorReason, nodeFs } from "../../core/atomic.js";

/** The files of one saved model. */
export interface ModelFiles {
  /** The name of the model.json (or .keras archive) for messages. */
  jsonName: string;
  text(name: string): Promise<string>;
  /** A file's byte length, without reading it. */
  size(name: string): Promise<number>;
  bytes(name: string): Promise<Uint8Array>;
}

/** In-memory model files: `modelJson` (object or text) and the shards by their manifest path. */
export interface MemoryModel {
  modelJson: object | string;
  weights: Record<string, Uint8Array> | Uint8Array;
}

/** A File-like object: a browser File, or Node's (name, size, arrayBuffer). */
export interface FileLike {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What keras.loadModel reads: a path (a folder holding model.json, a model.json, a .keras file), File objects, or bytes in memory. */
export type ModelSource = string | readonly FileLike[] | MemoryModel;

const op = "loadModel";

/** A folder on disk: `path` is model.json (or a folder holding one); shards are next to it. */
export function nodeFiles(path: string): ModelFiles {
  const { fs, path: p } = nodeFs(op, path);
  let json = path;
  try {
    if (fs.statSync(path).isDirectory()) json = p.join(path, "model.json");
  } catch (e) {
    throw new FileError(op, path, fileErrorReason(e, "read"));
  }
  const dir = p.dirname(json);
  const at = (name: string) => (name === json ? json : p.join(dir, name));
  return {
    jsonName: json,
    async text(name) {
      return new TextDecoder().decode(await this.bytes(name));
    },
    async size(name) {
      try {
        const st = fs.statSync(at(name));
        if (!st.isFile()) throw new FileError(op, at(name), "is not a file");
        return st.size;
      } catch (e) {
        if (e instanceof FileError) throw e;
        throw new FileError(op, json, `its weight shard ${brief(name)} cannot be read: ${fileErrorReason(e, "read")}`);
      }
    },
    async bytes(name) {
      try {
        return new Uint8Array(fs.readFileSync(at(name)));
      } catch (e) {
        throw new FileError(op, at(name), fileErrorReason(e, "read"));
      }
    },
  };
}

/** Bytes in memory: the model.json object or text and its shards by path (one Uint8Array: the manifest's one shard). */
export function memoryFiles(m: MemoryModel, name = "model.json"): ModelFiles {
  const json = typeof m.modelJson === "string" ? m.modelJson : JSON.stringify(m.modelJson);
  const get = (path: string): Uint8Array => {
    if (m.weights instanceof Uint8Array) return m.weights;
    const b = Object.prototype.hasOwnProperty.call(m.weights, path) ? m.weights[path] : undefined;
    if (!(b instanceof Uint8Array)) throw new FileError(op, name, `its weight shard ${brief(path)} is not among the given weights (${Object.keys(m.weights).map((k) => brief(k)).join(", ") || "none"})`);
    return b;
  };
  // With one Uint8Array for all shards, the manifest's shards are its consecutive pieces: only a
  // single-shard manifest can be read that way.
  return {
    jsonName: name,
    async text() {
      return json;
    },
    async size(path) {
      return get(path).byteLength;
    },
    async bytes(path) {
      return get(path);
    },
  };
}

/** File objects (model.json and its shards, as a browser's file input gives them), matched by name. */
export function fileObjects(list: readonly FileLike[]): ModelFiles {
  const json = list.find((f) => f.name.endsWith(".json"));
  if (!json) throw new ArgumentError(op, `expected the model.json among the files, got ${list.map((f) => brief(f.name)).join(", ") || "none"}`);
  const byName = (name: string): FileLike => {
    const base = name.split("/").pop()!;
    const f = list.find((x) => x.name === name || x.name === base);
    if (!f) throw new FileError(op, json.name, `its weight shard ${brief(name)} is not among the given files`);
    return f;
  };
  return {
    jsonName: json.name,
    async text() {
      return new TextDecoder().decode(await json.arrayBuffer());
    },
    async size(name) {
      return byName(name).size;
    },
    async bytes(name) {
      return new Uint8Array(await byName(name).arrayBuffer());
    },
  };
}

/** Whether a path is an http(s) URL (fetched) rather than a file path. */
export const isHttpUrl = (path: string): boolean => /^https?:\/\//i.test(path);

/**
 * A response body of at most `limit` bytes: the Content-Length is checked before the body is
 * read, and the body is read in chunks and refused once past the limit (a server may send no
 * length, or a wrong one).
 */
export async function fetchBytes(url: string, limit: number): Promise<Uint8Array> {
  if (typeof fetch !== "function") throw new FileError(op, url, "cannot be fetched: this runtime has no fetch");
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new FileError(op, url, `cannot be fetched: ${brief(String((e as Error)?.cause ?? (e as Error)?.message ?? e), 160)}`);
  }
  if (!res.ok) throw new FileError(op, url, `cannot be fetched: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
  const declared = Number(res.headers.get("content-length") ?? NaN);
  const tooBig = (n: number) => new FileError(op, url, `is ${n} bytes, more than the ${limit} it may have`);
  if (declared > limit) {
    await res.body?.cancel();
    throw tooBig(declared);
  }
  const broken = (e: unknown) => new FileError(op, url, `cannot be fetched: the body broke off (${brief(String((e as Error)?.message ?? e), 120)})`);
  if (!res.body) {
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw broken(e);
    }
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw broken(e);
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooBig(total);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * A model.json at an http(s) URL (a URL ending in "/" means its model.json), its shards at the
 * manifest's paths relative to it, as tf.loadLayersModel reads them. A shard is fetched once:
 * size() fetches it (within `shardLimit`) and bytes() returns what size() fetched.
 */
export function urlFiles(url: string, jsonLimit: number, shardLimit: number): ModelFiles {
  const json = url.endsWith("/") ? `${url}model.json` : url;
  const fetched = new Map<string, Uint8Array>();
  const get = async (name: string): Promise<Uint8Array> => {
    const at = name === json ? json : new URL(name, json).href;
    let b = fetched.get(at);
    if (!b) fetched.set(at, (b = await fetchBytes(at, name === json ? jsonLimit : shardLimit)));
    return b;
  };
  return {
    jsonName: json,
    async text(name) {
      return new TextDecoder().decode(await get(name));
    },
    async size(name) {
      return (await get(name)).byteLength;
    },
    async bytes(name) {
      return get(name);
    },
  };
}
