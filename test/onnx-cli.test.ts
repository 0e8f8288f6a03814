// `deepscript export`: a model saved by io.save written as ONNX, which io.loadOnnx runs to the same outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const root = new URL("..", import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8" });

test("deepscript export writes an ONNX file with the model's outputs; bad --shape and missing files are one-line errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepscript-export-"));
  try {
    ds.seed(7);
    const { nn, io } = ds;
    const model = new nn.Sequential(new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(3 * 14 * 14, 10));
    io.save(model, join(dir, "m.safetensors"));
    const r = cli("export", join(dir, "m.safetensors"), join(dir, "m.onnx"));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*m\.onnx \(ONNX opset 17, input \[batch,1,28,28\]\)/);
    const x = ds.rand([2, 1, 28, 28]);
    model.eval();
    assertClose(ds.noGrad(() => io.loadOnnx(join(dir, "m.onnx")).call(x)), Array.from(ds.noGrad(() => model.call(x)).dataSync()), { atol: 1e-5 });
    const bad = cli("export", join(dir, "m.safetensors"), join(dir, "n.onnx"), "--shape", "1,x");
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^deepscript: export: --shape must be positive integers/);
    assert.ok(!existsSync(join(dir, "n.onnx")));
    const missing = cli("export", join(dir, "nope.safetensors"), join(dir, "n.onnx"));
    assert.match(missing.stderr, /nope\.safetensors: model file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
