// File access for io/: whole-file reads, and the atomic writer (core/atomic.ts), errors as FileError.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FileError } from "../core/errors.js";
import { fileErrorReason } from "../core/atomic.js";

// Every writer of the library shares one (core/, so that plot/ and frame/ can use it too).
export { writeAtomic } from "../core/atomic.js";

/** The bytes of a file; a missing or unreadable file is a FileError naming it. */
export function readBytes(op: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FileError(op, path, fileErrorReason(e, "read"));
  }
}

/** `path` itself, or `path/model.safetensors` when path is an existing directory. */
export function modelFile(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, "model.safetensors");
  } catch { /* not there yet: a file path */ }
  return path;
}
