// File access for io/: whole-file reads and atomic writes (temp file + rename), errors as FileError.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { FileError } from "../core/errors.js";

/** The bytes of a file; a missing or unreadable file is a FileError naming it. */
export function readBytes(op: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FileError(op, path, describe(e as NodeJS.ErrnoException, "read"));
  }
}

/**
 * Writes the pieces to `path` atomically: into `path.tmp-<pid>-<random>` first, flushed to disk,
 * then renamed over `path`. An interrupted save leaves the old file (and at worst a temp file),
 * never a half-written one; on failure the temp file is removed.
 */
export function writeAtomic(op: string, path: string, pieces: readonly Uint8Array[]): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "wx");
    for (const p of pieces) {
      for (let done = 0; done < p.byteLength; ) done += writeSync(fd, p, done, p.byteLength - done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw new FileError(op, path, describe(e as NodeJS.ErrnoException, "written"));
  }
}

/** `path` itself, or `path/model.safetensors` when path is an existing directory. */
export function modelFile(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, "model.safetensors");
  } catch { /* not there yet: a file path */ }
  return path;
}

function describe(e: NodeJS.ErrnoException, verb: "read" | "written"): string {
  switch (e.code) {
    case "ENOENT": return verb === "read" ? "no such file" : "cannot be written: its directory does not exist";
    case "EISDIR": return "is a directory, not a file";
    case "EACCES": case "EPERM": return `cannot be ${verb}: permission denied`;
    default: return `cannot be ${verb} (${e.code ?? e.message})`;
  }
}
