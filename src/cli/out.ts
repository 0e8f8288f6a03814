// The folder a command writes into (--out): made before any work starts, so a file in the way is a
// clear error at once rather than a raw EEXIST after minutes of training.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { FileError } from "../core/errors.js";

/** Creates `dir` (and its parents) and returns its absolute path; a file in the way is a FileError naming it. */
export function outFolder(op: string, dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTDIR") throw new FileError(op, abs, "--out must name a folder, and a file is in the way (there, or in a parent folder)");
    throw new FileError(op, abs, `cannot create the --out folder (${code ?? (e as Error).message})`);
  }
  return abs;
}
