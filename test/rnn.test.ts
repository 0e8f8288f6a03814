// Sequence layers: RNN/LSTM/GRU, the cells and the Transformer encoder against PyTorch 1.13
// (test/fixtures/rnn.json from tools/gen_rnn_fixtures.py: outputs, final states and gradients of
// inputs, initial states and parameters, variable-length batches through pack_padded_sequence);
// the fused sequence kernels against the composed cells and finite differences; shapes, names,
// initialisation, lengths, truncated BPTT, dropout, errors, save/load; a short memory task.
import { before, describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, optim, io, Tensor } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forEachBackend } from "./helpers/backends.js";
import { dec, decOpts, tensorOf, type TSpec } from "./helpers/torchfix.js";
import { gradcheck } from "./helpers/gradcheck.js";

interface ModSpec { type: string; args?: unknown[]; opts?: Record<string, unknown>; layer?: ModSpec; numLayers?: number; norm?: boolean }
interface Case {
  name: string;
  module: ModSpec;
  call: "seq" | "cell" | "attn";
  dtype: "float32" | "float64";
  train: boolean;
  withState?: boolean;
  state: Record<string, TSpec>;
  inputs: TSpec[];
  forwardOpts: Record<string, unknown>;
  out: TSpec[];
  upstream: TSpec[];
  grads: { inputs: TSpec[]; params: Record<string, TSpec> };
}
/** The backend tests start with (forEachBackend suites switch it). */
const DEFAULT_BACKEND = ds.getBackend();
const doc = JSON.parse(readFileSync(new URL("./fixtures/rnn.json", import.meta.url), "utf8")) as { cases: Case[]; positional: Record<string, TSpec> };

type AnyModule = nn.Module<never[], unknown>;
type Ctor = new (...args: unknown[]) => AnyModule;

function build(spec: ModSpec): AnyModule {
  if (spec.type === "TransformerEncoder") {
    const layer = build(spec.layer!) as unknown as nn.TransformerEncoderLayer;
    const d = layer.dModel;
    return new nn.TransformerEncoder(layer, spec.numLayers!, spec.norm ? new nn.LayerNorm(d) : null) as unknown as AnyModule;
  }
  const C = (nn as unknown as Record<string, Ctor>)[spec.type];
  assert.ok(C, `no nn.${spec.type}`);
  return new C(...(spec.args ?? []), ...(spec.opts ? [decOpts(spec.opts)] : []));
}

const flatOut = (y: unknown): Tensor[] => (Array.isArray(y) ? y.flatMap(flatOut) : [y as Tensor]);

function runCase(c: Case): void {
  const tol = c.dtype === "float64" ? { rtol: 1e-6, atol: 1e-9 } : { rtol: 2e-4, atol: 2e-5 };
  const close = (a: Tensor, e: TSpec, what: string) => {
    assert.deepEqual(a.shape, e.shape, `${c.name}: ${what} shape`);
    assertClose(a, e.data.map(dec), { ...tol, msg: `${c.name}: ${what}` });
  };
  const m = build(c.module).to(c.dtype).train(c.train);
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), `${c.name}: state-dict keys (names and order)`);
  m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensorOf(v)])));
  const xs = c.inputs.map((s) => tensorOf(s, true));
  const opts = decOpts(c.forwardOpts) as Record<string, unknown>;
  const call = (m as unknown as { call(...a: unknown[]): unknown }).call.bind(m);
  const lstm = c.module.type === "LSTM" || c.module.type === "LSTMCell";
  const state = !c.withState ? null : lstm ? [xs[1], xs[2]] : xs[1];
  const y = c.call === "seq" ? call(xs[0], state, opts) : c.call === "cell" ? (state ? call(xs[0], state) : call(xs[0])) : call(xs[0], opts);
  const outs = flatOut(y);
  assert.equal(outs.length, c.out.length, `${c.name}: number of outputs`);
  outs.forEach((o, i) => close(o, c.out[i], `output ${i}`));
  outs.map((o, i) => o.mul(tensorOf(c.upstream[i])).sum()).reduce((a, b) => a.add(b)).backward();
  xs.forEach((x, i) => close(x.grad ?? ds.zerosLike(x), c.grads.inputs[i], `grad of input ${i}`));
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params), Object.keys(c.grads.params), `${c.name}: parameter names`);
  for (const [k, g] of Object.entries(c.grads.params)) close(params[k].grad ?? ds.zerosLike(params[k]), g, `grad of ${k}`);
}

forEachBackend("sequence layers vs PyTorch", () => {
  const groups = new Map<string, Case[]>();
  for (const c of doc.cases) groups.set(c.module.type, [...(groups.get(c.module.type) ?? []), c]);
  for (const [g, cases] of groups) {
    describe(g, () => {
      for (const c of cases) it(c.name, () => ds.scope(() => runCase(c)));
    });
  }
});

// ---- the fused sequence kernels -------------------------------------------------------------------

const f64 = (shape: readonly number[]) => ds.randn(shape, { dtype: "float64" });

describe("fused recurrentSequence", () => {
  before(() => ds.setBackend(DEFAULT_BACKEND));
  const T = 4, B = 3, H = 3;
  const lengths: number[] = [4, 1, 3];
  const mask = () => ds.tensor(Array.from({ length: T * B }, (_, k) => (Math.floor(k / B) < lengths[k % B] ? 1 : 0)), { dtype: "float64" }).reshape([T, B, 1]);
  for (const mode of ["rnn_tanh", "rnn_relu", "lstm", "gru"] as const) {
    for (const [label, useMask, reverse] of [["", false, false], [" reverse", false, true], [" masked", true, false], [" masked reverse", true, true]] as const) {
      it(`${mode}${label}: gradients match finite differences`, () => {
        ds.seed(7);
        const G = nn.rnn.GATES[mode];
        const lstm = mode === "lstm", gru = mode === "gru";
        const inputs = [f64([T, B, G * H]), f64([B, H]).mul(0.5), ...(lstm ? [f64([B, H])] : []), f64([G * H, H]).mul(0.6), ...(gru ? [f64([G * H]).mul(0.5)] : [])];
        const m = useMask ? mask() : null;
        gradcheck((...xs) => {
          const [xp, h0] = xs;
          const c0 = lstm ? xs[2] : null;
          const wHh = xs[lstm ? 3 : 2];
          const bHh = gru ? xs[3] : null;
          const r = nn.rnn.recurrentSequence({ mode, xp, h0, c0, wHh, bHh, mask: m, reverse });
          return ds.concat([r.output.reshape([-1]), r.h.reshape([-1]), ...(r.c ? [r.c.reshape([-1])] : [])]);
        }, inputs, { name: `${mode}${label}`, rtol: 1e-5, atol: 1e-7 });
      });
    }
  }

  it("equals stepping the composed cells (LSTM, GRU, RNN; outputs and gradients)", () => {
    ds.seed(3);
    for (const kind of ["LSTM", "GRU", "RNN"] as const) {
      const m = (kind === "LSTM" ? new nn.LSTM(4, 5) : kind === "GRU" ? new nn.GRU(4, 5) : new nn.RNN(4, 5, { nonlinearity: "relu" })).double();
      const x = f64([6, 2, 4]).requiresGrad_(true);
      const [out] = (m as nn.GRU).call(x);
      const [wih, whh, bih, bhh] = m.layerWeights(0);
      let h = ds.zeros([2, 5], { dtype: "float64" }), c = h;
      const ref: Tensor[] = [];
      for (let t = 0; t < 6; t++) {
        const xt = x.index(t);
        if (kind === "LSTM") [h, c] = nn.rnn.lstmCell(xt, h, c, wih, whh, bih, bhh);
        else if (kind === "GRU") h = nn.rnn.gruCell(xt, h, wih, whh, bih, bhh);
        else h = nn.rnn.rnnCell(xt, h, wih, whh, bih, bhh, "relu");
        ref.push(h);
      }
      const r = ds.stack(ref, 0);
      assertClose(out, r.toArray(), { rtol: 1e-12, atol: 1e-12, msg: kind });
      const up = f64(out.shape);
      out.mul(up).sum().backward();
      const g1 = [x.grad!.clone(), ...m.parameters().map((p) => p.grad!.clone())];
      x.grad = null;
      for (const p of m.parameters()) p.grad = null;
      r.mul(up).sum().backward();
      const g2 = [x.grad!, ...m.parameters().map((p) => p.grad!)];
      g1.forEach((g, i) => assertClose(g, g2[i].toArray(), { rtol: 1e-10, atol: 1e-12, msg: `${kind} grad ${i}` }));
    }
  });
});

// ---- layers ---------------------------------------------------------------------------------------

describe("recurrent layers", () => {
  before(() => ds.setBackend(DEFAULT_BACKEND));
  it("have PyTorch's parameter names, shapes and U(±1/√hidden) initialisation", () => {
    ds.seed(0);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
    assert.deepEqual(lstm.namedParameters().map(([k, p]) => [k, p.shape]), [
      ["weight_ih_l0", [16, 3]], ["weight_hh_l0", [16, 4]], ["bias_ih_l0", [16]], ["bias_hh_l0", [16]],
      ["weight_ih_l0_reverse", [16, 3]], ["weight_hh_l0_reverse", [16, 4]], ["bias_ih_l0_reverse", [16]], ["bias_hh_l0_reverse", [16]],
      ["weight_ih_l1", [16, 8]], ["weight_hh_l1", [16, 4]], ["bias_ih_l1", [16]], ["bias_hh_l1", [16]],
      ["weight_ih_l1_reverse", [16, 8]], ["weight_hh_l1_reverse", [16, 4]], ["bias_ih_l1_reverse", [16]], ["bias_hh_l1_reverse", [16]],
    ]);
    const gru = new nn.GRU(5, 64, { bias: false });
    assert.deepEqual(gru.namedParameters().map(([k, p]) => [k, p.shape]), [["weight_ih_l0", [192, 5]], ["weight_hh_l0", [192, 64]]]);
    const w = Array.from(gru.weightHhL0.dataSync() as Float32Array);
    const bound = 1 / Math.sqrt(64);
    assert.ok(Math.max(...w.map(Math.abs)) <= bound && Math.max(...w.map(Math.abs)) > 0.95 * bound);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    assert.ok(Math.abs(variance - bound ** 2 / 3) < 0.1 * bound ** 2 / 3, `variance ${variance}`);
    assert.deepEqual(new nn.LSTMCell(3, 2).namedParameters().map(([k, p]) => [k, p.shape]), [["weight_ih", [8, 3]], ["weight_hh", [8, 2]], ["bias_ih", [8]], ["bias_hh", [8]]]);
    assert.equal(lstm.toString(), "LSTM(3, 4, numLayers=2, bidirectional=true)");
  });

  it("return PyTorch's shapes: output [T,B,D·H] (or batch-first), states [L·D,B,H], unbatched", () => {
    ds.seed(0);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const [out, [h, c]] = lstm.call(ds.randn([2, 5, 3]));
    assert.deepEqual([out.shape, h.shape, c.shape], [[2, 5, 8], [4, 2, 4], [4, 2, 4]]);
    const gru = new nn.GRU(3, 4, { numLayers: 3 });
    const [o2, h2] = gru.call(ds.randn([5, 3]));
    assert.deepEqual([o2.shape, h2.shape], [[5, 4], [3, 4]]);
    // The last output of a one-directional layer is its final state.
    assertClose(o2.index(4), h2.index(2).toArray());
  });

  it("lengths give each sequence the result it gets alone (outputs zero past its end)", () => {
    ds.seed(5);
    for (const m of [new nn.LSTM(3, 4, { bidirectional: true, numLayers: 2 }), new nn.GRU(3, 4, { bidirectional: true, batchFirst: true })]) {
      m.double();
      const bf = m.batchFirst;
      const lengths = [5, 2, 4];
      const x = f64(bf ? [3, 5, 3] : [5, 3, 3]);
      const [out, st] = (m as nn.GRU).call(x, null, { lengths: ds.tensor(lengths, { dtype: "int32" }) });
      const hN = Array.isArray(st) ? st[0] : st;
      lengths.forEach((n, b) => {
        const xb = bf ? x.index(b).narrow(0, 0, n) : x.index(":", b).narrow(0, 0, n);
        const [ob, sb] = (m as nn.GRU).call(xb);
        const hb = Array.isArray(sb) ? sb[0] : sb;
        const outB = bf ? out.index(b) : out.index(":", b);
        assertClose(outB.narrow(0, 0, n), ob.toArray(), { rtol: 1e-12, atol: 1e-12, msg: `seq ${b} outputs` });
        if (n < 5) assert.equal(outB.narrow(0, n, 5 - n).abs().max().item(), 0, "zero past the end");
        assertClose(hN.index(":", b), hb.toArray(), { rtol: 1e-12, atol: 1e-12, msg: `seq ${b} final state` });
      });
    }
  });

  it("truncated BPTT: a detached state stops gradients at the chunk boundary", () => {
    ds.seed(1);
    const lstm = new nn.LSTM(2, 3);
    const x1 = ds.randn([4, 1, 2]).requiresGrad_(true), x2 = ds.randn([4, 1, 2]);
    const [, [h, c]] = lstm.call(x1);
    const [out2] = lstm.call(x2, [h.detach(), c.detach()]);
    out2.sum().backward();
    assert.equal(x1.grad, null, "no gradient reaches the first chunk");
    assert.ok(lstm.weightHhL0.grad!.abs().sum().item() > 0);
    const [outFull] = lstm.call(ds.concat([x1, x2], 0));
    assertClose(outFull.narrow(0, 4, 4), out2.toArray(), { rtol: 1e-5, msg: "chunked forward equals the full forward" });
  });

  it("dropout acts between layers in training mode only", () => {
    ds.seed(2);
    const gru = new nn.GRU(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = ds.randn([6, 4, 3]);
    const [a] = gru.call(x), [b] = gru.call(x);
    assert.ok(a.sub(b).abs().max().item() > 1e-3, "two training passes differ");
    gru.eval();
    const [c] = gru.call(x), [d] = gru.call(x);
    assert.equal(c.sub(d).abs().max().item(), 0);
  });

  it("bad input gets clear errors", () => {
    const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
    const x = ds.randn([5, 2, 3]);
    assert.throws(() => lstm.call(ds.randn([5, 2, 7])), { name: "ShapeError", message: /LSTM: input.size\(-1\) must be equal to inputSize: expected 3, got 7/ });
    assert.throws(() => lstm.call(ds.randn([5, 2, 3, 1])), { name: "ShapeError", message: /expected input of 2 .* or 3 dims/ });
    assert.throws(() => lstm.call(x, [ds.zeros([1, 2, 4]), ds.zeros([2, 2, 4])]), { name: "ShapeError", message: /expected h0 of shape \[2,2,4\].*got \[1,2,4\]/ });
    assert.throws(() => lstm.call(x, [ds.zeros([2, 2, 4]), ds.zeros([2, 3, 4])]), { name: "ShapeError", message: /expected c0 of shape \[2,2,4\]/ });
    assert.throws(() => lstm.call(x, [ds.zeros([2, 2, 4])] as never), { name: "ArgumentError", message: /pair \[h0, c0\]/ });
    assert.throws(() => lstm.call(x, null, { lengths: [5, 6] }), { name: "ArgumentError", message: /lengths\[1\] = 6 is longer than the sequence \(5 steps\)/ });
    assert.throws(() => lstm.call(x, null, { lengths: [5, 0] }), { name: "ArgumentError", message: /lengths\[1\] = 0/ });
    assert.throws(() => lstm.call(x, null, { lengths: [5] }), { name: "ShapeError", message: /lengths has 1 entries but the batch has 2/ });
    assert.throws(() => new nn.GRU(3, 4).call(x.double()), { name: "DTypeError" });
    assert.throws(() => new nn.RNN(3, 4, { nonlinearity: "sigmoid" as never }), { name: "ArgumentError" });
    assert.throws(() => new nn.GRUCell(3, 4).call(ds.randn([2, 3]), ds.randn([3, 4])), { name: "ShapeError", message: /expected hx of shape \[2,4\]/ });
    assert.throws(() => new nn.LSTMCell(3, 4).call(ds.randn([2, 5])), { name: "ShapeError", message: /expected inputSize 3/ });
  });

  it("io.save / io.load rebuild every sequence layer", () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-rnn-"));
    ds.seed(4);
    const layers = [
      new nn.RNN(3, 4, { nonlinearity: "relu", numLayers: 2, dropout: 0.2 }), new nn.LSTM(3, 4, { bidirectional: true, batchFirst: true }),
      new nn.GRU(2, 3, { bias: false }), new nn.RNNCell(2, 3, { nonlinearity: "relu" }), new nn.LSTMCell(2, 3), new nn.GRUCell(2, 3, { bias: false }),
      new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: "gelu", normFirst: true, batchFirst: true }),
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 8, dropout: 0 }), 2, new nn.LayerNorm(8, { eps: 1e-6 })),
      new nn.PositionalEncoding(8, { dropout: 0.2, maxLen: 100, batchFirst: true }),
    ] as unknown as AnyModule[];
    for (const [i, layer] of layers.entries()) {
      const back = io.load(io.save(layer, join(dir, `l${i}.safetensors`))) as unknown as AnyModule;
      assert.equal(back.toString(), layer.toString());
      assert.deepEqual(io.describeModel(back), io.describeModel(layer));
      const a = layer.stateDict(), b = back.stateDict();
      assert.deepEqual(Object.keys(b), Object.keys(a));
      for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].dataSync()), Array.from(a[k].dataSync()), k);
    }
  });
});

// ---- Transformer ------------------------------------------------------------------------------------

describe("Transformer encoder and positional encodings", () => {
  before(() => ds.setBackend(DEFAULT_BACKEND));
  it("sinusoidalPositionalEncoding equals the PyTorch tutorial's table (even and odd dModel)", () => {
    for (const [key, spec] of Object.entries(doc.positional)) {
      const [L, d] = key.split("x").map(Number);
      assertClose(nn.sinusoidalPositionalEncoding(L, d, { dtype: "float64" }), spec.data.map(dec), { rtol: 1e-12, atol: 1e-12, msg: key });
    }
  });

  it("PositionalEncoding adds the table along the sequence dim (time-major, batch-first, unbatched)", () => {
    const pe = nn.sinusoidalPositionalEncoding(5, 4);
    const x = ds.zeros([5, 2, 4]);
    const a = new nn.PositionalEncoding(4, { dropout: 0 }).call(x);
    assertClose(a.index(":", 1), pe.toArray());
    const b = new nn.PositionalEncoding(4, { dropout: 0, batchFirst: true }).call(ds.zeros([2, 5, 4]));
    assertClose(b.index(1), pe.toArray());
    assertClose(new nn.PositionalEncoding(4, { dropout: 0 }).call(ds.zeros([5, 4])), pe.toArray());
    assert.deepEqual(Object.keys(new nn.PositionalEncoding(4).stateDict()), [], "the table is not state");
    assert.throws(() => new nn.PositionalEncoding(4, { maxLen: 3 }).call(x), { name: "ShapeError", message: /exceeds maxLen 3/ });
  });

  it("TransformerEncoder copies the layer (same starting weights) and has PyTorch's names", () => {
    ds.seed(0);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 2, new nn.LayerNorm(8));
    const names = enc.namedParameters().map(([k]) => k);
    assert.deepEqual(names.slice(0, 12), [
      "layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias", "layers.0.self_attn.out_proj.weight", "layers.0.self_attn.out_proj.bias",
      "layers.0.linear1.weight", "layers.0.linear1.bias", "layers.0.linear2.weight", "layers.0.linear2.bias",
      "layers.0.norm1.weight", "layers.0.norm1.bias", "layers.0.norm2.weight", "layers.0.norm2.bias",
    ]);
    assert.deepEqual(names.slice(-2), ["norm.weight", "norm.bias"]);
    const sd = enc.stateDict();
    assert.deepEqual(Array.from(sd["layers.1.linear1.weight"].dataSync()), Array.from(layer.linear1.weight.dataSync()));
    assert.notEqual(enc.layers.items[0].linear1.weight, enc.layers.items[1].linear1.weight, "separate parameters");
  });
});

// ---- learning: a task that needs memory ---------------------------------------------------------------

test("an LSTM learns to recall the value seen 4 steps earlier (delayed copy) to MSE < 0.02", () => {
  // Input: a random value per step in [-1, 1]; target at step t: the input at step t - 4. A model
  // without memory can only predict the mean (MSE ≈ 1/3). Seeded: about 0.002 after 250 steps.
  ds.setBackend(DEFAULT_BACKEND);
  ds.seed(0);
  const T = 10, delay = 4, B = 32;
  const lstm = new nn.LSTM(1, 16);
  const head = new nn.Linear(16, 1);
  const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.01 });
  const batch = () => {
    const x = ds.rand([T, B, 1]).mul(2).sub(1);
    const y = x.narrow(0, 0, T - delay);
    return { x, y };
  };
  let last = Infinity;
  for (let step = 0; step < 250; step++) {
    last = ds.scope(() => {
      const { x, y } = batch();
      const [out] = lstm.call(x);
      const pred = head.call(out.narrow(0, delay, T - delay));
      const loss = nn.F.mse(pred, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    });
  }
  const { x, y } = batch();
  const [out] = ds.noGrad(() => lstm.call(x));
  const mse = nn.F.mse(head.call(out.narrow(0, delay, T - delay)), y).item();
  assert.ok(mse < 0.02, `delayed-copy test MSE ${mse} (last training loss ${last})`);
});
