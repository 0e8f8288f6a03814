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
