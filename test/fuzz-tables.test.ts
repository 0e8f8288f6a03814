// The fuzz targets of the table and dataset readers (fuzz/targets/csv.ts, json.ts, idx.ts), run in
// process: each corpus is read as it is, then a few hundred seeded mutations of it are read, and every
// one must be accepted or refused with a DeepScriptError. (npm run fuzz runs them at scale, in a sandbox.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeepScriptError } from "../src/core/errors.js";
import type { FuzzTarget } from "../fuzz/target.js";
import csv from "../fuzz/targets/csv.js";
import json from "../fuzz/targets/json.js";
import idx from "../fuzz/targets/idx.js";
import { rng } from "../fuzz/mutators.js";

const dir = mkdtempSync(join(tmpdir(), "ds-fuzz-tables-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

// A few generic byte edits besides each target's own mutators.
const generic: ((b: Uint8Array, r: () => number) => Uint8Array)[] = [
  (b, r) => { const c = b.slice(); if (c.length) c[Math.floor(r() * c.length)] ^= 1 << Math.floor(r() * 8); return c; },
  (b, r) => b.subarray(0, Math.floor(r() * (b.length + 1))),
  (b, r) => { const at = Math.floor(r() * (b.length + 1)); return new Uint8Array([...b.subarray(0, at), ...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256)), ...b.subarray(at)]); },
  (b, r) => { const a = Math.floor(r() * b.length), n = Math.floor(r() * 64); const piece = b.subarray(a, a + n); return new Uint8Array([...b.subarray(0, a), ...piece, ...piece, ...b.subarray(a)]); },
];

async function outcome(t: FuzzTarget, input: Uint8Array, name: string): Promise<"accepted" | "typed"> {
  const path = join(dir, `${name}${t.ext}`);
  writeFileSync(path, input);
  try {
    await t.parse(path);
    return "accepted";
  } catch (e) {
    if (e instanceof DeepScriptError) return "typed";
    throw new Error(`${t.name} input ${name}: untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

for (const t of [csv, json, idx]) {
  test(`fuzz target ${t.name}: the corpus is accepted and 300 mutations of it are accepted or typed`, async () => {
    const corpus = await t.corpus();
    assert.ok(corpus.length >= 5, `${t.name} has a corpus`);
    for (const [i, input] of corpus.entries()) assert.equal(await outcome(t, input, `corpus-${i}`), "accepted", `${t.name} corpus ${i}`);
    const mutators = [...(t.mutators ?? []), ...generic];
    assert.ok((t.mutators ?? []).length >= 3, `${t.name} has its own mutators`);
    const counts = { accepted: 0, typed: 0 };
    for (let i = 0; i < 300; i++) {
      const r = rng(1000 * i + 7);
      let input = corpus[Math.floor(r() * corpus.length)];
      for (let k = 1 + Math.floor(r() * 2); k > 0; k--) input = mutators[Math.floor(r() * mutators.length)](input, r);
      counts[await outcome(t, input, `m${i}`)]++;
    }
    // both outcomes occur: the mutations reach past the first check and the readers refuse some inputs
    assert.ok(counts.accepted > 10 && counts.typed > 10, `${t.name}: ${JSON.stringify(counts)}`);
  });
}
