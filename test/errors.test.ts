// Bad input gets a typed DeepScriptError naming the op, what it got and what it expected.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";

function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, ...patterns: RegExp[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof type, `expected ${type.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  assert.ok(caught instanceof ds.DeepScriptError, "every error is a DeepScriptError");
  for (const p of patterns) assert.match((caught as Error).message, p);
}

test("ragged nested arrays name the position and the expected length", () => {
  throwsWith(() => ds.tensor([[1, 2], [3]]), ds.ShapeError, /^tensor: /, /ragged/, /\[1\]/, /length 1, expected 2/);
  throwsWith(() => ds.tensor([[1, 2], 3] as never), ds.ShapeError, /ragged/);
  throwsWith(() => ds.tensor([1, "a"] as never), ds.ArgumentError, /element at \[1\] is string/);
  throwsWith(() => ds.tensor([1.5], { dtype: "int32" }), ds.ArgumentError, /whole numbers/);
  throwsWith(() => ds.tensor([1], { dtype: "int64" as never }), ds.DTypeError, /unknown dtype "int64"/);
});

test("negative or fractional sizes are refused", () => {
  throwsWith(() => ds.zeros([2, -1]), ds.ArgumentError, /^full: /, /invalid size -1/);
  throwsWith(() => ds.ones([1.5]), ds.ArgumentError, /invalid size 1.5/);
  throwsWith(() => ds.randn([NaN]), ds.ArgumentError, /invalid size NaN/);
  throwsWith(() => ds.arange(0, 5, 0), ds.ArgumentError, /step must be nonzero/);
  throwsWith(() => ds.randint(5, 5, [2]), ds.ArgumentError, /low < high/);
});

test("mismatched shapes name both shapes", () => {
  throwsWith(() => ds.ones([2, 3]).add(ds.ones([4])), ds.ShapeError, /^add: /, /\[2,3\] and \[4\] cannot be broadcast/);
  throwsWith(() => ds.ones([2, 3]).matmul(ds.ones([4, 5])), ds.ShapeError, /^matmul: /, /\[2,3\] and \[4,5\] do not align: 3 != 4/);
  throwsWith(() => ds.ones([6]).reshape(4, 2), ds.ShapeError, /^reshape: /, /6 elements/, /\[4,2\]/);
  throwsWith(() => ds.ones([6]).reshape(-1, -1), ds.ArgumentError, /only one dimension can be -1/);
  throwsWith(() => ds.concat([ds.ones([2, 3]), ds.ones([2, 4])], 0), ds.ShapeError, /^concat: /, /differ outside dim 0/);
  throwsWith(() => ds.stack([ds.ones([2]), ds.ones([3])]), ds.ShapeError, /same shape/);
  throwsWith(() => ds.ones([2, 3]).expand(4, 3), ds.ShapeError, /^expand: /);
  throwsWith(() => ds.ones([2, 3]).T.view(6), ds.ShapeError, /^view: /, /not contiguous/);
  throwsWith(() => ds.ones([3]).dot(ds.ones([4])), ds.ShapeError, /^dot: /);
  throwsWith(() => ds.nn.F.conv2d(ds.ones([1, 3, 5, 5]), ds.ones([2, 4, 3, 3])), ds.ShapeError, /^conv2d: /, /expects 4 input channels/);
});

test("out-of-range dims and indices", () => {
  throwsWith(() => ds.ones([2, 3]).sum(2), ds.IndexError, /^sum: /, /dim 2 is out of range/, /-2\.\.1/);
  throwsWith(() => ds.ones([2, 3]).sum(-3), ds.IndexError, /dim -3/);
  throwsWith(() => ds.ones([2, 3]).transpose(0, 5), ds.IndexError, /^transpose: /);
  throwsWith(() => ds.ones([2, 3]).index(2), ds.IndexError, /^index: /, /index 2 is out of range for dim 0 of size 2/);
  throwsWith(() => ds.ones([2, 3]).index(0, 0, 0), ds.IndexError, /too many indices/);
  throwsWith(() => ds.ones([3]).gather(0, ds.tensor([0, 5], { dtype: "int32" })), ds.IndexError, /^gather: /, /index 5 is out of range for dim 0 of size 3/);
  throwsWith(() => ds.tensor([0, 3], { dtype: "int32" }).oneHot(3), ds.IndexError, /^oneHot: /);
  throwsWith(() => ds.ones([2, 3]).permute(0, 0), ds.ArgumentError, /repeat a dimension/);
  throwsWith(() => ds.ones([2]).item(), ds.DTypeError, /^item: /, /one-element/);
});

test("wrong dtypes", () => {
  throwsWith(() => ds.ones([3]).gather(0, ds.tensor([0, 1])), ds.DTypeError, /^gather: /, /int32, got float32/);
  throwsWith(() => ds.ones([3]).indexSelect(0, ds.tensor([0.5])), ds.DTypeError, /^indexSelect: /);
  throwsWith(() => ds.ones([3]).index(ds.tensor([0, 1])), ds.DTypeError, /^index: /, /int32 or bool/);
  throwsWith(() => ds.where(ds.ones([2]), 1, 0), ds.DTypeError, /^where: /, /cond must be bool, got float32/);
  throwsWith(() => ds.ones([2]).maskedFill(ds.ones([2]), 0), ds.DTypeError, /mask must be a bool/);
  throwsWith(() => ds.ones([2], { dtype: "int32" }).requiresGrad_(), ds.GradError, /floating-point/);
  throwsWith(() => ds.ones([2], { dtype: "bool" }).neg(), ds.DTypeError, /^neg: /, /bool/);
  throwsWith(() => ds.add(ds.ones([2]), "1" as never), ds.ArgumentError, /^add: /, /got string/);
});

test("backward misuse", () => {
  const x = ds.ones([3], { requiresGrad: true });
  throwsWith(() => x.mul(2).backward(), ds.GradError, /^backward: /, /only for scalar outputs/, /\[3\]/);
  throwsWith(() => x.mul(2).backward(ds.ones([2])), ds.ShapeError, /gradient shape \[2\]/);
  const loss = x.mul(2).sum();
  loss.backward();
  throwsWith(() => loss.backward(), ds.GradError, /second time/, /retainGraph/);
  throwsWith(() => ds.ones([2]).sum().backward(), ds.GradError, /does not require grad/);
  const y = ds.ones([2], { requiresGrad: true });
  throwsWith(() => y.copy_(ds.zeros([2])), ds.GradError, /^copy_: /, /noGrad/);
});

test("nothing is half-changed after an error", () => {
  const t = ds.tensor([1, 2, 3]);
  throwsWith(() => t.copy_(ds.ones([2])), ds.ShapeError, /^copy_: /);
  assert.deepEqual(t.toArray(), [1, 2, 3]);
  const base = ds.tensor([1, 2, 3]);
  throwsWith(() => base.scatter(0, ds.tensor([0, 9], { dtype: "int32" }), ds.tensor([7, 7])), ds.IndexError, /^scatter: /);
  assert.deepEqual(base.toArray(), [1, 2, 3]);
  const w = ds.ones([2], { requiresGrad: true });
  const before = ds.memory().tensors;
  assert.throws(() => ds.scope(() => w.mul(2).add(ds.ones([3]))), ds.ShapeError);
  assert.equal(ds.memory().tensors, before);
  assert.equal(w.grad, null);
});

test("unknown backend and bad thread counts", () => {
  throwsWith(() => ds.setBackend("cuda"), ds.ArgumentError, /^setBackend: /, /unknown backend "cuda"/, /available: js/);
  throwsWith(() => ds.setThreads(0), ds.ArgumentError, /^setThreads: /);
});
