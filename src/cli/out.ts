// The folder a command writes into (--out): checked before any work starts, so a file in the way is a
// clear error at once rather than a raw EEXIST after minutes of training.
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FileError } from "../core/errors.js";

const inTheWay = (op: string, abs: string, file: string) =>
  new FileError(op, abs, `--out must name a folder, and a file is in the way${file === abs ? "" : ` (${file})`}`);

/** The absolute path of `dir` once it is known that it can be a folder (it is one, or nothing but folders lead to it); creates nothing. */
export function checkOutFolder(op: string, dir: string): string {
  const abs = resolve(dir);
  for (let p = abs; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) throw inTheWay(op, abs, p);
      return abs;
    } catch (e) {
      if (e instanceof FileError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new FileError(op, abs, `cannot use it as the --out folder (${code ?? (e as Error).message})`);
      if (dirname(p) === p) return abs;
    }
  }
}

/** Creates `dir` (and its parents) and returns its absolute path; a file in the way is a FileError naming it. */
export function outFolder(op: string, dir: string): string {
  const abs = checkOutFolder(op, dir);
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new FileError(op, abs, `cannot create the --out folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return abs;
}
