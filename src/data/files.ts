// Reading whole files and gunzipping them, with failures reported as FileError naming the file.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { FileError } from "../core/errors.js";

/** The bytes of a file; a missing or unreadable file is a FileError naming it. */
export function readBytes(op: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${err.code ?? err.message})`;
    throw new FileError(op, path, why);
  }
}

/** Whether the bytes start with gzip's magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes, gunzipped when they start with gzip's magic number. */
export function maybeGunzip(op: string, path: string, bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new FileError(op, path, `corrupt gzip data (${(e as Error).message})`);
  }
}
