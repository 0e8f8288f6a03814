// The deepscript command end to end, in a temporary folder: train, evaluate, predict, info, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";

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

test("train --compile gives the eager run's losses and accuracy", () => {
  const dirs = [mkdtempSync(join(tmpdir(), "deepscript-cli-eager-")), mkdtempSync(join(tmpdir(), "deepscript-cli-compiled-"))];
  try {
    const runs = dirs.map((dir, i) => {
      const r = cli("train", "--epochs", "2", "--limit", "256", "--batch-size", "32", "--out", dir, "--seed", "5", ...(i ? ["--compile"] : []));
      assert.equal(r.code, 0, r.stderr);
      return { out: r.stdout, history: (JSON.parse(readFileSync(join(dir, "history.json"), "utf8")) as { history: Record<string, number[]> }).history };
    });
    assert.match(runs[1].out, /steps compiled/);
    assert.doesNotMatch(runs[0].out, /steps compiled/);
    for (const key of ["loss", "accuracy", "valLoss", "valAccuracy"]) {
      runs[0].history[key].forEach((v, e) => assert.ok(Math.abs(runs[1].history[key][e] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `${key} epoch ${e}: eager ${v}, compiled ${runs[1].history[key][e]}`));
    }
    assert.ok(runs[0].history.loss[1] < runs[0].history.loss[0], "the loss falls");
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test("bad options and missing files: one clear line, non-zero exit, no stack trace", () => {
  const tmp = mkdtempSync(join(tmpdir(), "deepscript-cli-bad-"));
  const aFile = join(tmp, "a-file");
  writeFileSync(aFile, "not a folder");
  const bigLabel = join(tmp, "big-label.csv");
  writeFileSync(bigLabel, "x,label\n0.5,0\n0.25,1000000000\n");
  process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
  const cases: [string[], RegExp][] = [
    [["train", "--out", aFile, "--limit", "10"], /train: .*a-file: --out must name a folder, and a file is in the way/],
    [["train", "--out", join(aFile, "sub"), "--limit", "10"], /sub: --out must name a folder, and a file is in the way \(.*a-file\)/],
    [["train", "--dataset", `csv:${bigLabel}`, "--out", tmp], /big-label\.csv: data row 2, column 2 \("label"\): label 1000000000 is not a class index 0, 1, …, 999/],
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

test("csv:FILE goes through frame.readCsv: header optional, values exact, bad cells named by row and column", async () => {
  const { loadDataset } = await import("../src/cli/datasets.js");
  const tmp = mkdtempSync(join(tmpdir(), "deepscript-cli-csv-"));
  try {
    const file = (name: string, text: string) => {
      const p = join(tmp, name);
      writeFileSync(p, text);
      return p;
    };
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${i / 4},${i % 3}`);
    for (const [name, text] of [["head.csv", "a,b,label\n" + rows.join("\n") + "\n"], ["nohead.csv", rows.join("\r\n")]]) {
      const d = loadDataset(`csv:${file(name, text)}`, 0);
      assert.equal(d.classes, 3, name);
      const x = ds.concat([d.train[0], d.test[0]]), y = ds.concat([d.train[1], d.test[1]]);
      assert.deepEqual(x.shape, [10, 2], name);
      assert.equal(y.dtype, "int32");
      // every row kept whole through the split: label = first feature mod 3, second = first / 4
      const xs = x.toArray() as number[][], ys = y.toArray() as number[];
      assert.deepEqual(xs.map((r) => r[0]).sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], name);
      xs.forEach((r, i) => { assert.equal(r[1], r[0] / 4); assert.equal(ys[i], r[0] % 3); });
    }
    const bad: [string, RegExp][] = [
      ["a,b,label\n1,2,0\n3,,1\n", /empty\.csv: data row 2, column 2 \("b"\): missing value \(an empty cell or NA\)/],
      ["a,b,label\n1,2,0\n3,4,\n", /data row 2, column 3 \("label"\): missing value/],
      ["1,2,0\n0x10,4,1\n", /data row 2, column 1: "0x10" is not a decimal number/],
      ["a,label\n1,0\ninf,1\n", /data row 2, column 1 \("a"\): Infinity is not a finite number/],
      ["a,label\n1,0\n2,1.5\n", /data row 2, column 2 \("label"\): label 1\.5 is not a class index/],
      ["a,label\n1,0\n2,-1\n", /label -1 is not a class index/],
      ["a,label\n1,0\n", /need at least 2 rows and 2 columns/],
      ["a,label\n1,0\n2,1,3\n", /line 3: expected 2 fields, saw 3/],
    ];
    bad.forEach(([text, pattern], i) => {
      const p = file(i === 0 ? "empty.csv" : `bad${i}.csv`, text);
      assert.throws(() => loadDataset(`csv:${p}`, 0), (e: unknown) => e instanceof ds.FileError && e.path === p && pattern.test(e.message), `${JSON.stringify(text)}`);
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
