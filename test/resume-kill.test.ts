// The acceptance test of resumable training: a training process (test/helpers/resume-child.ts: a
// model with dropout, Adam, a schedule, checkpoints every 2 steps) is killed with SIGKILL, at a
// step or midway through writing a checkpoint, and resumed in a fresh process, several times over;
// its final weights must equal an uninterrupted run's bit for bit — on js, wasm, wasm on 2 threads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { bits, setup, STEPS_PER_EPOCH } from "./helpers/resume-child.js";

const CHILD = new URL("./helpers/resume-child.ts", import.meta.url).pathname;

interface Ended { signal: NodeJS.Signals | null; code: number | null; steps: number[] }

/** Runs the child; with `stop` "N" it is killed by SIGKILL once it reports step N. */
function runChild(args: string[], stop?: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args, ...(stop ? [stop] : [])], { stdio: ["ignore", "pipe", "pipe"] });
    const steps: number[] = [];
    let buffered = "", errors = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^step (\d+)$/.exec(line);
        if (m) steps.push(Number(m[1]));
        if (stop && line === `step ${stop}`) child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (c: Buffer) => { errors += c.toString(); });
    child.on("error", reject);
    child.on("exit", (code, signal) => (code !== null && code !== 0 ? reject(new Error(`child failed (${code}): ${errors}`)) : resolve({ code, signal, steps })));
  });
}

const newest = (dir: string): number => Math.max(0, ...readdirSync(dir).map((f) => /^step-(\d+)\.safetensors$/.exec(f)).filter((m) => m !== null).map((m) => Number(m![1])));

// Kill points: "N" = SIGKILL once step N is done (before its checkpoint), "wN" = SIGKILL from
// inside the writing of step N's checkpoint. 15 steps, 5 per epoch; checkpoints at even steps
// and at 5, 10, 15 (epoch ends). Each backend gets its own mix: mid-epoch, an epoch's last step,
// right after a checkpoint, within one.
const CASES: { backend: string; threads: number; kills: string[] }[] = [
  { backend: "js", threads: 1, kills: ["3", "w6", "10", "13"] },
  { backend: "wasm", threads: 1, kills: ["1", "5", "w8", "14"] },
  { backend: "wasm", threads: 2, kills: ["2", "w5", "7", "15"] },
];

// The uninterrupted runs' weights by backend: 1 and 2 threads must agree too (every product element is computed by one thread, in one order).
const uninterrupted = new Map<string, Record<string, string>>();

for (const { backend, threads, kills } of CASES) {
  test(`killed with SIGKILL at steps ${kills.join(", ")} and resumed, training ends bit for bit where an uninterrupted run does [${backend}, ${threads} thread${threads > 1 ? "s" : ""}]`, { skip: !ds.backends().includes(backend) && `no ${backend} backend` }, async () => {
    // The uninterrupted run, in this process.
    ds.setBackend(backend);
    ds.setThreads(threads);
    const ref = setup("");
    await ds.train.fit(ref.model as ds.train.Model, ref.data, { ...ref.opts, checkpoint: undefined, resumeFrom: undefined });
    const want = bits(ref.model);
    if (uninterrupted.has(backend)) assert.deepEqual(want, uninterrupted.get(backend), `${threads} threads give what 1 thread gives`);
    uninterrupted.set(backend, want);

    const dir = mkdtempSync(join(tmpdir(), "deepscript-kill-"));
    const out = join(dir, "final.json");
    const ckpt = join(dir, "ckpt");
    const args = [backend, String(threads), ckpt, out];
    try {
      for (const stop of kills) {
        const from = existsSync(ckpt) ? newest(ckpt) : 0;
        const r = await runChild(args, stop);
        assert.equal(r.signal, "SIGKILL", `killed at ${stop}`);
        assert.equal(r.steps[0], from + 1, `resumed after step ${from}, the newest checkpoint`);
        const n = Number(stop.replace("w", ""));
        assert.equal(r.steps.at(-1), n);
        if (stop.startsWith("w")) {
          // Killed mid-write: step N's file was never published, its temp file is left behind.
          assert.ok(!existsSync(join(ckpt, `step-${String(n).padStart(9, "0")}.safetensors`)), "no half-written checkpoint under its final name");
          assert.ok(readdirSync(ckpt).some((f) => f.startsWith(`.step-${String(n).padStart(9, "0")}.safetensors.tmp`)), "the kill came during the write");
        }
      }
      const from = newest(ckpt);
      const last = await runChild(args);
      assert.equal(last.code, 0);
      assert.equal(last.steps[0], from + 1);
      assert.equal(last.steps.at(-1), 3 * STEPS_PER_EPOCH);
      assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
