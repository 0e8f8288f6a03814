// The fuzz harness (fuzz/run.ts) in the fast suite: a short seeded run of every target must give
// only accepted and typed outcomes, and the harness must tell each outcome class apart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BAD, Sandbox, clean, formatReports, runFuzz } from "../fuzz/run.js";
import { hash, mutate, rng } from "../fuzz/mutators.js";
import { loadTarget, targetFiles } from "../fuzz/discover.js";

const dir = mkdtempSync(join(tmpdir(), "ds-fuzz-test-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("300 inputs per target: only accepted and typed outcomes, every corpus file accepted", async () => {
  const reports = await runFuzz({ seed: 12, n: 300, outDir: null, log: () => {} });
  const names = reports.map((r) => r.name);
  assert.ok(names.includes("safetensors") && names.includes("model"), names.join(", "));
  for (const r of reports) {
    assert.equal(r.inputs, 300, r.name);
    // Both good classes are reached: the mutations get past the first checks and also break files.
    assert.ok(r.counts.accepted > 0 && r.counts.typed > 0, `${r.name}: ${JSON.stringify(r.counts)}`);
  }
  assert.ok(clean(reports), formatReports(reports));
});

test("inputs are a function of (seed, target, index): the same on every run", async () => {
  for (const file of targetFiles()) {
    const t = await loadTarget(file);
    const corpus = await t.corpus();
    const input = (seed: number, i: number) => {
      const rand = rng(hash(`${seed}:${t.name}:${i}`));
      return mutate(corpus[Math.floor(rand() * corpus.length)], rand, corpus, t.mutators ?? []).bytes;
    };
    for (const i of [0, 1, 57]) assert.deepEqual(input(3, i), input(3, i), `${t.name} input ${i}`);
    assert.notDeepEqual([input(3, 5), input(3, 6), input(3, 7)], [input(4, 5), input(4, 6), input(4, 7)], `${t.name}: another seed, other inputs`);
  }
});

test("the sandbox tells accepted, typed, untyped, hang, crash and memory apart, and restarts after the last three", async () => {
  const errors = new URL("../src/core/errors.js", import.meta.url).href;
  const file = join(dir, "classify.mts"); // .mts: an ES module even outside the package, so it shares the worker's errors module
  writeFileSync(file, `
    import { readFileSync } from "node:fs";
    import { ArgumentError } from ${JSON.stringify(errors)};
    export default {
      name: "classify", ext: ".txt", corpus: () => [new Uint8Array(1)],
      parse(path: string) {
        const what = readFileSync(path, "utf8");
        if (what === "typed") throw new ArgumentError("classify", "refused");
        if (what === "untyped") throw new TypeError("boom");
        if (what === "hang") for (;;);
        if (what === "crash") process.exit(3);
        if (what === "reject") Promise.reject(new Error("late"));
        if (what === "memory") { const held = []; for (let i = 0; i < 16; i++) held.push(Buffer.alloc(16 << 20, 1)); return held.length; }
        return what.length;
      },
    };
  `);
  const sandbox = new Sandbox([file], { timeoutMs: 1500, memoryBytes: () => 64 << 20 });
  try {
    const run = async (s: string) => (await sandbox.run(file, new TextEncoder().encode(s)));
    assert.equal((await run("fine")).outcome, "accepted");
    const typed = await run("typed");
    assert.deepEqual([typed.outcome, typed.message], ["typed", "classify: refused"]);
    const untyped = await run("untyped");
    assert.equal(untyped.outcome, "untyped");
    assert.match(untyped.message, /^TypeError: boom/);
    const hang = await run("hang");
    assert.equal(hang.outcome, "hang");
    assert.ok(hang.ms >= 1500 && hang.ms < 4000, `${hang.ms} ms`);
    assert.equal((await run("fine")).outcome, "accepted", "a new worker after the hang");
    assert.deepEqual([(await run("crash")).outcome, (await run("reject")).outcome], ["crash", "crash"]);
    const memory = await run("memory");
    assert.equal(memory.outcome, "memory");
    assert.match(memory.message, /resident memory grew by \d+ MiB \(bound 64 MiB\)/);
    assert.equal((await run("typed")).outcome, "typed", "and a new worker after that");
  } finally {
    await sandbox.close();
  }
  assert.deepEqual(BAD, ["untyped", "hang", "crash", "memory"]);
});
