// Node's fs and path for checkpoints, loaded on first use: importing train/ in a browser needs neither.
import { ArgumentError } from "../core/errors.js";

type Fs = typeof import("node:fs");
type Path = typeof import("node:path");

/** `node:fs` and `node:path`; an ArgumentError naming `op` where the runtime has no file system. */
export function nodeFs(op: string): { fs: Fs; path: Path } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (!get) throw new ArgumentError(op, "writing checkpoints needs a file system (Node.js 20.16 or later)");
  return { fs: get("node:fs") as Fs, path: get("node:path") as Path };
}

/** A short reason for a failed file operation, for a FileError. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case "ENOENT": return "no such file or folder";
    case "ENOTDIR": case "EEXIST": return "a file stands where a folder should be";
    case "EACCES": case "EPERM": return "permission denied";
    default: return err.code ?? err.message;
  }
}
