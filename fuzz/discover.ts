// Finding and importing the fuzz targets: every module in fuzz/targets/ whose default export (or
// any export) has the shape of a FuzzTarget (fuzz/target.ts).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { FuzzTarget } from "./target.js";

export const TARGETS_DIR = new URL("./targets/", import.meta.url).pathname;

/** The target modules of a folder, sorted by file name. */
export function targetFiles(dir = TARGETS_DIR): string[] {
  return readdirSync(dir).filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith(".d.ts")).sort().map((f) => join(dir, f));
}

const isTarget = (v: unknown): v is FuzzTarget =>
  typeof v === "object" && v !== null && typeof (v as FuzzTarget).name === "string" && typeof (v as FuzzTarget).parse === "function" && typeof (v as FuzzTarget).corpus === "function";

/** The FuzzTarget a module exports. */
export async function loadTarget(file: string): Promise<FuzzTarget> {
  const m = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const t = isTarget(m.default) ? m.default : Object.values(m).find(isTarget);
  if (!t) throw new Error(`${file} exports no fuzz target (an object with name, ext, corpus and parse)`);
  return t;
}
