// io.loadOnnx operator by operator: small graphs built with onnx.helper at opsets 13-21, in the
// attribute and input forms of each opset, against NumPy/PyTorch (tools/gen_onnx_op_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

interface T { shape: number[]; data: number[] }
const cases = JSON.parse(readFileSync(new URL("./fixtures/onnx/ops.json", import.meta.url), "utf8")) as Record<string, { model: string; opset: number; input: T; output: T }>;

for (const [name, c] of Object.entries(cases)) {
  test(`${name} (opset ${c.opset})`, () => {
    const model = ds.io.loadOnnx(new Uint8Array(Buffer.from(c.model, "base64")));
    assert.equal(model.opset, c.opset);
    const y = ds.noGrad(() => model.call(ds.tensor(c.input.data).reshape(c.input.shape)));
    assert.deepEqual(y.shape, c.output.shape);
    assertClose(y, c.output.data, { atol: 1e-5, rtol: 1e-4, msg: name });
  });
}
