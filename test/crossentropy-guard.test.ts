// nn.F.crossEntropy's guards against the two common misuses: probabilities where logits belong
// (a model ending in Softmax) warn once; class indices stored as floats are refused.
import { it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { resetWarnings } from "../src/core/warnings.js";

const { nn } = ds;

function captureWarnings(fn: () => void): string[] {
  const seen: string[] = [];
  const orig = console.warn;
  console.warn = (m: string) => { seen.push(String(m)); };
  try { fn(); } finally { console.warn = orig; }
  return seen;
}

it("probabilities given to crossEntropy warn once, naming nn.NLLLoss and the Softmax", () => {
  resetWarnings();
  ds.seed(0);
  const logits = ds.randn([8, 5]), y = ds.randint(0, 5, [8]);
  const quiet = captureWarnings(() => {
    nn.F.crossEntropy(logits, y);
    nn.F.crossEntropy(ds.rand([8, 5]), y); // in [0, 1] but rows do not sum to 1
    new nn.CrossEntropyLoss().call(logits.relu(), y); // rows do not sum to 1
  });
  assert.deepEqual(quiet, []);
  const probs = logits.softmax(1);
  const warnings = captureWarnings(() => {
    const loss = nn.F.crossEntropy(probs, y);
    assert.ok(Number.isFinite(loss.item()), "still computes");
    new nn.CrossEntropyLoss().call(probs, y);
    nn.F.crossEntropy(probs, y.oneHot(5).float());
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /crossEntropy takes logits/);
  assert.match(warnings[0], /nn\.NLLLoss/);
  assert.match(warnings[0], /Softmax/);
});

it("float class indices are refused with a message that says to pass int32", () => {
  const x = ds.randn([4, 3]);
  assert.throws(() => nn.F.crossEntropy(x, ds.tensor([0, 2, 1, 1])), (e: Error) => e instanceof ds.DTypeError && /holds class indices as float32; pass them as int32/.test(e.message));
  assert.throws(() => nn.F.crossEntropy(ds.randn([2, 3, 4]), ds.zeros([2, 4])), /pass them as int32/);
  assert.throws(() => nn.F.crossEntropy(ds.randn([3]), ds.tensor(1)), /pass them as int32/);
  // Float probabilities shaped like the input are still fine.
  assert.ok(Number.isFinite(nn.F.crossEntropy(x, x.softmax(1)).item()));
});
