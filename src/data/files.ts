// Reading whole files and gunzipping them, with failures reported as FileError naming the file.
// Node's fs and zlib come from core/source.ts, looked up on use: data/ also loads in a page.
import { FileError } from "../core/errors.js";
import { isGzip, nodeBuiltin, nodeZlib, pathSize, readPath } from "../core/source.js";

export { isGzip };

/** The bytes of a file; a missing or unreadable file is a FileError naming it. */
export const readBytes = readPath;

/** The size of a file in bytes, before reading it; a missing file or a folder is a FileError naming it. */
export const fileSize = pathSize;

/** The bytes, gunzipped when they start with gzip's magic number. (For the bundled files; untrusted ones use gunzipHead and gunzipAtMost.) */
export function maybeGunzip(op: string, path: string, bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const zlib = nodeZlib(op, path);
  try {
    return zlib.gunzipSync(bytes);
  } catch (e) {
    throw new FileError(op, path, `corrupt gzip data (${(e as Error).message})`);
  }
}

const tooLarge = (e: unknown) => (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
const corrupt = (op: string, path: string, e: unknown) => new FileError(op, path, `corrupt gzip data (${(e as Error).message})`);

/**
 * The first `want` bytes that gzip data decompresses to (all of them if it holds fewer), decompressing
 * little more than that: a header can be checked before a file's whole contents are inflated.
 */
export function gunzipHead(op: string, path: string, gz: Uint8Array, want: number): Uint8Array {
  // Inflate ever longer prefixes of the input (a prefix is not an error with Z_SYNC_FLUSH). One more
  // input byte yields at most a few KB, so when a prefix's output passes the cap, a shorter one fits.
  const { gunzipSync, constants } = nodeZlib(op, path);
  const cap = want + (1 << 20);
  let lo = 0, k = Math.min(gz.length, 256);
  for (;;) {
    let out: Uint8Array | undefined;
    try {
      out = gunzipSync(gz.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: cap });
    } catch (e) {
      if (!tooLarge(e)) throw corrupt(op, path, e);
    }
    if (out === undefined) {
      const mid = lo + Math.floor((k - lo) / 2);
      if (mid <= lo) throw new FileError(op, path, "corrupt gzip data (one byte inflates to more than 1 MB)");
      k = mid;
      continue;
    }
    if (out.length >= want) return out.subarray(0, want);
    if (k === gz.length) return out;
    lo = k;
    k = Math.min(gz.length, 2 * k);
  }
}

/**
 * Gzip data decompressed, stopping as soon as the output passes `limit` bytes (then `more` is true
 * and `bytes` is empty): a file cannot make the reader inflate more than it declared.
 */
export function gunzipAtMost(op: string, path: string, gz: Uint8Array, limit: number): { bytes: Uint8Array; more: boolean } {
  const { gunzipSync } = nodeZlib(op, path);
  const maxLength = nodeBuiltin<typeof import("node:buffer")>("node:buffer")?.constants.MAX_LENGTH ?? 2 ** 32;
  try {
    return { bytes: gunzipSync(gz, { maxOutputLength: Math.min(Math.max(1, limit), maxLength) }), more: false };
  } catch (e) {
    if (tooLarge(e)) return { bytes: new Uint8Array(0), more: true };
    throw corrupt(op, path, e);
  }
}
