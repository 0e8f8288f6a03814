// The deepscript command end to end, in a temporary folder: train, evaluate, predict, info, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("train → evaluate → predict on a subset of the bundled digits", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepscript-cli-"));
  try {
    const t = cli("train", "--epochs", "1", "--limit", "600", "--batch-size", "32", "--out", dir, "--seed", "3");
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /epoch 1\/1 - .* - loss \d+\.\d+ - accuracy \d\.\d+ - valLoss \d+\.\d+ - valAccuracy \d\.\d+/);
    const acc = Number(/test accuracy ([\d.]+)%/.exec(t.stdout)?.[1]);
    assert.ok(acc > 50, `one epoch on 600 digits should beat chance by far, got ${acc}%`);
    for (const f of ["model.safetensors", "history.json", "train-options.json", "curves.png", "confusion.png"]) assert.ok(existsSync(join(dir, f)), `${f} written`);
    const history = JSON.parse(readFileSync(join(dir, "history.json"), "utf8")) as { history: Record<string, number[]> };
    assert.equal(history.history.loss.length, 1);

    const e = cli("evaluate", join(dir, "model.safetensors"));
    assert.equal(e.code, 0, e.stderr);
    assert.equal(Number(/test accuracy ([\d.]+)%/.exec(e.stdout)?.[1]), acc, "the saved model scores what training reported");

    const p = cli("predict", join(dir, "model.safetensors"), "digits:0-4");
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.match(/^sample \d: class \d \(p=[\d.]+\), label \d$/gm)?.length, 5);

    const json = join(dir, "input.json");
    writeFileSync(json, JSON.stringify([Array.from({ length: 784 }, () => 0)]));
    const pj = cli("predict", join(dir, "model.safetensors"), json);
    assert.equal(pj.code, 0, pj.stderr);
    assert.match(pj.stdout, /^sample 0: class \d/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad options and missing files: one clear line, non-zero exit, no stack trace", () => {
  const cases: [string[], RegExp][] = [
    [["train", "--epochs", "abc"], /--epochs must be an integer, got "abc"/],
    [["train", "--epochs", "0", "--limit", "10"], /--epochs must be a positive integer, got 0/],
    [["train", "--model", "rnn", "--limit", "10"], /unknown model "rnn"/],
    [["train", "--dataset", "mnist-idx:/nonexistent", "--limit", "10"], /nonexistent.*not found/],
    [["train", "--backend", "cuda"], /unknown backend "cuda"/],
    [["evaluate", "/nonexistent/model.safetensors"], /model file not found/],
    [["predict", "/nonexistent/model.safetensors", "digits:0"], /model file not found/],
  ];
  for (const [args, pattern] of cases) {
    const r = cli(...args);
    assert.notEqual(r.code, 0, `${args.join(" ")} should fail`);
    assert.match(r.stderr, pattern, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace for ${args.join(" ")}: ${r.stderr}`);
    assert.ok(r.stderr.trim().split("\n").length <= 2, `one line for ${args.join(" ")}: ${r.stderr}`);
  }
});

test("info prints version, backend, threads and SIMD support", () => {
  const r = cli("info");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^deepscript \d+\.\d+\.\d+\nbackend: +(wasm|js)/);
  assert.match(r.stdout, /wasm SIMD128: +(yes|no)/);
});
