// Packaging (issue 14): require() of any entry explains that deepscript is ESM and how to import
// it; the namespaces carry their types (`ds.nn.Module`, `import { nn }`), checked by tsc because
// this file is part of `npm test`'s type-check (tsconfig.json includes test/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { nn, optim, type Tensor } from "../src/index.js";
import type { data } from "../src/index.js";

const ROOT = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { files: string[]; exports: Record<string, string | Record<string, string>> };

test("require() of the package and of a subpath throws ERR_REQUIRE_ESM with the import to use", () => {
  // A CommonJS script inside the package resolves "deepscript" to itself through "exports" (self-reference).
  const script = `for (const id of ["deepscript", "deepscript/nn"]) {
    try { require(id); console.log(id, "loaded"); } catch (e) { console.log(JSON.stringify({ id, code: e.code, message: e.message })); }
  }`;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(out.length, 2);
  for (const r of out) {
    assert.equal(r.code, "ERR_REQUIRE_ESM", `${r.id}: ${r.message}`);
    assert.match(r.message, /^deepscript is an ES module \(ESM\) and cannot be loaded with require\(\)/);
    assert.match(r.message, /const ds = await import\("deepscript"\);/);
    assert.match(r.message, /import \* as ds from "deepscript";/);
  }
});

test("every exports entry has types, import and require conditions, and the require file ships", () => {
  for (const [name, v] of Object.entries(pkg.exports)) {
    if (typeof v === "string") continue; // ./package.json
    assert.deepEqual(Object.keys(v), ["types", "import", "require"], name);
    assert.equal(v.require, "./esm-only.cjs", name);
  }
  assert.ok(pkg.files.includes("esm-only.cjs"));
});

// Types through the namespaces. (`const { nn } = ds` gives values only: TypeScript cannot use a
// destructured constant as a namespace (TS2503); `import { nn }` or `import type { nn }` can.)
function firstLayer(m: ds.nn.Module<never[], unknown>): ds.nn.Module<never[], unknown> | undefined {
  return m.namedChildren()[0]?.[1];
}

test("namespace types: ds.nn.Module, nn.Linear, optim.Optimizer and data.Dataset name the classes", () => {
  const model: nn.Module = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
  const first = firstLayer(model);
  assert.ok(first instanceof nn.Linear);
  const lin: nn.Linear = first;
  assert.deepEqual(lin.weight.shape, [3, 2]);
  const opt: optim.Optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  assert.equal(opt.paramGroups[0].params.length, 2);
  const set: data.Dataset<Tensor[]> = new ds.data.TensorDataset(ds.zeros([4, 2]), ds.zeros([4]));
  assert.equal(set.length, 4);
});
