// The fused Adam/AdamW update (three in-place kernels) against its definition, the composed
// adamUpdate: the same bits after several steps, on every backend, float32 and float64, with and
// without maximize and both kinds of weight decay.
import { it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { adamFused, adamUpdate, newAdamState, type AdamHyper } from "../src/optim/adam.js";
import { forEachBackend } from "./helpers/backends.js";

const BASE: AdamHyper = { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };

const CASES: { name: string; hyper: Partial<AdamHyper>; decoupled: boolean }[] = [
  { name: "Adam", hyper: {}, decoupled: false },
  { name: "Adam, L2 weight decay, maximize", hyper: { weightDecay: 0.1, maximize: true }, decoupled: false },
  { name: "AdamW", hyper: { weightDecay: 0.05, lr: 3e-3, betas: [0.8, 0.99] }, decoupled: true },
];

/** Runs `steps` updates from the same seeded start with one of the two implementations. */
function trajectory(dtype: "float32" | "float64", hyper: AdamHyper, decoupled: boolean, fused: boolean): Tensor[] {
  ds.seed(3);
  const p = ds.randn([7, 13], { dtype });
  const st = newAdamState(ds.zeros([7, 13], { dtype }), ds.zeros([7, 13], { dtype }));
  for (let i = 0; i < 4; i++) {
    const g = ds.randn([7, 13], { dtype }).mul(i + 1);
    ds.noGrad(() => {
      if (fused) assert.ok(adamFused(p, g, hyper, st, decoupled), "the fused path applies");
      else adamUpdate(p, g, hyper, st, decoupled, () => ds.zeros([7, 13], { dtype }));
    });
  }
  assert.equal(st.step, 4);
  return [p, st.expAvg, st.expAvgSq];
}

forEachBackend("fused Adam update", () => {
  for (const c of CASES) {
    for (const dtype of ["float32", "float64"] as const) {
      it(`${c.name} (${dtype}) matches adamUpdate bit for bit`, () => {
        const hyper = { ...BASE, ...c.hyper };
        const want = trajectory(dtype, hyper, c.decoupled, false);
        const got = trajectory(dtype, hyper, c.decoupled, true);
        for (let k = 0; k < 3; k++) assert.deepEqual(Array.from(got[k].dataSync()), Array.from(want[k].dataSync()), ["p", "expAvg", "expAvgSq"][k]);
      });
    }
  }

  it("declines amsgrad and mismatched gradients (the composed update runs instead)", () => {
    const p = ds.randn([3]);
    const st = newAdamState(ds.zeros([3]), ds.zeros([3]));
    assert.equal(adamFused(p, ds.randn([3]), { ...BASE, amsgrad: true }, st, false), false);
    assert.equal(adamFused(p, ds.randn([3], { dtype: "float64" }), BASE, st, false), false);
    assert.equal(st.step, 0);
  });
});
