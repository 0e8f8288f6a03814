// File-system errors of checkpoint folders, in a few words for a FileError (fs itself comes from core/atomic.ts's nodeFs).
export { nodeFs } from "../core/atomic.js";

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
