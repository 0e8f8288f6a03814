// data.transforms: seeded determinism, shapes, identity cases and exact geometry (shifts, quarter
// turns, crops), noise statistics, composition.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { data } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const T = data.transforms;
const img = (n: number, c: number, h: number, w: number, dtype: "float32" | "float64" = "float32") => ds.arange(0, n * c * h * w, 1, { dtype }).reshape([n, c, h, w]);
const same = (a: ds.Tensor, b: ds.Tensor) => assert.deepEqual(a.toArray(), b.toArray());

describe("data.transforms: deterministic geometry", () => {
  it("identity parameters return the input exactly (both layouts, both dtypes)", () => {
    for (const x of [img(2, 3, 5, 4), img(1, 1, 6, 6, "float64").squeeze(0)]) {
      same(T.affine(x, {}), x);
      same(T.affine(x, { angle: 0, scale: 1, translate: [0, 0], shear: [0, 0] }), x);
      same(T.rotate(x, 360), T.rotate(x, 0));
      assert.equal(T.affine(x, {}).dtype, x.dtype);
    }
  });

  it("whole-pixel shifts move pixels exactly and fill what they uncover", () => {
    const x = img(1, 1, 4, 5);
    const y = T.shift(x, 2, -1, { fill: -1 }).reshape([4, 5]).toArray() as number[][];
    const src = x.reshape([4, 5]).toArray() as number[][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) {
      const si = i + 1, sj = j - 2;
      assert.equal(y[i][j], si < 4 && sj >= 0 ? src[si][sj] : -1, `(${i},${j})`);
    }
  });

  it("a 90° turn is a transpose and flip (counter-clockwise on screen)", () => {
    const x = img(1, 2, 5, 5, "float64");
    const y = T.rotate(x, 90);
    // Counter-clockwise: the top row becomes the left column read bottom-up → flip(transpose(x), H).
    assertClose(y, x.transpose(2, 3).flip(2).toArray(), { atol: 1e-9 });
    assertClose(T.rotate(x, 180), x.flip([2, 3]).toArray(), { atol: 1e-9 });
  });

  it("bilinear rotation keeps the mass of a centred blob and normalize standardises", () => {
    const x = ds.zeros([1, 1, 9, 9]).add(ds.tensor([[0, 0, 0, 0, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 0, 0, 0, 0]]).pad([2, 2, 2, 2]).reshape([1, 1, 9, 9]));
    const y = T.rotate(x, 30);
    assert.ok(Math.abs(y.sum().item() - 9) < 0.6, `mass ${y.sum().item()}`);
    const z = T.normalize([0.5], [0.25])(x);
    assertClose(z.max(), 2); assertClose(z.min(), -2);
  });
});

describe("data.transforms: random, seeded", () => {
  const x = ds.rand([6, 1, 12, 12]);
  const makers: [string, (seed: number) => data.transforms.Transform][] = [
    ["randomShift", (seed) => T.randomShift(3, { seed })],
    ["randomCrop", (seed) => T.randomCrop(12, { padding: 2, seed })],
    ["randomRotation", (seed) => T.randomRotation(20, { seed })],
    ["randomAffine", (seed) => T.randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.8, 1.2], shear: 10, seed })],
    ["randomResizedCrop", (seed) => T.randomResizedCrop(12, { scale: [0.5, 1], seed })],
    ["elastic", (seed) => T.elastic({ alpha: 4, sigma: 2, seed })],
    ["gaussianNoise", (seed) => T.gaussianNoise(0.1, { seed })],
    ["randomHorizontalFlip", (seed) => T.randomHorizontalFlip(0.5, { seed })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: same seed, same result; other seed, other result; shape and dtype kept`, () => {
      const a = make(7)(x), b = make(7)(x), c = make(8)(x);
      assert.deepEqual(a.shape, x.shape);
      assert.equal(a.dtype, "float32");
      same(a, b);
      assert.notDeepEqual(a.toArray(), c.toArray());
      // Successive calls of one transform draw new parameters.
      const t = make(7);
      assert.notDeepEqual(t(x).toArray(), t(x).toArray());
    });
  }

  it("each image of a batch gets its own parameters", () => {
    const one = ds.rand([1, 1, 10, 10]);
    const batch = ds.concat([one, one, one, one], 0);
    const y = T.randomShift(3, { seed: 1 })(batch);
    const firsts = [0, 1, 2, 3].map((k) => JSON.stringify(y.index(k).toArray()));
    assert.ok(new Set(firsts).size > 1, "all four copies moved alike");
  });

  it("compose with a seed is reproducible and passes its generator down; global ds.seed also works", () => {
    const mk = () => T.compose([T.randomShift(2), T.randomRotation(10), T.gaussianNoise(0.05, { clip: [0, 1] })], { seed: 3 });
    const a = mk()(x), b = mk()(x);
    same(a, b);
    assert.ok(a.min().item() >= 0 && a.max().item() <= 1, "clipped");
    ds.seed(11);
    const g1 = T.randomRotation(25)(x);
    ds.seed(11);
    same(T.randomRotation(25)(x), g1);
    same(T.randomShift(2)(x, T.generator(5)), T.randomShift(2)(x, T.generator(5)));
  });

  it("randomCrop changes the size as asked and crops of zero padding stay inside", () => {
    const y = T.randomCrop([8, 6], { seed: 0 })(x);
    assert.deepEqual(y.shape, [6, 1, 8, 6]);
    const unb = T.randomCrop(5, { seed: 0 })(x.index(0));
    assert.deepEqual(unb.shape, [1, 5, 5]);
    assert.throws(() => T.randomCrop(20)(x), /larger than/);
  });

  it("gaussianNoise has the asked standard deviation; randomApply with p=0 is the identity", () => {
    const z = ds.zeros([4, 1, 50, 50]);
    const n = T.gaussianNoise(0.2, { seed: 0 })(z);
    assert.ok(Math.abs(n.std().item() - 0.2) < 0.01, `std ${n.std().item()}`);
    same(T.randomApply(T.gaussianNoise(1), 0, { seed: 0 })(x), x);
    assert.notDeepEqual(T.randomApply(T.gaussianNoise(1), 1, { seed: 0 })(x).toArray(), x.toArray());
  });

  it("rejects non-image inputs", () => {
    assert.throws(() => T.randomShift(1)(ds.zeros([3, 3])), /\[C,H,W\] or \[N,C,H,W\]/);
    assert.throws(() => T.randomShift(1)(ds.zeros([1, 3, 3], { dtype: "int32" })), /float32 or float64/);
    assert.throws(() => T.randomShift(-1), /maxShift/);
  });
});
