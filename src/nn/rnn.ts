// Recurrent computations. The cells (rnnCell, lstmCell, gruCell) are compositions of tensor ops:
// the reference definition. recurrentSequence runs one layer and direction over a whole sequence
// as a single graph node: a fused forward (one matmul and a few fused elementwise kernels per step)
// and a hand-written backpropagation through time whose weight gradient is one matmul over all
// steps. Tests check it against the cells and against PyTorch.
import { ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import * as ir from "../ir/expr.js";
import type { Expr } from "../ir/expr.js";
import { record } from "../autograd/node.js";
import { isGradEnabled, noGrad } from "../autograd/mode.js";
import { runKernel, viewTensor } from "../prims/kernel.js";
import { linear } from "./functional.js";

/** The recurrence of a layer: Elman RNN with tanh or relu, LSTM or GRU. */
export type RnnMode = "rnn_tanh" | "rnn_relu" | "lstm" | "gru";

/** Number of gate blocks stacked in weight_ih / weight_hh (gate order i,f,g,o for LSTM; r,z,n for GRU). */
export const GATES: Record<RnnMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

// ---- cells: the composed reference ------------------------------------------------------------

/**
 * One Elman RNN step: h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).
 * @example const h1 = nn.rnn.rnnCell(x, h, wIh, wHh, bIh, bHh, "tanh");
 */
export function rnnCell(x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null, nonlinearity: "tanh" | "relu" = "tanh"): Tensor {
  const pre = linear(x, wIh, bIh).add(linear(h, wHh, bHh));
  return nonlinearity === "tanh" ? pre.tanh() : pre.relu();
}

/**
 * One LSTM step with PyTorch's gate order i, f, g, o: returns [h', c'].
 * c' = σ(f)∘c + σ(i)∘tanh(g), h' = σ(o)∘tanh(c').
 */
export function lstmCell(x: Tensor, h: Tensor, c: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null): [Tensor, Tensor] {
  const gates = linear(x, wIh, bIh).add(linear(h, wHh, bHh));
  const [i, f, g, o] = gates.chunk(4, -1);
  const c1 = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(c1.tanh()), c1];
}

/**
 * One GRU step with PyTorch's gate order r, z, n:
 * r = σ(.), z = σ(.), n = tanh(x W_inᵀ + b_in + r∘(h W_hnᵀ + b_hn)), h' = (1 - z)∘n + z∘h.
 */
export function gruCell(x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null): Tensor {
  const [ir_, iz, in_] = linear(x, wIh, bIh).chunk(3, -1);
  const [hr, hz, hn] = linear(h, wHh, bHh).chunk(3, -1);
  const r = ir_.add(hr).sigmoid(), z = iz.add(hz).sigmoid();
  const n = in_.add(r.mul(hn)).tanh();
  return n.add(z.mul(h.sub(n)));
}

// ---- fused kernels ------------------------------------------------------------------------------

const sig = (a: Expr) => ir.unary("sigmoid", a);
const tanh = (a: Expr) => ir.unary("tanh", a);
const add = (a: Expr, b: Expr) => ir.binary("add", a, b);
const sub = (a: Expr, b: Expr) => ir.binary("sub", a, b);
const mul = (...xs: Expr[]) => xs.reduce((a, b) => ir.binary("mul", a, b));
const ONE = ir.constant(1), ZERO = ir.constant(0);
/** 1 - a² (the derivative of tanh at its output a). */
const dtanh = (a: Expr) => sub(ONE, mul(a, a));
/** a(1 - a) (the derivative of the sigmoid at its output a). */
const dsig = (a: Expr) => mul(a, sub(ONE, a));

/** One elementwise kernel: f over the inputs (broadcast to shape), stored as dtype. */
function fused(op: string, dtype: Tensor["dtype"], shape: readonly number[], inputs: Tensor[], f: (...e: Expr[]) => Expr): Tensor {
  return runKernel(op, { expr: f(...inputs.map((_, i) => ir.input(i))), dtype }, inputs, shape);
}

/** Row t of x along dim 0, as a view (no graph: used under noGrad only). */
const row = (x: Tensor, t: number): Tensor => viewTensor(x, x.shape.slice(1), x.strides.slice(1), x.offset + t * x.strides[0]);
/** Columns [from, from + n) of a 2-d x (or entries of a 1-d x), as a view. */
function cols(x: Tensor, from: number, n: number): Tensor {
  const d = x.ndim - 1;
  const shape = x.shape.slice();
  shape[d] = n;
  return viewTensor(x, shape, x.strides, x.offset + from * x.strides[d]);
}

export interface SequenceInputs {
  mode: RnnMode;
  /** [T, B, G·H]: the input projections x W_ihᵀ + b_ih (plus b_hh, except for GRU) of every step. */
  xp: Tensor;
  /** [B, H] initial hidden state. */
  h0: Tensor;
  /** [B, H] initial cell state (LSTM). */
  c0?: Tensor | null;
  /** [G·H, H] recurrent weight. */
  wHh: Tensor;
  /** [G·H] recurrent bias, GRU only (its n block sits inside r∘(…)); other modes fold it into xp. */
  bHh?: Tensor | null;
  /** [T, B, 1], 1 where step t lies inside sequence b, 0 past its end (variable lengths). */
  mask?: Tensor | null;
  /** Run from the last step to the first (the reverse direction of a bidirectional layer). */
  reverse?: boolean;
}

/**
 * Runs one recurrent layer in one direction over a sequence; returns the outputs [T, B, H] (zero
 * where the mask is 0), the final hidden state and, for LSTM, the final cell state. With a mask,
 * each sequence's state is carried unchanged past its end, so the final states are those of its
 * last step (in reverse, its state starts at its last step): the same as running it alone.
 */
export function recurrentSequence(a: SequenceInputs): { output: Tensor; h: Tensor; c: Tensor | null } {
  const { mode, xp, h0, wHh } = a;
  const [T, B, GH] = xp.shape;
  const H = h0.shape[1];
  const G = GATES[mode];
  const op = mode === "lstm" ? "LSTM" : mode === "gru" ? "GRU" : "RNN";
  if (xp.ndim !== 3 || GH !== G * H || h0.ndim !== 2 || h0.shape[0] !== B || fmtShape(wHh.shape) !== fmtShape([G * H, H])) {
    throw new ShapeError(op, `inconsistent shapes: projections ${fmtShape(xp.shape)}, h0 ${fmtShape(h0.shape)}, weight_hh ${fmtShape(wHh.shape)}`);
  }
  const lstm = mode === "lstm", gru = mode === "gru";
  const c0 = lstm ? a.c0! : null;
  const bHh = gru ? a.bHh ?? null : null;
  const mask = a.mask ?? null;
  const dtype = xp.dtype;
  const BH = [B, H];
  const inputs = [xp, h0, ...(c0 ? [c0] : []), wHh, ...(bHh ? [bHh] : [])];
  const needGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const time = (k: number) => (a.reverse ? T - 1 - k : k);
  const m = (t: number) => (mask ? row(mask, t) : null);
  // `masked(m, e, other)`: e where the step is inside the sequence, else other.
  const masked = (mi: Expr | null, e: Expr, other: Expr) => (mi ? ir.where(mi, e, other) : e);

  // Saved per step (processing order) for the backward pass.
  const hs: Tensor[] = [h0];
  const cs: Tensor[] = c0 ? [c0] : [];
  const acts: Tensor[] = []; // lstm: σ/tanh gates [B,4H]; gru: r,z [B,2H]; rnn: the new state
  const hns: Tensor[] = [], ns: Tensor[] = []; // gru: h W_hnᵀ + b_hn, and n
  const outs: Tensor[] = new Array(T);

  let saved: Tensor[] = [];
  const Y = noGrad(() => ds.scope(() => {
    const wT = wHh.transpose(0, 1).contiguous();
    // lstm: 1 on the g block, which takes tanh (the others take σ).
    const gBlock = lstm ? ds.concat([ds.zeros([2 * H], { dtype }), ds.ones([H], { dtype }), ds.zeros([H], { dtype })]) : null;
    let h = h0, c = c0;
    for (let k = 0; k < T; k++) {
      const t = time(k), x = row(xp, t), mt = m(t), mi = mt ? [mt] : [];
      const hh = h.matmul(wT);
      let out: Tensor;
      if (lstm) {
        const act = fused(op, dtype, [B, G * H], [x, hh, gBlock!], (x, y, isg) => ir.where(isg, tanh(add(x, y)), sig(add(x, y))));
        const [i, f, g, o] = [0, 1, 2, 3].map((j) => cols(act, j * H, H));
        const cNew = fused(op, dtype, BH, [f, c!, i, g, ...mi], (f, c, i, g, mm) => masked(mm ?? null, add(mul(f, c), mul(i, g)), c));
        const hNew = fused(op, dtype, BH, [o, cNew, h, ...mi], (o, c, h, mm) => masked(mm ?? null, mul(o, tanh(c)), h));
        out = mt ? fused(op, dtype, BH, [hNew, mt], (h, mm) => ir.where(mm, h, ZERO)) : hNew;
        acts.push(act);
        c = cNew;
        cs.push(c);
        h = hNew;
      } else if (gru) {
        const b = bHh ?? ds.zeros([G * H], { dtype });
        const rz = fused(op, dtype, [B, 2 * H], [cols(x, 0, 2 * H), cols(hh, 0, 2 * H), cols(b, 0, 2 * H)], (x, y, bb) => sig(add(add(x, y), bb)));
        const hn = fused(op, dtype, BH, [cols(hh, 2 * H, H), cols(b, 2 * H, H)], add);
        const n = fused(op, dtype, BH, [cols(x, 2 * H, H), cols(rz, 0, H), hn], (x, r, hn) => tanh(add(x, mul(r, hn))));
        const hNew = fused(op, dtype, BH, [n, cols(rz, H, H), h, ...mi], (n, z, h, mm) => masked(mm ?? null, add(n, mul(z, sub(h, n))), h));
        out = mt ? fused(op, dtype, BH, [hNew, mt], (h, mm) => ir.where(mm, h, ZERO)) : hNew;
        acts.push(rz);
        hns.push(hn);
        ns.push(n);
        h = hNew;
      } else {
        const relu = mode === "rnn_relu";
        const act = (e: Expr) => (relu ? ir.unary("relu", e) : tanh(e));
        const hNew = fused(op, dtype, BH, [x, hh, h, ...mi], (x, y, h, mm) => masked(mm ?? null, act(add(x, y)), h));
        out = mt ? fused(op, dtype, BH, [hNew, mt], (h, mm) => ir.where(mm, h, ZERO)) : hNew;
        acts.push(hNew);
        h = hNew;
      }
      hs.push(h);
      outs[t] = out;
    }
    const parts = [ds.stack(outs, 0), h.unsqueeze(0), ...(c ? [c.unsqueeze(0)] : [])];
    const y = ds.concat(parts, 0);
    // Keep what backward needs; the scope frees every other temporary now.
    if (needGrad) saved = [...hs, ...cs, ...acts, ...hns, ...ns];
    return needGrad ? { y, saved } : { y };
  }).y);

  if (needGrad) {
    record(Y, op, inputs, (gY) => backwardSequence(gY), mask ? [...saved, mask] : saved);
  }
  const output = Y.narrow(0, 0, T);
  return { output, h: Y.index(T), c: lstm ? Y.index(T + 1) : null };

  // ---- backpropagation through time -------------------------------------------------------------
  function backwardSequence(gY: Tensor): (Tensor | null)[] {
    const gOut = gY.narrow(0, 0, T);
    let dh = gY.index(T).contiguous();
    let dc = lstm ? gY.index(T + 1).contiguous() : null;
    const dXp: Tensor[] = new Array(T); // time order
    const dHH: Tensor[] = new Array(T); // processing order (gru only; otherwise dXp)
    const b = gru ? bHh ?? ds.zeros([G * H], { dtype }) : null;
    for (let k = T - 1; k >= 0; k--) {
      const t = time(k), go = row(gOut, t), mt = m(t), mi = mt ? [mt] : [];
      const hPrev = hs[k];
      // The gradient reaching this step's new state: from the output (inside the sequence only) and the next step.
      let dz: Tensor;
      if (lstm) {
        const act = acts[k], cNew = cs[k + 1], cPrev = cs[k];
        const [i, f, g, o] = [0, 1, 2, 3].map((j) => cols(act, j * H, H));
        const dcT = fused(op, dtype, BH, [go, dh, o, cNew, dc!, ...mi], (go, dh, o, c, dc, mm) => {
          const tc = tanh(c);
          return masked(mm ?? null, add(dc, mul(add(go, dh), o, dtanh(tc))), ZERO);
        });
        const dzi = fused(op, dtype, BH, [dcT, g, i], (d, g, i) => mul(d, g, dsig(i)));
        const dzf = fused(op, dtype, BH, [dcT, cPrev, f], (d, cp, f) => mul(d, cp, dsig(f)));
        const dzg = fused(op, dtype, BH, [dcT, i, g], (d, i, g) => mul(d, i, dtanh(g)));
        const dzo = fused(op, dtype, BH, [go, dh, cNew, o, ...mi], (go, dh, c, o, mm) => masked(mm ?? null, mul(add(go, dh), tanh(c), dsig(o)), ZERO));
        dz = ds.concat([dzi, dzf, dzg, dzo], 1);
        dc = fused(op, dtype, BH, [dcT, f, dc!, ...mi], (d, f, dc, mm) => masked(mm ?? null, mul(d, f), dc));
        const dhPrev = dz.matmul(wHh);
        dh = mt ? fused(op, dtype, BH, [dhPrev, dh, mt], (a, d, mm) => ir.where(mm, a, d)) : dhPrev;
        dXp[t] = dz;
      } else if (gru) {
        const rz = acts[k], r = cols(rz, 0, H), z = cols(rz, H, H), n = ns[k], hn = hns[k];
        const dhT = fused(op, dtype, BH, [go, dh, ...mi], (go, dh, mm) => masked(mm ?? null, add(go, dh), ZERO));
        const dzn = fused(op, dtype, BH, [dhT, z, n], (d, z, n) => mul(d, sub(ONE, z), dtanh(n)));
        const dzz = fused(op, dtype, BH, [dhT, hPrev, n, z], (d, h, n, z) => mul(d, sub(h, n), dsig(z)));
        const dzr = fused(op, dtype, BH, [dzn, hn, r], (d, hn, r) => mul(d, hn, dsig(r)));
        const dhn = fused(op, dtype, BH, [dzn, r], (d, r) => mul(d, r));
        dXp[t] = ds.concat([dzr, dzz, dzn], 1);
        dz = ds.concat([dzr, dzz, dhn], 1);
        const dhPrev = fused(op, dtype, BH, [dz.matmul(wHh), dhT, z, dh, ...mi], (a, d, z, dh, mm) => masked(mm ?? null, add(a, mul(d, z)), dh));
        dh = dhPrev;
        dHH[k] = dz;
      } else {
        const hNew = acts[k];
        const deriv = (h: Expr) => (mode === "rnn_relu" ? ir.cast(dtype, ir.binary("gt", h, ZERO)) : dtanh(h));
        dz = fused(op, dtype, BH, [go, dh, hNew, ...mi], (go, dh, h, mm) => masked(mm ?? null, mul(add(go, dh), deriv(h)), ZERO));
        const dhPrev = dz.matmul(wHh);
        dh = mt ? fused(op, dtype, BH, [dhPrev, dh, mt], (a, d, mm) => ir.where(mm, a, d)) : dhPrev;
        dXp[t] = dz;
      }
    }
    // Weight gradient: all steps in one matmul, [G·H, T·B] @ [T·B, H].
    const dAll = gru ? ds.stack(dHH, 0) : ds.stack(a.reverse ? [...dXp].reverse() : dXp, 0);
    const hPrevAll = ds.stack(hs.slice(0, T), 0).reshape([T * B, H]);
    const dW = dAll.reshape([T * B, G * H]).transpose(0, 1).matmul(hPrevAll);
    const grads: (Tensor | null)[] = [xp.requiresGrad ? ds.stack(dXp, 0) : null, dh];
    if (c0) grads.push(dc);
    grads.push(dW);
    if (bHh) grads.push(dAll.sum([0, 1]));
    return grads;
  }
}
