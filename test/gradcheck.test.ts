// Gradient checks: every differentiable op's vjp against central finite differences in float64.
import { beforeEach, it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";
import { assertClose } from "./helpers/assert.js";
import { gradcheck, type GradcheckOptions } from "./helpers/gradcheck.js";

const F = ds.nn.functional;

/** forEachBackend, with the backend selected before every test (describe bodies run up front). */
function suite(title: string, body: () => void): void {
  forEachBackend(`gradcheck: ${title}`, (name) => {
    beforeEach(() => ds.setBackend(name));
    it("runs on its backend", () => assert.equal(ds.getBackend(), name));
    body();
  });
}

// ---- deterministic float64 inputs ----------------------------------------------------------------

let state = 0x9e3779b9;
function uniform(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Uniform values in [lo, hi), at least `margin` away from every point in `kinks`. */
function rnd(shape: readonly number[], lo = -1, hi = 1, kinks: readonly number[] = [], margin = 0.05): Tensor {
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) {
    let x: number;
    do x = lo + (hi - lo) * uniform();
    while (kinks.some((k) => Math.abs(x - k) < margin));
    v[i] = x;
  }
  return ds.tensor(v, { dtype: "float64" }).reshape(shape);
}
/** Values with |x| in [0.1, 1] (away from the kink at 0). */
const away = (shape: readonly number[]): Tensor => rnd(shape, -1, 1, [0], 0.1);
const pos = (shape: readonly number[], lo = 0.2, hi = 2): Tensor => rnd(shape, lo, hi);
const f64 = (data: number | number[] | number[][] | number[][][]): Tensor => ds.tensor(data, { dtype: "float64" });
const i32 = (data: number | number[] | number[][] | number[][][]): Tensor => ds.tensor(data, { dtype: "int32" });

const check = (name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[], opts: GradcheckOptions = {}): void => {
  it(name, () => gradcheck(fn, inputs(), { name, ...opts }));
};

// ---- the helper itself ----------------------------------------------------------------------------

suite("the checker", () => {
  it("catches a wrong gradient and names the worst element", () => {
    // x * detach(x): autograd sees x, the true derivative is 2x.
    assert.throws(() => gradcheck((x) => x.mul(x.detach()), [f64([0.5, -2, 1])]), /gradient mismatch; worst element: input 0 \[1\]/);
  });
  it("catches a missing gradient on a non-scalar output", () => {
    assert.throws(() => gradcheck((x, y) => x.add(y.detach()), [f64([[1, 2]]), f64([[3, 4]])]), /input 1/);
  });
  it("catches a non-deterministic function", () => {
    assert.throws(() => gradcheck((x) => F.dropout(x, 0.5), [pos([64])]), /not deterministic/);
  });
  it("passes a correct gradient", () => gradcheck((x) => x.mul(x), [f64([0.5, -2, 1])]));
});

// ---- elementwise ------------------------------------------------------------------------------------

suite("unary elementwise", () => {
  const s = [2, 3];
  check("neg", (x) => x.neg(), () => [rnd(s)]);
  check("abs", (x) => x.abs(), () => [away(s)]);
  check("exp", (x) => x.exp(), () => [rnd(s)]);
  check("log", (x) => x.log(), () => [pos(s)]);
  check("sqrt", (x) => x.sqrt(), () => [pos(s)]);
  check("rsqrt", (x) => x.rsqrt(), () => [pos(s)]);
  check("sin", (x) => x.sin(), () => [rnd(s, -3, 3)]);
  check("cos", (x) => x.cos(), () => [rnd(s, -3, 3)]);
  check("tanh", (x) => x.tanh(), () => [rnd(s, -2, 2)]);
  check("sigmoid", (x) => x.sigmoid(), () => [rnd(s, -3, 3)]);
  check("relu", (x) => x.relu(), () => [away(s)]);
  check("leakyRelu default slope", (x) => x.leakyRelu(), () => [away(s)]);
  check("leakyRelu slope 0.2", (x) => ds.leakyRelu(x, 0.2), () => [away(s)]);
  check("gelu exact", (x) => x.gelu(), () => [rnd(s, -3, 3)]);
  check("gelu tanh", (x) => ds.gelu(x, "tanh"), () => [rnd(s, -3, 3)]);
  check("elu alpha 1", (x) => x.elu(), () => [away(s)]);
  check("elu alpha 0.5", (x) => ds.elu(x, 0.5), () => [away(s)]);
  check("softplus", (x) => x.softplus(), () => [rnd(s, -4, 4)]);
  check("softplus beta 2 threshold 1 (both sides)", (x) => ds.softplus(x, 2, 1), () => [rnd([8], -2, 2, [0.5], 0.1)]);
  check("clamp min max", (x) => x.clamp(-0.5, 0.5), () => [rnd([3, 4], -1, 1, [-0.5, 0.5], 0.05)]);
  check("clamp min only", (x) => x.clamp(0.1), () => [rnd([3, 4], -1, 1, [0.1], 0.05)]);
  check("clamp max only", (x) => ds.clamp(x, null, 0.2), () => [rnd([3, 4], -1, 1, [0.2], 0.05)]);
  it("clamp with tensor bounds (gradient reaches the bounds)", () => {
    const x = rnd([3, 4], -1, 1);
    const lo = f64([[-0.5], [0.3], [-2]]), hi = f64([0.5, 0.7, 0.2, 2]);
    // keep x away from the bounds so every point is differentiable
    const xv = Array.from(x.dataSync()).map((v, i) => {
      const l = [-0.5, 0.3, -2][Math.floor(i / 4)], h = [0.5, 0.7, 0.2, 2][i % 4];
      return Math.abs(v - l) < 0.05 || Math.abs(v - h) < 0.05 ? v + 0.11 : v;
    });
    gradcheck((a, l, h) => a.clamp(l, h), [ds.tensor(Float64Array.from(xv), { dtype: "float64" }).reshape([3, 4]), lo, hi]);
  });
  check("square", (x) => x.square(), () => [rnd(s)]);
  check("reciprocal", (x) => x.reciprocal(), () => [away(s)]);
  check("erf", (x) => x.erf(), () => [rnd(s, -2, 2)]);
  check("log1p", (x) => x.log1p(), () => [rnd(s, -0.8, 2)]);
  check("expm1", (x) => x.expm1(), () => [rnd(s, -2, 2)]);
  check("sign floor ceil round (zero gradient)", (x) => ds.add(ds.add(x.sign(), x.floor()), ds.add(x.ceil(), x.round())), () => [rnd(s, -3, 3, [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3], 0.05)]);
  it("values at kinks follow PyTorch: relu'(0) = 0, abs'(0) = 0, clamp' = 1 on the closed interval", () => {
    const x = f64([0, 0, 1, -1]).requiresGrad_();
    x.relu().sum().backward();
    assertClose(x.grad!, [0, 0, 1, 0], { atol: 0 });
    const y = f64([0, 2, -2]).requiresGrad_();
    y.abs().sum().backward();
    assertClose(y.grad!, [0, 1, -1], { atol: 0 });
    const z = f64([0, 1, 0.5, -0.1, 1.1]).requiresGrad_();
    z.clamp(0, 1).sum().backward();
    assertClose(z.grad!, [1, 1, 1, 0, 0], { atol: 0 });
  });
  // Smooth functions built from kinked pieces (abs, relu, max shifts, where) must be exact at the seams too.
  const seams = () => [f64([0, 0, 1e-3, -1e-3])];
  check("softplus at 0", (x) => x.softplus(), seams);
  check("softplus beta 2 at 0 and near the threshold", (x) => ds.softplus(x, 2, 5), () => [f64([0, 0, 2.4, -1])]);
  check("gelu at 0", (x) => x.gelu().add(ds.gelu(x, "tanh")), seams);
  check("elu alpha 1 at 0", (x) => x.elu(), seams);
  check("sigmoid tanh erf at 0", (x) => x.sigmoid().add(x.tanh()).add(x.erf()), seams);
  check("square and pow 2, 3 at 0", (x) => x.square().add(x.pow(2)).add(x.pow(3)), seams);
  check("softmax, logSoftmax, logsumexp of tied values", (x) => x.softmax(-1).add(x.logSoftmax(-1)).add(x.logsumexp(-1, true)), () => [f64([[1, 1, 1], [0.5, 2, 2]])]);
  check("var of a constant line", (x) => x.var(1), () => [f64([[1, 1, 1], [0.5, 2, 2]])]);
  check("chain of unaries", (x) => x.sin().exp().mul(x.tanh()).add(x.sigmoid().log()), () => [rnd(s)]);
});

suite("binary elementwise and broadcasting", () => {
  const pairs: [string, number[], number[]][] = [
    ["same shape", [2, 3], [2, 3]],
    ["[3,1]x[1,4]", [3, 1], [1, 4]],
    ["[2,3,4]x[4]", [2, 3, 4], [4]],
    ["[4]x[2,3,4]", [4], [2, 3, 4]],
    ["[2,1,3]x[4,1]", [2, 1, 3], [4, 1]],
    ["[]x[2,3]", [], [2, 3]],
  ];
  for (const [label, sa, sb] of pairs) {
    check(`add ${label}`, (a, b) => a.add(b), () => [rnd(sa), rnd(sb)]);
    check(`sub ${label}`, (a, b) => a.sub(b), () => [rnd(sa), rnd(sb)]);
    check(`mul ${label}`, (a, b) => a.mul(b), () => [rnd(sa), rnd(sb)]);
    check(`div ${label}`, (a, b) => a.div(b), () => [rnd(sa), away(sb)]);
    check(`pow tensor^tensor ${label}`, (a, b) => a.pow(b), () => [pos(sa, 0.3, 2), rnd(sb, -2, 2)]);
    check(`minimum ${label}`, (a, b) => a.minimum(b), () => [rnd(sa), rnd(sb)]);
    check(`maximum ${label}`, (a, b) => ds.maximum(a, b), () => [rnd(sa), rnd(sb)]);
  }
  check("the same tensor on both sides (x*x, x-x, x/x)", (x) => x.mul(x).add(x.sub(x)).add(x.div(x)), () => [away([5])]);
  // Scalars on the right.
  check("x + 2", (x) => x.add(2), () => [rnd([2, 3])]);
  check("x - 2", (x) => x.sub(2), () => [rnd([2, 3])]);
  check("x * 3", (x) => x.mul(3), () => [rnd([2, 3])]);
  check("x / 3", (x) => x.div(3), () => [rnd([2, 3])]);
  check("x ** 3", (x) => x.pow(3), () => [rnd([2, 3])]);
  check("x ** 2 (negative base)", (x) => x.pow(2), () => [rnd([2, 3], -2, -0.1)]);
  check("x ** 0.5", (x) => x.pow(0.5), () => [pos([2, 3])]);
  check("x ** -2", (x) => x.pow(-2), () => [away([2, 3])]);
  check("x ** 0 (zero gradient, also at x = 0)", (x) => x.pow(0), () => [f64([0, 1, -2, 0.5])]);
  check("x ** 1 at x = 0", (x) => x.pow(1), () => [f64([0, 1, -2, 0.5])]);
  check("x ** 2 at x = 0", (x) => x.pow(2), () => [f64([0, 1, -2, 0.5])]);
  check("minimum(x, 0.3)", (x) => x.minimum(0.3), () => [rnd([2, 3], -1, 1, [0.3])]);
  check("maximum(x, 0.3)", (x) => x.maximum(0.3), () => [rnd([2, 3], -1, 1, [0.3])]);
  // Scalars on the left.
  check("2 + x", (x) => ds.add(2, x), () => [rnd([2, 3])]);
  check("2 - x", (x) => ds.sub(2, x), () => [rnd([2, 3])]);
  check("3 * x", (x) => ds.mul(3, x), () => [rnd([2, 3])]);
  check("2 / x", (x) => ds.div(2, x), () => [away([2, 3])]);
  check("2 ** x", (x) => ds.pow(2, x), () => [rnd([2, 3], -2, 2)]);
  check("0.5 ** x", (x) => ds.pow(0.5, x), () => [rnd([2, 3], -2, 2)]);
  check("minimum(0.3, x)", (x) => ds.minimum(0.3, x), () => [rnd([2, 3], -1, 1, [0.3])]);
  check("maximum(0.3, x)", (x) => ds.maximum(0.3, x), () => [rnd([2, 3], -1, 1, [0.3])]);
  // Tensor base, tensor exponent, including zero bases with positive and zero exponents.
  check("pow with zero bases", (a, b) => a.pow(b), () => [f64([0, 0, 0, 0.5, 1.5]), f64([2, 3, 0, 1.5, -1])]);
  it("maximum/minimum ties split the gradient evenly", () => {
    const a = f64([1, 2, 3]).requiresGrad_(), b = f64([1, 5, 0]).requiresGrad_();
    a.maximum(b).sum().backward();
    assertClose(a.grad!, [0.5, 0, 1], { atol: 0 });
    assertClose(b.grad!, [0.5, 1, 0], { atol: 0 });
    const c = f64([2, 0.5]).requiresGrad_();
    ds.minimum(2, c).sum().backward();
    assertClose(c.grad!, [0.5, 1], { atol: 0 });
  });
  check("0-d tensors", (x, y) => x.exp().mul(y).add(x.sin()).reshape([1, 1]).sum(), () => [f64(0.3), f64(-1.2)]);
  check("0-d tensor exponent", (a, b) => a.pow(b), () => [pos([2, 3]), f64(1.7)]);
});

suite("where and casts", () => {
  const cond = () => ds.tensor([[true, false, true, false], [false, false, true, true], [true, true, false, false]]);
  it("where(cond, a, b) with broadcasting", () => {
    const c = cond();
    gradcheck((a, b) => ds.where(c, a, b), [rnd([3, 1]), rnd([4])]);
  });
  it("where with a scalar on either side", () => {
    const c = cond();
    gradcheck((a) => ds.where(c, a, 0), [rnd([3, 4])]);
    gradcheck((b) => ds.where(c, 1.5, b), [rnd([3, 4])]);
  });
  it("x.where(cond, other)", () => {
    const c = cond();
    gradcheck((a, b) => a.where(c, b), [rnd([3, 4]), rnd([3, 4])]);
  });
  it("where with a broadcast cond", () => {
    const c = ds.tensor([true, false, true, false]);
    gradcheck((a, b) => ds.where(c, a.exp(), b.sin()), [rnd([3, 4]), rnd([3, 1])]);
  });
  // Dyadic values and step: every perturbed value is exact in float32 too.
  const dyadic = (shape: number[]) => ds.tensor(Float64Array.from({ length: sizeOf(shape) }, (_, i) => (i - 3) / 8), { dtype: "float64" }).reshape(shape);
  check("float64 -> float32 -> float64", (x) => x.float().double().square(), () => [dyadic([2, 3])], { eps: 2 ** -10 });
  check("float32 ops in between", (x) => x.to("float32").mul(2).add(1).to("float64").mul(x), () => [dyadic([2, 3])], { eps: 2 ** -10 });
  check("mixed float32/float64 binary promotes to float64", (x) => x.float().mul(x), () => [dyadic([6])], { eps: 2 ** -10 });
  it("gradient of a float64 leaf through a float32 path is float64", () => {
    const x = dyadic([3]).requiresGrad_();
    x.float().mul(3).sum().backward();
    assert.equal(x.grad!.dtype, "float64");
    assertClose(x.grad!, [3, 3, 3]);
  });
  check("clone and contiguous", (x) => x.clone().mul(x.T.contiguous().T), () => [rnd([2, 3])]);
});

// ---- reductions -------------------------------------------------------------------------------------

suite("reductions", () => {
  const s = [2, 3, 4];
  const dims: [string, number | number[] | undefined][] = [["all", undefined], ["0", 0], ["1", 1], ["-1", -1], ["[0,2]", [0, 2]], ["[-1,-3]", [-1, -3]]];
  for (const [label, dim] of dims) {
    for (const keepdim of [false, true]) {
      const k = `dim ${label}${keepdim ? " keepdim" : ""}`;
      check(`sum ${k}`, (x) => x.sum(dim, keepdim), () => [rnd(s)]);
      check(`mean ${k}`, (x) => x.mean(dim, keepdim), () => [rnd(s)]);
      check(`max ${k}`, (x) => x.max(dim, keepdim), () => [rnd(s)]);
      check(`min ${k}`, (x) => ds.min(x, dim, keepdim), () => [rnd(s)]);
      check(`prod ${k}`, (x) => x.prod(dim, keepdim), () => [rnd(s, 0.5, 1.5)]);
      check(`var ${k}`, (x) => x.var(dim, { keepdim }), () => [rnd(s)]);
      check(`std ${k}`, (x) => x.std(dim, keepdim), () => [rnd(s)]);
      check(`logsumexp ${k}`, (x) => x.logsumexp(dim, keepdim), () => [rnd(s, -3, 3)]);
    }
  }
  check("prod with one zero, two zeros and no zero per line", (x) => x.prod(1), () => [f64([[0.5, 0, 2, 1.5], [0, 3, 0, 0.7], [1.2, -0.8, 0.9, 2], [0, 0, 0, 0]])]);
  check("prod over all with one zero", (x) => x.prod(), () => [f64([[0.5, 0, 2], [1.5, -3, 0.7]])]);
  check("prod over all with two zeros", (x) => x.prod(), () => [f64([[0.5, 0, 2], [1.5, 0, 0.7]])]);
  check("prod over dims [0,2] keepdim with zeros", (x) => x.prod([0, 2], true), () => [f64([[[0.5, 0], [2, 1.5]], [[-1, 0.5], [0, 0]]])]);
  check("var correction 0", (x) => x.var(1, { correction: 0 }), () => [rnd([3, 4])]);
  check("var unbiased false", (x) => ds.var(x, [0, 1], { unbiased: false, keepdim: true }), () => [rnd([3, 4])]);
  check("var correction 2", (x) => x.var(undefined, { correction: 2 }), () => [rnd([3, 4])]);
  check("std correction 0 over -1", (x) => ds.std(x, -1, { correction: 0 }), () => [rnd([3, 4])]);
  for (const d of [0, 1, -1]) {
    check(`softmax dim ${d}`, (x) => x.softmax(d), () => [rnd(s, -3, 3)]);
    check(`logSoftmax dim ${d}`, (x) => F.logSoftmax(x, d), () => [rnd(s, -3, 3)]);
    check(`cumsum dim ${d}`, (x) => x.cumsum(d), () => [rnd(s)]);
  }
  it("max/min ties share the gradient evenly", () => {
    const x = f64([[1, 3, 3], [2, 0, 2]]).requiresGrad_();
    x.max(1).sum().backward();
    assertClose(x.grad!, [[0, 0.5, 0.5], [0.5, 0, 0.5]], { atol: 0 });
    const y = f64([[1, 3, 3], [0, 0, 2]]).requiresGrad_();
    y.min().backward();
    assertClose(y.grad!, [[0, 0, 0], [0.5, 0.5, 0]], { atol: 0 });
  });
  it("softmax and logsumexp with -inf (masked) entries", () => {
    const mask = ds.tensor([[false, true, false, true], [true, false, false, false]]);
    gradcheck((x) => x.maskedFill(mask, -Infinity).softmax(-1), [rnd([2, 4])]);
    gradcheck((x) => x.maskedFill(mask, -Infinity).logsumexp(-1), [rnd([2, 4])]);
    gradcheck((x) => x.maskedFill(mask, -Infinity).logSoftmax(-1).maskedFill(mask, 0), [rnd([2, 4])]);
  });
  check("reduction over a size-1 dim and of a 0-d tensor", (x, y) => x.sum(1).add(x.max(1, true).squeeze(1)).mul(y.sum()), () => [rnd([3, 1]), f64(0.7)]);
  check("softmax with large logits", (x) => ds.softmax(x.mul(100), 1), () => [rnd([2, 3], -0.05, 0.05)]);
  check("cumsum of a 1-d tensor", (x) => ds.cumsum(x, 0), () => [rnd([5])]);
  check("mean then pow (reduction chains)", (x) => x.mean(0).pow(2).sum(-1, true).sqrt(), () => [pos([3, 4])]);
});

// ---- linear algebra -------------------------------------------------------------------------------

suite("matmul, dot, outer", () => {
  const cases: [string, number[], number[]][] = [
    ["1-d @ 1-d", [4], [4]],
    ["1-d @ 2-d", [3], [3, 4]],
    ["2-d @ 1-d", [2, 3], [3]],
    ["2-d @ 2-d", [2, 3], [3, 4]],
    ["3-d @ 2-d", [2, 3, 4], [4, 2]],
    ["2-d @ 3-d", [3, 4], [2, 4, 2]],
    ["batched 3-d @ 3-d", [2, 2, 3], [2, 3, 2]],
    ["batch broadcast [2,1,2,3] @ [3,3,2]", [2, 1, 2, 3], [3, 3, 2]],
    ["batch broadcast [1,2,3] @ [2,3,2]", [1, 2, 3], [2, 3, 2]],
    ["1-d @ 3-d", [3], [2, 3, 2]],
    ["3-d @ 1-d", [2, 2, 3], [3]],
  ];
  for (const [label, sa, sb] of cases) check(`matmul ${label}`, (a, b) => a.matmul(b), () => [rnd(sa), rnd(sb)]);
  check("matmul with the same operand twice (x @ x.T)", (x) => x.matmul(x.T), () => [rnd([3, 2])]);
  check("dot", (a, b) => a.dot(b), () => [rnd([5]), rnd([5])]);
  check("outer", (a, b) => ds.outer(a, b), () => [rnd([3]), rnd([4])]);
});

// ---- non-contiguous inputs -----------------------------------------------------------------------

suite("non-contiguous inputs", () => {
  // Views made inside fn.
  check("transposed into matmul", (a, b) => a.T.matmul(b.transpose(0, 1)), () => [rnd([3, 2]), rnd([4, 3])]);
  check("transposed into unary and binary", (a, b) => a.T.exp().mul(b), () => [rnd([3, 2]), rnd([2, 3])]);
  check("stepped slice into ops", (x) => x.slice([0, 1], [null, null], [2, 2]).sin().mul(x.slice([1, 0], [null, 3], [2, 1]).sum(-1, true)), () => [rnd([4, 5])]);
  check("expanded into ops", (x, y) => x.expand(3, 4).mul(y).exp().add(x.expand([3, 4]).T.T), () => [rnd([3, 1]), rnd([3, 4])]);
  check("flipped into ops", (x, y) => x.flip(0).mul(y.flip([0, 1])).cumsum(1), () => [rnd([3, 4]), rnd([3, 4])]);
  check("flipped and stepped into matmul", (x, y) => x.flip(1).slice([0, 0], [null, null], [1, 2]).matmul(y.T), () => [rnd([2, 6]), rnd([4, 3])]);
  check("permuted into reductions", (x) => x.permute(2, 0, 1).softmax(1).mul(x.permute([1, 2, 0]).max(0).unsqueeze(-1)).sum([0, 2]), () => [rnd([2, 3, 4])]);
  check("non-contiguous reshape (copies)", (x) => x.T.reshape([-1]).mul(ds.arange(0, 6).double()), () => [rnd([2, 3])]);
  check("non-contiguous into gather and cumsum", (x) => x.T.gather(1, i32([[1, 0], [0, 0], [1, 1]])).add(x.T.flip(0).cumsum(0).narrow(1, 0, 1)), () => [rnd([2, 3])]);
  check("transposed into conv2d", (x, w) => F.conv2d(x.transpose(2, 3), w, null, { padding: 1 }), () => [rnd([1, 2, 4, 3]), rnd([2, 2, 3, 3])]);
  check("batch-narrowed (offset) input into conv2d and maxPool2d", (x, w) => F.maxPool2d(F.conv2d(x.narrow(0, 1, 1), w, null, { padding: 1 }), 2), () => [rnd([3, 1, 4, 4]), rnd([2, 1, 3, 3])]);
  check("channel-sliced input into conv1d", (x, w) => F.conv1d(x.slice([0, 1], [null, null], [1, 2]), w, null, { stride: 2 }), () => [rnd([2, 4, 6]), rnd([1, 2, 2])]);
  check("non-contiguous into pooling", (x) => F.avgPool2d(x.transpose(2, 3).flip(3), 2, { stride: 1, padding: 1, countIncludePad: false }), () => [rnd([1, 2, 3, 4])]);
  // Views as the leaves themselves.
  it("a transposed leaf", () => gradcheck((a, b) => a.matmul(b).tanh(), [rnd([3, 2]).T, rnd([3, 4])]));
  it("a stepped-slice leaf", () => gradcheck((a) => a.exp().cumsum(0), [rnd([6, 4]).slice([1, 0], [null, null], [2, 3])]));
  it("an expanded leaf", () => gradcheck((a) => a.mul(ds.arange(0, 12).double().reshape([3, 4])), [rnd([3, 1]).expand(3, 4)]));
  it("a flipped leaf", () => gradcheck((a) => a.sin().sum(0), [rnd([3, 4]).flip([0, 1])]));
});

// ---- shape ops --------------------------------------------------------------------------------------

suite("shape ops", () => {
  const w = (y: Tensor): Tensor => y.sin(); // a nonlinearity so layout mistakes show
  check("reshape", (x) => w(x.reshape([4, 6])), () => [rnd([2, 3, 4])]);
  check("reshape -1", (x) => w(x.reshape(-1, 2)), () => [rnd([2, 3, 4])]);
  check("view", (x) => w(x.view([6, 4])), () => [rnd([2, 3, 4])]);
  check("flatten", (x) => w(x.flatten()), () => [rnd([2, 3, 4])]);
  check("flatten 1..2", (x) => w(x.flatten(1, 2)), () => [rnd([2, 3, 4])]);
  check("squeeze all", (x) => w(x.squeeze()), () => [rnd([2, 1, 3, 1])]);
  check("squeeze dim", (x) => w(x.squeeze(-1)), () => [rnd([2, 1, 3, 1])]);
  check("unsqueeze", (x) => w(x.unsqueeze(-1).unsqueeze(0)), () => [rnd([2, 3])]);
  check("permute", (x) => w(x.permute(1, 2, 0)), () => [rnd([2, 3, 4])]);
  check("transpose", (x) => w(x.transpose(0, 2)), () => [rnd([2, 3, 4])]);
  check("transpose default", (x) => w(x.transpose()), () => [rnd([2, 3, 4])]);
  check(".T", (x) => w(x.T), () => [rnd([2, 3, 4])]);
  check("expand", (x) => w(x.expand(2, -1, 4)), () => [rnd([3, 1])]);
  check("broadcastTo", (x) => w(x.broadcastTo([2, 3, 4])), () => [rnd([4])]);
  check("concat dim 1", (a, b, c) => w(ds.concat([a, b, c], 1)), () => [rnd([2, 1, 3]), rnd([2, 2, 3]), rnd([2, 3, 3])]);
  check("concat dim -1", (a, b) => w(ds.concat([a, b], -1)), () => [rnd([2, 3]), rnd([2, 2])]);
  check("concat the same tensor twice", (a) => w(ds.concat([a, a.mul(2), a], 0)), () => [rnd([2, 3])]);
  it("concat with an empty tensor", () => {
    gradcheck((a, e, b) => w(ds.concat([a, e, b], 1)), [rnd([2, 2]), ds.zeros([2, 0], { dtype: "float64" }), rnd([2, 1])], { wrt: [0, 1, 2] });
  });
  check("stack dim 0", (a, b) => w(ds.stack([a, b])), () => [rnd([2, 3]), rnd([2, 3])]);
  check("stack dim -1", (a, b) => w(ds.stack([a, b], -1)), () => [rnd([2, 3]), rnd([2, 3])]);
  check("split by size (uneven)", (x) => { const [a, b, c] = x.split(2, 1); return w(ds.concat([c, a.mul(b)], 1)); }, () => [rnd([2, 5])]);
  check("split by sections", (x) => { const [a, b] = ds.split(x, [1, 3], 0); return w(b.sum(0).add(a.squeeze(0).exp())); }, () => [rnd([4, 3])]);
  check("chunk", (x) => { const ps = x.chunk(3, -1); return w(ps[0].mul(ps[1]).add(ps[2].sum(-1, true))); }, () => [rnd([2, 6])]);
  check("slice with negative bounds and steps", (x) => w(x.slice([-3, 1], [null, -1], [2, 2])), () => [rnd([5, 6])]);
  check("narrow", (x) => w(x.narrow(1, 1, 2)), () => [rnd([3, 4])]);
  check("narrow negative start", (x) => w(ds.narrow(x, -1, -3, 2)), () => [rnd([3, 4])]);
  check("pad last dim", (x) => w(x.pad([1, 2])), () => [rnd([2, 3])]);
  check("pad two dims with a value", (x) => w(x.pad([0, 1, 2, 1], 0.5)), () => [rnd([2, 3])]);
  check("repeat", (x) => w(x.repeat(2, 1, 3)), () => [rnd([2, 2])]);
  check("tile", (x) => w(x.tile([2, 2])), () => [rnd([2, 3])]);
  check("flip", (x) => w(x.flip([0, 2])), () => [rnd([2, 3, 4])]);
  check("reshape a strided view (no copy)", (x) => w(x.slice([0, 0], [null, null], [1, 2]).reshape([2, 2, 3])), () => [rnd([4, 6])]);
  check("flatten and unsqueeze of permuted views", (x) => w(x.permute(1, 2, 0).flatten(0, 1).unsqueeze(1)), () => [rnd([2, 3, 4])]);
  check("tile with fewer reps than dims", (x) => w(x.tile([3])), () => [rnd([2, 2])]);
  check("pad of a transposed input", (x) => w(x.T.pad([1, 0, 0, 2], -1)), () => [rnd([2, 3])]);
  check("concat and stack of non-contiguous inputs", (x) => w(ds.concat([x.T, x.flip(0).T], 0).add(ds.stack([x, x.flip(1)], 0).sum(0).T.repeat(2, 1))), () => [rnd([2, 3])]);

  check("flip negative dim", (x) => w(ds.flip(x, -1)), () => [rnd([2, 3])]);
});

suite("indexing", () => {
  const w = (y: Tensor): Tensor => y.exp();
  check("index with numbers", (x) => w(x.index(1, -1)), () => [rnd([3, 4, 2])]);
  check("index with slices", (x) => w(x.index("::2", "1:", ":")), () => [rnd([5, 4, 2])]);
  check("index with Slice objects", (x) => w(x.index({ start: 1, step: 2 }, { stop: -1 })), () => [rnd([5, 4])]);
  check("index with ... and null", (x) => w(x.index("...", null, 0)), () => [rnd([2, 3, 4])]);
  check("index with an int32 tensor (duplicates, negatives)", (x) => w(x.index(":", i32([2, 0, -1, 0]))), () => [rnd([2, 4])]);
  check("index with a 2-d int32 tensor after a slice", (x) => w(x.index("1:", i32([[0, 1], [1, 1]]))), () => [rnd([3, 2])]);
  check("index with a bool mask", (x) => w(x.index(ds.tensor([[true, false, true], [false, true, true]]))), () => [rnd([2, 3, 2])]);
  check("index with a 1-d bool mask on dim 1", (x) => w(x.index(":", ds.tensor([false, true, true, false]))), () => [rnd([2, 4])]);
  check("gather dim 0 (duplicates)", (x) => w(x.gather(0, i32([[0, 1, 1], [0, 0, 2], [1, 1, 1]]))), () => [rnd([3, 3])]);
  check("gather dim -1, smaller index", (x) => w(ds.gather(x, -1, i32([[3, 3], [0, 2]]))), () => [rnd([3, 4])]);
  check("gather with an index longer than the input along dim", (x) => w(x.gather(1, i32([[0, 1, 1, 0, 1], [1, 1, 0, 0, 0]]))), () => [rnd([2, 2])]);
  check("scatter (x and src)", (x, src) => w(x.scatter(1, i32([[2, 0], [1, 3]]), src)), () => [rnd([2, 4]), rnd([2, 2])]);
  check("scatter dim 0 with a larger src", (x, src) => w(ds.scatter(x, 0, i32([[1, 0, 2]]), src)), () => [rnd([3, 3]), rnd([2, 4])]);
  check("scatter a number", (x) => w(x.scatter(1, i32([[0], [2]]), 0.5)), () => [rnd([2, 3])]);
  check("scatterAdd with duplicates", (x, src) => w(x.scatterAdd(1, i32([[1, 1, 0], [2, 2, 2]]), src)), () => [rnd([2, 3]), rnd([2, 3])]);
  check("indexSelect (duplicates)", (x) => w(x.indexSelect(1, i32([2, 0, 2]))), () => [rnd([2, 3])]);
  check("indexSelect dim 0", (x) => w(ds.indexSelect(x, 0, i32([1, 1]))), () => [rnd([2, 3])]);
  check("maskedFill", (x) => w(x.maskedFill(ds.tensor([[true, false, false], [false, true, false]]), -1)), () => [rnd([2, 3])]);
  check("maskedFill with a broadcast mask", (x) => w(ds.maskedFill(x, ds.tensor([false, true, false]), 2)), () => [rnd([2, 3])]);
});

// ---- nn.functional -------------------------------------------------------------------------------

suite("nn.functional", () => {
  check("linear", (x, wt, b) => F.linear(x, wt, b), () => [rnd([2, 3]), rnd([4, 3]), rnd([4])]);
  check("linear without bias, 3-d input", (x, wt) => F.linear(x, wt), () => [rnd([2, 2, 3]), rnd([4, 3])]);
  check("conv1d", (x, wt, b) => F.conv1d(x, wt, b), () => [rnd([2, 2, 5]), rnd([3, 2, 3]), rnd([3])]);
  check("conv1d stride 2 padding 1 dilation 2", (x, wt) => F.conv1d(x, wt, null, { stride: 2, padding: 1, dilation: 2 }), () => [rnd([1, 2, 7]), rnd([2, 2, 2])]);
  check("conv1d same even kernel", (x, wt, b) => F.conv1d(x, wt, b, { padding: "same" }), () => [rnd([1, 2, 5]), rnd([2, 2, 4]), rnd([2])]);
  check("conv1d groups 2", (x, wt, b) => F.conv1d(x, wt, b, { groups: 2 }), () => [rnd([1, 4, 4]), rnd([2, 2, 2]), rnd([2])]);
  check("conv2d", (x, wt, b) => F.conv2d(x, wt, b), () => [rnd([2, 2, 4, 4]), rnd([3, 2, 3, 3]), rnd([3])]);
  check("conv2d stride 2 padding 1", (x, wt, b) => F.conv2d(x, wt, b, { stride: 2, padding: 1 }), () => [rnd([1, 2, 5, 4]), rnd([2, 2, 3, 3]), rnd([2])]);
  check("conv2d asymmetric stride and padding", (x, wt) => F.conv2d(x, wt, null, { stride: [1, 2], padding: [0, 1] }), () => [rnd([1, 1, 4, 5]), rnd([2, 1, 2, 3])]);
  check("conv2d padding same (even kernel)", (x, wt, b) => F.conv2d(x, wt, b, { padding: "same" }), () => [rnd([1, 2, 4, 3]), rnd([2, 2, 2, 2]), rnd([2])]);
  check("conv2d padding same with dilation", (x, wt) => F.conv2d(x, wt, null, { padding: "same", dilation: 2 }), () => [rnd([1, 1, 5, 5]), rnd([1, 1, 3, 2])]);
  check("conv2d dilation 2", (x, wt) => F.conv2d(x, wt, null, { dilation: [2, 1] }), () => [rnd([1, 2, 5, 4]), rnd([2, 2, 2, 2])]);
  check("conv2d groups 2 with bias", (x, wt, b) => F.conv2d(x, wt, b, { groups: 2, padding: 1 }), () => [rnd([1, 4, 3, 3]), rnd([4, 2, 2, 2]), rnd([4])]);
  check("conv2d depthwise", (x, wt) => F.conv2d(x, wt, null, { groups: 3 }), () => [rnd([1, 3, 3, 3]), rnd([3, 1, 2, 2])]);
  check("maxPool2d", (x) => F.maxPool2d(x, 2), () => [rnd([1, 2, 4, 4])]);
  check("maxPool2d stride 1 padding 1", (x) => F.maxPool2d(x, 3, { stride: 1, padding: 1 }), () => [rnd([1, 1, 4, 4])]);
  check("maxPool2d overlapping, 3-d input", (x) => F.maxPool2d(x, [2, 3], { stride: [1, 2] }), () => [rnd([2, 3, 5])]);
  check("maxPool2d dilation 2", (x) => F.maxPool2d(x, 2, { stride: 1, dilation: 2 }), () => [rnd([1, 1, 4, 4])]);
  check("avgPool2d", (x) => F.avgPool2d(x, 2), () => [rnd([1, 2, 4, 4])]);
  check("avgPool2d padding, countIncludePad true", (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), () => [rnd([1, 2, 5, 4])]);
  check("avgPool2d padding, countIncludePad false", (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), () => [rnd([2, 1, 5, 4])]);
  check("avgPool2d padding, countIncludePad false, 3-d input", (x) => F.avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false }), () => [rnd([2, 3, 3])]);
  check("batchNorm training with weight and bias", (x, g, b) => F.batchNorm(x, null, null, { weight: g, bias: b, training: true }), () => [rnd([3, 2, 2, 2]), rnd([2]), rnd([2])]);
  check("batchNorm training, 2-d input, running stats updated", (x) => F.batchNorm(x, ds.zeros([3], { dtype: "float64" }), ds.ones([3], { dtype: "float64" }), { training: true }), () => [rnd([4, 3])]);
  check("batchNorm eval", (x, g, b) => F.batchNorm(x, f64([0.1, -0.2]), f64([0.5, 2]), { weight: g, bias: b, training: false }), () => [rnd([2, 2, 3]), rnd([2]), rnd([2])]);
  check("batchNorm eval, running stats as inputs", (x, m, v) => F.batchNorm(x, m, v, { training: false }), () => [rnd([2, 2, 3]), rnd([2]), pos([2])]);
  check("layerNorm", (x) => F.layerNorm(x, 4), () => [rnd([2, 3, 4])]);
  check("layerNorm with weight and bias over two dims", (x, g, b) => F.layerNorm(x, [3, 4], g, b), () => [rnd([2, 3, 4]), rnd([3, 4]), rnd([3, 4])]);
  check("embedding (duplicates)", (wt) => F.embedding(i32([[1, 3, 1], [0, 1, 2]]), wt), () => [rnd([4, 3])]);
  it("embedding paddingIdx: no gradient to the padding row", () => {
    const wt = rnd([4, 3]).requiresGrad_();
    F.embedding(i32([[1, 3, 1], [0, 1, 2]]), wt, 1).mul(rnd([2, 3, 3])).sum().backward();
    assertClose(wt.grad!.index(1), [0, 0, 0], { atol: 0 });
    assert.ok(Array.from(wt.grad!.index(3).dataSync()).every((v) => v !== 0));
  });
  check("dropout with a fixed seed", (x) => { ds.seed(7); return F.dropout(x, 0.3); }, () => [rnd([4, 5])]);
  check("dropout p 0.5 through a nonlinearity", (x) => { ds.seed(11); return F.dropout(x.exp(), 0.5).sin(); }, () => [rnd([3, 4])]);
  check("dropout eval is the identity", (x) => F.dropout(x, 0.5, false).mul(x), () => [rnd([3, 4])]);
  it("dropout masks and scales", () => {
    const x = ds.ones([400], { dtype: "float64" }).requiresGrad_();
    ds.seed(3);
    const y = F.dropout(x, 0.25);
    y.sum().backward();
    const g = Array.from(x.grad!.dataSync());
    const yv = Array.from(y.dataSync());
    assert.ok(g.every((v, i) => (v === 0 && yv[i] === 0) || (Math.abs(v - 4 / 3) < 1e-12 && Math.abs(yv[i] - 4 / 3) < 1e-12)));
    const dropped = g.filter((v) => v === 0).length;
    assert.ok(dropped > 60 && dropped < 140, `dropped ${dropped} of 400 at p = 0.25`);
  });
  const targets = () => i32([2, 0, 1, 2]);
  // Options are built per call: tensors made while tests register would live on the wrong backend.
  type CeOpts = Parameters<typeof F.crossEntropy>[2];
  const ceBoth = (opts: CeOpts | (() => CeOpts), t: () => Tensor = targets) => (x: Tensor) => F.crossEntropy(x, t(), typeof opts === "function" ? opts() : opts);
  for (const reduction of ["mean", "sum", "none"] as const) {
    check(`crossEntropy class indices, ${reduction}`, ceBoth({ reduction }), () => [rnd([4, 3], -2, 2)]);
    check(`crossEntropy class indices, weight, ${reduction}`, ceBoth(() => ({ reduction, weight: f64([0.2, 1, 2.5]) })), () => [rnd([4, 3], -2, 2)]);
    check(`crossEntropy ignoreIndex, ${reduction}`, ceBoth({ reduction, ignoreIndex: 1 }, () => i32([2, 1, 0, 1])), () => [rnd([4, 3], -2, 2)]);
    check(`crossEntropy labelSmoothing, ${reduction}`, ceBoth({ reduction, labelSmoothing: 0.2 }), () => [rnd([4, 3], -2, 2)]);
    check(`crossEntropy every option, ${reduction}`, ceBoth(() => ({ reduction, weight: f64([0.2, 1, 2.5]), ignoreIndex: -1, labelSmoothing: 0.1 }), () => i32([2, -1, 0, 1])), () => [rnd([4, 3], -2, 2)]);
    check(`crossEntropy probability targets (input and target), ${reduction}`, (x, p) => F.crossEntropy(x, p, { reduction }), () => [rnd([3, 4], -2, 2), pos([3, 4], 0.1, 1)]);
    check(`crossEntropy probability targets, weight and smoothing, ${reduction}`, (x, p) => F.crossEntropy(x, p, { reduction, weight: f64([1, 0.5, 2, 0.1]), labelSmoothing: 0.3 }), () => [rnd([3, 4], -2, 2), pos([3, 4], 0.1, 1)]);
  }
  check("crossEntropy weight as an input", (x, wt) => F.crossEntropy(x, targets(), { weight: wt }), () => [rnd([4, 3]), pos([3])]);
  check("crossEntropy spatial [N,C,d]", (x) => F.crossEntropy(x, i32([[0, 2], [1, 1]]), { weight: f64([1, 2, 3]), labelSmoothing: 0.1 }), () => [rnd([2, 3, 2])]);
  check("crossEntropy 1-d input", (x) => F.crossEntropy(x, i32(1), { reduction: "none" }), () => [rnd([4])]);
  check("crossEntropy 1-d probability target", (x, p) => F.crossEntropy(x, p), () => [rnd([4]), pos([4])]);
  it("crossEntropy gradient is softmax - onehot (mean over N)", () => {
    const x = rnd([2, 3]).requiresGrad_();
    F.crossEntropy(x, i32([2, 0])).backward();
    const p = x.detach().softmax(1).dataSync();
    assertClose(x.grad!, [[p[0] / 2, p[1] / 2, (p[2] - 1) / 2], [(p[3] - 1) / 2, p[4] / 2, p[5] / 2]], { atol: 1e-12 });
  });
  check("a small MLP with crossEntropy (every parameter)", (x, w1, b1, w2, b2) => F.crossEntropy(F.linear(F.linear(x, w1, b1).gelu(), w2, b2), i32([0, 2, 1]), { labelSmoothing: 0.1 }), () => [rnd([3, 4]), rnd([5, 4]), rnd([5]), rnd([3, 5]), rnd([3])]);
  check("a small convnet (conv, batchNorm, relu, pool, linear)", (x, w, g, b, wl) => {
    const h = F.batchNorm(F.conv2d(x, w, null, { padding: 1 }), null, null, { weight: g, bias: b, training: true }).elu();
    return F.linear(F.maxPool2d(h, 2).flatten(1), wl);
  }, () => [rnd([2, 1, 4, 4]), rnd([2, 1, 3, 3]), pos([2]), rnd([2]), rnd([3, 8])]);
  check("mse", (a, b) => F.mse(a, b), () => [rnd([3, 4]), rnd([3, 4])]);
  check("mse sum with broadcasting", (a, b) => F.mse(a, b, { reduction: "sum" }), () => [rnd([3, 4]), rnd([4])]);
  check("mse none", (a, b) => F.mse(a, b, { reduction: "none" }), () => [rnd([3, 4]), rnd([3, 1])]);
  it("nllLoss is the negated picked log-probability (gradient -w[t] at the target)", () => {
    const logp = rnd([3, 4], -2, 2).logSoftmax(1);
    const t = i32([1, 3, 0]);
    const x = logp.detach().requiresGrad_();
    const loss = F.nllLoss(x, t, { reduction: "sum" });
    const lv = logp.dataSync();
    assertClose(loss, -(lv[1] + lv[7] + lv[8]), { atol: 1e-12 });
    loss.backward();
    assertClose(x.grad!, [[0, -1, 0, 0], [0, 0, 0, -1], [-1, 0, 0, 0]], { atol: 1e-12 });
    // and off the simplex too, as PyTorch's nll_loss
    gradcheck((y) => F.nllLoss(y, t, { weight: f64([1, 2, 3, 4]) }), [rnd([3, 4])]);
    assertClose(F.nllLoss(f64([[1, 2], [3, 4]]), i32([1, 0]), { reduction: "none" }), [-2, -3]);
  });
});

// ---- autograd mechanics ------------------------------------------------------------------------

suite("autograd mechanics", () => {
  it("gradients accumulate over two backward calls", () => {
    const x = f64([1, 2, 3]).requiresGrad_();
    x.mul(x).sum().backward();
    x.mul(3).sum().backward();
    assertClose(x.grad!, [5, 7, 9], { atol: 1e-12 });
    assert.equal(x.grad!.dtype, "float64");
  });
  it("backward with an explicit upstream gradient on a non-scalar", () => {
    const x = f64([[1, 2], [3, 4]]).requiresGrad_();
    const y = x.pow(2);
    y.backward(f64([[1, 0.5], [-1, 2]]));
    assertClose(x.grad!, [[2, 2], [-6, 16]], { atol: 1e-12 });
    assert.throws(() => x.pow(2).backward(), /scalar/);
    assert.throws(() => x.pow(2).backward(f64([1, 2])), /shape/);
  });
  it("an explicit gradient is not aliased into .grad", () => {
    const x = f64([1, 2]).requiresGrad_();
    const g = f64([1, 1]);
    x.mul(1).backward(g);
    x.mul(1).backward(g);
    assertClose(x.grad!, [2, 2]);
    assertClose(g, [1, 1]);
  });
  it("leaves fed the same upstream storage get separate .grad storage", () => {
    const a = f64([[1, 2], [3, 4]]).requiresGrad_(), b = f64([[1, 2], [3, 4]]).requiresGrad_();
    a.reshape([4]).add(b.reshape([4])).mul(2).sum().backward();
    ds.noGrad(() => a.grad!.copy_(0));
    assertClose(b.grad!, [[2, 2], [2, 2]], { atol: 0 });
    const x = f64([[1, 2], [3, 4]]).requiresGrad_();
    const G = ds.ones([4], { dtype: "float64" });
    x.reshape([4]).backward(G);
    ds.noGrad(() => x.grad!.copy_(5));
    assertClose(G, [1, 1, 1, 1], { atol: 0 });
  });
  it("retainGraph through matmul, views and reductions gives the same gradient twice", () => {
    const x = rnd([3, 2]).requiresGrad_(), w = rnd([4, 3]).requiresGrad_();
    const y = w.matmul(x).T.reshape([-1]).softmax(0).mul(ds.arange(0, 8).double()).sum();
    y.backward(undefined, { retainGraph: true });
    const gx = Array.from(x.grad!.dataSync()), gw = Array.from(w.grad!.dataSync());
    y.backward();
    assertClose(x.grad!, gx.map((v) => 2 * v), { rtol: 1e-12, atol: 1e-15 });
    assertClose(w.grad!, gw.map((v) => 2 * v), { rtol: 1e-12, atol: 1e-15 });
    assert.equal(y.item(), y.item());
  });
  it("backward({ inputs }) accumulates only into the listed leaves", () => {
    const x = f64([1, 2]).requiresGrad_(), y = f64([3, 4]).requiresGrad_();
    x.mul(y).sum().backward(undefined, { inputs: [y] });
    assert.equal(x.grad, null);
    assertClose(y.grad!, [1, 2], { atol: 0 });
  });
  it("ds.grad with the default argnums", () => {
    const x = f64([1, -2, 3]);
    const g = ds.grad((a: Tensor) => a.pow(3).sum())(x);
    assertClose(g, [3, 12, 27], { atol: 1e-12 });
    assert.equal(x.grad, null);
    assert.equal(x.requiresGrad, false);
  });
  it("ds.grad argnums number picks one argument", () => {
    const a = f64([1, 2]), b = f64([3, 4]);
    const gb = ds.grad((x: Tensor, y: Tensor) => x.mul(y).mul(y).sum(), { argnums: 1 })(a, b);
    assertClose(gb, [6, 16], { atol: 1e-12 });
    assert.equal(a.grad, null);
    assert.equal(a.requiresGrad, false);
  });
  it("ds.valueAndGrad argnums array", () => {
    const a = f64([1, 2]), b = f64([3, 4]);
    const [v, [ga, gb]] = ds.valueAndGrad((x: Tensor, y: Tensor) => x.mul(y).sum().add(y.sum()), { argnums: [0, 1] })(a, b);
    assertClose(v, 18, { atol: 1e-12 });
    assertClose(ga, [3, 4], { atol: 1e-12 });
    assertClose(gb, [2, 3], { atol: 1e-12 });
    assert.equal(v.requiresGrad, false);
  });
  it("ds.valueAndGrad agrees with gradcheck's numeric gradient", () => {
    const x = rnd([2, 3]), y = rnd([3]);
    const fn = (a: Tensor, b: Tensor) => a.tanh().matmul(b.exp()).logsumexp(0);
    const [, [ga, gb]] = ds.valueAndGrad(fn, { argnums: [0, 1] })(x, y);
    const h = 1e-6;
    for (const [t, g] of [[x, ga], [y, gb]] as const) {
      const base = Float64Array.from(t.dataSync());
      const an = g.dataSync();
      for (let k = 0; k < base.length; k++) {
        const at = (d: number) => {
          const v = base.slice(); v[k] += d;
          const p = ds.tensor(v, { dtype: "float64" }).reshape(t.shape);
          return (t === x ? fn(p, y) : fn(x, p)).item();
        };
        const num = (at(h) - at(-h)) / (2 * h);
        assert.ok(Math.abs(num - an[k]) < 1e-6, `element ${k}: ${an[k]} vs ${num}`);
      }
    }
  });
  it("ds.grad leaves a caller's leaf and its .grad untouched, and can be called again", () => {
    const x = f64([1, 2]).requiresGrad_();
    x.mul(x).sum().backward();
    const g = ds.grad((a: Tensor) => a.mul(x).sum());
    assertClose(g(x), [1, 2], { atol: 0 });
    assertClose(g(x.mul(3)), [1, 2], { atol: 0 });
    assertClose(x.grad!, [2, 4], { atol: 0 });
  });
  it("ds.grad of a function that ignores its argument is zero", () => {
    const g = ds.grad((_a: Tensor) => f64(2).mul(3))(f64([1, 2]));
    assertClose(g, [0, 0]);
  });
  it("noGrad records nothing", () => {
    const x = f64([1, 2]).requiresGrad_();
    const y = ds.noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.throws(() => y.sum().backward(), /does not require grad/);
    const z = x.mul(2).add(ds.noGrad(() => x.exp()));
    z.sum().backward();
    assertClose(x.grad!, [2, 2]);
  });
  it("detach stops gradients", () => {
    const x = f64([1, 2]).requiresGrad_();
    const d = x.mul(3).detach();
    assert.equal(d.requiresGrad, false);
    x.mul(d).sum().backward();
    assertClose(x.grad!, [3, 6]);
  });
  it("retainGraph allows a second backward; without it the second backward fails", () => {
    const x = f64([1, 2]).requiresGrad_();
    const y = x.exp().mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    const e = [Math.E, Math.exp(2)];
    assertClose(x.grad!, [2 * e[0] * 2, 2 * e[1] * 3], { rtol: 1e-12 });
    assert.throws(() => y.backward(), /second time/);
  });
  it("a shared subexpression gets the sum of both paths", () => {
    gradcheck((x) => { const s = x.sin(); return s.mul(s.exp()).add(s.matmul(s.T).matmul(s)); }, [rnd([3, 2])]);
  });
  it("gradients reach leaves through integer-indexed and reduced branches", () => {
    gradcheck((x, y) => x.index(0).add(y.max(0)).mul(x.sum(0)), [rnd([2, 3]), rnd([4, 3])]);
  });
});
