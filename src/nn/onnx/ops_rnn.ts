// ONNX's recurrent operators (RNN, GRU, LSTM) as step loops of deepscript ops, in ONNX's own gate
// order (LSTM i,o,f,c; GRU z,r,h) and weight layout (W [dirs, G·H, in], R [dirs, G·H, H],
// B [dirs, 2·G·H]), so gradients reach the file's initializers unchanged. Forward, reverse and
// bidirectional; layout 0 (sequence first) and 1 (batch first); the default activations only.
import { ArgumentError } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { Attrs, hostInts, need, opName, type OpContext, type OpDef } from "./attrs.js";

type Kind = "RNN" | "GRU" | "LSTM";
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTS: Record<Kind, string[][]> = { RNN: [["Tanh"], ["Relu"]], GRU: [["Sigmoid", "Tanh"]], LSTM: [["Sigmoid", "Tanh", "Tanh"]] };

function check(kind: Kind): (a: Attrs, c: OpContext) => string | null {
  return (a, c) => {
    const dirs = a.string("direction", "forward") === "bidirectional" ? 2 : 1;
    if (!["forward", "reverse", "bidirectional"].includes(a.string("direction", "forward"))) return `direction "${a.string("direction", "")}"`;
    const acts = a.strings("activations");
    if (acts) {
      const per = acts.length / dirs;
      const ok = Number.isInteger(per) && DEFAULT_ACTS[kind].some((d) => d.length === per && acts.every((s, i) => s === d[i % per])) && (dirs === 1 || acts.slice(0, per).join() === acts.slice(per).join());
      if (!ok) return `activations [${acts.join(", ")}] (only ${DEFAULT_ACTS[kind].map((d) => d.join(",")).join(" or ")})`;
    }
    if (a.has("clip")) return "clip";
    if (a.has("activation_alpha") || a.has("activation_beta")) return "activation_alpha/beta";
    if (kind === "LSTM" && a.int("input_forget", 0)) return "input_forget 1";
    if (kind === "LSTM" && c.node.inputs[7]) return "peephole weights (input P)";
    if (!a.has("hidden_size")) return "a missing hidden_size";
    return null;
  };
}

function run(kind: Kind): OpDef["run"] {
  return (x, a, c) => {
    const H = a.int("hidden_size", 0), G = GATES[kind];
    const batchFirst = a.int("layout", 0) === 1;
    const dir = a.string("direction", "forward");
    const dirs = dir === "bidirectional" ? 2 : 1;
    let X = need(x, 0, c);
    if (X.ndim !== 3) throw new ArgumentError(opName(c), `expected X of rank 3, got [${X.shape}]`);
    if (batchFirst) X = X.transpose(0, 1);
    const [T, N, I] = X.shape;
    const W = need(x, 1, c), R = need(x, 2, c), B = x[3];
    const want = (t: Tensor, shape: number[], name: string) => {
      if (t.shape.join() !== shape.join()) throw new ArgumentError(opName(c), `${name} must have shape [${shape}], got [${t.shape}]`);
    };
    want(W, [dirs, G * H, I], "W");
    want(R, [dirs, G * H, H], "R");
    if (B) want(B, [dirs, 2 * G * H], "B");
    if (x[4]) {
      const lens = hostInts(x[4]);
      if (lens.some((l) => l !== T)) throw new ArgumentError(opName(c), `sequence_lens [${lens}] shorter than the sequence (${T}) are not supported`);
    }
    const state = (i: number, name: string): Tensor | undefined => {
      let s = x[i];
      if (!s) return undefined;
      if (batchFirst) s = s.transpose(0, 1);
      want(s, [dirs, N, H], name);
      return s;
    };
    const h0 = state(5, "initial_h"), c0 = kind === "LSTM" ? state(6, "initial_c") : undefined;
    const relu = kind === "RNN" && (a.strings("activations")?.[0] ?? "Tanh") === "Relu";
    const lbr = a.int("linear_before_reset", 0) !== 0;
    const ys: Tensor[] = [], hs: Tensor[] = [], cs: Tensor[] = [];
    for (let d = 0; d < dirs; d++) {
      const reverse = dir === "reverse" || d === 1;
      const w = W.index(d), r = R.index(d);
      const wb = B ? B.index(d).narrow(0, 0, G * H) : null, rb = B ? B.index(d).narrow(0, G * H, G * H) : null;
      // Input projections of all steps at once: [T, N, G·H].
      let xp = X.matmul(w.transpose(0, 1));
      if (wb) xp = xp.add(wb);
      let h = h0 ? h0.index(d) : ds.zeros([N, H], { dtype: X.dtype });
      let cell = c0 ? c0.index(d) : ds.zeros([N, H], { dtype: X.dtype });
      const out: Tensor[] = new Array(T);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const xt = xp.index(t);
        if (kind === "GRU") {
          const rz = r.narrow(0, 0, 2 * H), rh = r.narrow(0, 2 * H, H);
          let hzr = h.matmul(rz.transpose(0, 1));
          if (rb) hzr = hzr.add(rb.narrow(0, 0, 2 * H));
          const zr = xt.narrow(1, 0, 2 * H).add(hzr).sigmoid();
          const z = zr.narrow(1, 0, H), rr = zr.narrow(1, H, H);
          const rbh = rb ? rb.narrow(0, 2 * H, H) : null;
          let hh: Tensor;
          if (lbr) {
            let lin = h.matmul(rh.transpose(0, 1));
            if (rbh) lin = lin.add(rbh);
            hh = xt.narrow(1, 2 * H, H).add(rr.mul(lin)).tanh();
          } else {
            let lin = rr.mul(h).matmul(rh.transpose(0, 1));
            if (rbh) lin = lin.add(rbh);
            hh = xt.narrow(1, 2 * H, H).add(lin).tanh();
          }
          h = hh.add(z.mul(h.sub(hh)));
        } else {
          let g = xt.add(h.matmul(r.transpose(0, 1)));
          if (rb) g = g.add(rb);
          if (kind === "RNN") h = relu ? g.relu() : g.tanh();
          else {
            const i = g.narrow(1, 0, H).sigmoid(), o = g.narrow(1, H, H).sigmoid();
            const f = g.narrow(1, 2 * H, H).sigmoid(), cc = g.narrow(1, 3 * H, H).tanh();
            cell = f.mul(cell).add(i.mul(cc));
            h = o.mul(cell.tanh());
          }
        }
        out[t] = h;
      }
      ys.push(ds.stack(out, 0)); // [T, N, H]
      hs.push(h);
      cs.push(cell);
    }
    let Y = ds.stack(ys, 1); // [T, dirs, N, H]
    let Yh = ds.stack(hs, 0), Yc = ds.stack(cs, 0); // [dirs, N, H]
    if (batchFirst) {
      Y = Y.permute([2, 0, 1, 3]);
      Yh = Yh.transpose(0, 1);
      Yc = Yc.transpose(0, 1);
    }
    return kind === "LSTM" ? [Y, Yh, Yc] : [Y, Yh];
  };
}

const RNN_ATTRS = ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout"];

/** The operators of this file by ONNX op type. */
export const RNN_OPS: Record<string, OpDef> = {
  RNN: { attrs: RNN_ATTRS, check: check("RNN"), run: run("RNN") },
  GRU: { attrs: [...RNN_ATTRS, "linear_before_reset"], check: check("GRU"), run: run("GRU") },
  LSTM: { attrs: [...RNN_ATTRS, "input_forget"], check: check("LSTM"), run: run("LSTM") },
};
