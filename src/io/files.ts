// File access for io/: whole-file reads, and the atomic writer (core/atomic.ts), errors as FileError.
// Node's fs and path are looked up on use (core/source.ts): io/ also loads in a page.
import { nodeBuiltin, readPath } from "../core/source.js";

// Every writer of the library shares one (core/, so that plot/ and frame/ can use it too).
export { writeAtomic } from "../core/atomic.js";

/** The bytes of a file; a missing or unreadable file is a FileError naming it. */
export const readBytes = readPath;

/** `path` itself, or `path/model.safetensors` when path is an existing directory. */
export function modelFile(path: string): string {
  const fs = nodeBuiltin<typeof import("node:fs")>("node:fs");
  const p = nodeBuiltin<typeof import("node:path")>("node:path");
  try {
    if (fs && p && fs.statSync(path).isDirectory()) return p.join(path, "model.safetensors");
  } catch { /* not there yet: a file path */ }
  return path;
}
