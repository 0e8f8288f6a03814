// The layering of docs/ARCHITECTURE.md, enforced: a module imports only from its own layer or
// from layers below it (and plot/ only from core/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = new URL("../src/", import.meta.url).pathname;

// Rank of each top-level folder of src/ (files directly in src/ are the root entry: rank 99).
const RANK: Record<string, number> = {
  core: 0, ir: 1, backend: 2,
  tensor: 3, ops: 3, prims: 3, autograd: 3, // the array layer: one unit
  data: 4, io: 4, frame: 4, plot: 4,
  compile: 4, // ds.compile: traces the array layer's backend calls
  nn: 5, optim: 5, ml: 5, // nn/persist.ts does whole-model save/load on top of io/
  train: 7, explain: 7, keras: 7, // keras builds on nn, optim and train
  cli: 8,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const layerOf = (file: string): string => {
  const rel = relative(SRC, file);
  return rel.includes("/") ? rel.split("/")[0] : "(root)";
};

test("imports point down only", () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const from = layerOf(file);
    if (from === "(root)") continue;
    if (!(from in RANK)) {
      violations.push(`${relative(SRC, file)}: folder "${from}" has no rank in test/layers.test.ts`);
      continue;
    }
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gm)) {
      const target = resolve(dirname(file), m[1]);
      const to = layerOf(target);
      if (to === "(root)") {
        if (from === "cli") continue; // the top layer may use the public entry
        violations.push(`${relative(SRC, file)} imports the root entry ${m[1]}`);
        continue;
      }
      const allowed = from === "plot" ? to === "core" || to === "plot" : RANK[to] <= RANK[from];
      if (!allowed) violations.push(`${relative(SRC, file)} (${from}) imports ${m[1]} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});
