// The one file writer: every file deepscript writes (io, checkpoints, frame, plot, the CLI) goes
// through writeAtomic, so a crash, a kill or a power loss leaves the old file or the new one,
// never a mixture. Node's fs is looked up when a file is written, not imported, because core/ is
// also loaded in browsers.
import { FileError } from "./errors.js";

type Fs = typeof import("node:fs");
type Path = typeof import("node:path");

/** What a file is made of: text (written as UTF-8), bytes, or a list of either, written in order. */
export type FileData = string | Uint8Array | readonly (string | Uint8Array)[];

export interface WriteOptions {
  /** Create the target's folder (and its parents) when missing, as `mkdir -p` (default false). */
  mkdirs?: boolean;
}

/**
 * A temp file left by a writer whose process is alive (so not provably dead) is removed once it
 * is this old: a live writer keeps touching its temp file, and a process id that was reused by an
 * unrelated process must not keep a dead writer's temp file forever.
 */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

// Tells this process's temp files from those of an earlier process that had the same id (in a
// container the restarted program often gets the same pid as the one that was killed).
const TOKEN = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, "0");
let counter = 0;

/**
 * Writes `data` to `path` atomically and durably: into `.<name>.tmp-<pid>-<token>-<n>` in the same
 * folder, flushed to disk (fsync), renamed over `path`, then the folder flushed so the rename
 * itself survives a power loss. On any failure the temp file is removed and the old file (if
 * any) is untouched. Temp files of earlier writes to the same `path` whose process is dead (or
 * that are older than STALE_TEMP_AGE_MS) are removed first. An existing file keeps its permission
 * bits; a symbolic link is followed (its target is replaced, not the link). Errors are FileErrors
 * naming `path`.
 * @example writeAtomic("toCsv", "out/table.csv", text, { mkdirs: true })
 */
export function writeAtomic(op: string, path: string, data: FileData, opts: WriteOptions = {}): void {
  const { fs, path: p } = nodeFs(op, path);
  const pieces = (typeof data === "string" || data instanceof Uint8Array ? [data] : data).map((d) => {
    if (typeof d === "string") return new TextEncoder().encode(d);
    if (d instanceof Uint8Array) return d;
    throw new FileError(op, path, `cannot be written: data must be strings or Uint8Arrays, got ${d === null ? "null" : typeof d}`);
  });
  let target = path, mode: number | undefined;
  try {
    const st = fs.lstatSync(path);
    if (st.isSymbolicLink()) target = fs.realpathSync(path);
    const real = target === path ? st : fs.statSync(target);
    if (real.isDirectory()) throw new FileError(op, path, "is a directory, not a file");
    mode = real.mode & 0o777;
  } catch (e) {
    if (e instanceof FileError) throw e;
    // Not there yet (or a dangling link): a new file.
  }
  const dir = p.dirname(target), base = p.basename(target);
  if (opts.mkdirs) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new FileError(op, path, `cannot be written: its folder cannot be created (${errnoCode(e)})`);
    }
  }
  removeStaleTemps(fs, p, dir, base);
  const tmp = p.join(dir, `.${base}.tmp-${process.pid}-${TOKEN}-${counter++}`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, "wx", mode ?? 0o666);
    if (mode !== undefined) fs.fchmodSync(fd, mode); // the umask applied to openSync's mode
    for (const piece of pieces) {
      for (let done = 0; done < piece.byteLength; ) done += fs.writeSync(fd, piece, done, piece.byteLength - done);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== null) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(tmp); } catch { /* never created, or already renamed */ }
    throw new FileError(op, path, fileErrorReason(e, "written"));
  }
  syncFolder(op, path, fs, dir);
}

/** A FileError's reason for a failed read or write: no such file, a directory, permission denied, or the system's code. */
export function fileErrorReason(e: unknown, verb: "read" | "written"): string {
  switch (errnoCode(e)) {
    case "ENOENT": return verb === "read" ? "no such file" : "cannot be written: its directory does not exist";
    case "ENOTDIR": return verb === "read" ? "no such file (a part of the path is not a folder)" : "cannot be written: a part of its path is not a folder";
    case "EISDIR": return "is a directory, not a file";
    case "EACCES": case "EPERM": return `cannot be ${verb}: permission denied`;
    case "ENOSPC": return `cannot be ${verb}: no space left on the device`;
    default: return `cannot be ${verb} (${errnoCode(e)})`;
  }
}

// The temp files of earlier writes to `base` in `dir`: this writer's names, and those of the
// writers it replaced (`name.tmp-<pid>` and `name.tmp-<pid>-<hex>`), which killed processes left too.
function removeStaleTemps(fs: Fs, p: Path, dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // no folder: the write itself will say so
  }
  const prefix = `${base}.tmp-`;
  const now = Date.now();
  for (const name of names) {
    const rest = name.startsWith(`.${prefix}`) ? name.slice(prefix.length + 1) : name.startsWith(prefix) ? name.slice(prefix.length) : null;
    if (rest === null) continue;
    const m = /^(\d+)(?:-([0-9a-f]{8})-\d+|-[0-9a-f]+)?$/.exec(rest);
    if (!m) continue;
    const pid = Number(m[1]);
    const file = p.join(dir, name);
    try {
      const dead = pid === process.pid ? m[2] !== undefined && m[2] !== TOKEN : !processAlive(pid);
      if (dead || now - fs.statSync(file).mtimeMs > STALE_TEMP_AGE_MS) fs.unlinkSync(file);
    } catch { /* gone already, or not ours to remove: leave it */ }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) !== "ESRCH"; // EPERM: alive, owned by another user
  }
}

// Flushes the folder's entry list, so the rename is on disk too. Some platforms and file systems
// cannot open or flush a folder (Windows, some network file systems): there this step is skipped.
function syncFolder(op: string, path: string, fs: Fs, dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    const code = errnoCode(e);
    if (code !== "EINVAL" && code !== "ENOTSUP" && code !== "EISDIR" && code !== "EPERM" && code !== "EBADF") {
      throw new FileError(op, path, `was written, but its folder could not be flushed to disk (${code})`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function errnoCode(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown } | null;
  return typeof err?.code === "string" ? err.code : String(err?.message ?? e);
}

let cached: { fs: Fs; path: Path } | null = null;

/** Node's `fs` and `path`, loaded on first use (core stays importable in a browser); a FileError naming `op` and `path` where there is no file system. */
export function nodeFs(op: string, path: string): { fs: Fs; path: Path } {
  if (cached) return cached;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.("node:fs") as Fs | undefined;
  const p = proc?.getBuiltinModule?.("node:path") as Path | undefined;
  if (!fs || !p) throw new FileError(op, path, "cannot be written here: writing files needs Node.js 20.16 or later (in a browser, use the in-memory form, e.g. toCsv() or toSVG())");
  return (cached = { fs, path: p });
}
