// Elementwise and reduction kernels of the js backend: each description is rendered once to a
// JavaScript function (or closure fallback) and cached by its key.
import { exprKey, type Kernel, type ReduceOp } from "../../ir/expr.js";
import type { TypedArray } from "../../core/dtype.js";
import { canGenerateCode, exprClosure, exprSource } from "./render.js";
import { erf, rint } from "./math.js";
import { roundHalf } from "../../core/half.js";
import { offsetTable } from "./strided.js";

/** (out, outOffset, outStrides, shape, inputs, inputOffsets, inputStrides) over collapsed dims. */
export type ElementwiseFn = (
  out: TypedArray, oOff: number, oStr: readonly number[], shape: readonly number[],
  arrs: readonly TypedArray[], offs: readonly number[], strs: readonly (readonly number[])[],
) => void;

/**
 * out[o] = reduce of expr over the reduced elements: kept[i][o] locates output o in input i,
 * red[i][t] the start of outer reduced block t, then Rn elements with stride rs[i].
 */
export type ReduceFn = (
  out: TypedArray, arrs: readonly TypedArray[], offs: readonly number[],
  kept: readonly Int32Array[], red: readonly Int32Array[], K: number, R0: number, Rn: number, rs: readonly number[],
) => void;

const list = (n: number, f: (i: number) => string, sep = ", ") => Array.from({ length: n }, (_, i) => f(i)).join(sep);

function elementwiseSource(expr: string, n: number): string {
  return `"use strict";
return function kernel(out, oOff, oStr, shape, arrs, offs, strs) {
  ${list(n, (i) => `const a${i} = arrs[${i}], st${i} = strs[${i}];`, "\n  ")}
  const nd = shape.length;
  const n = nd ? shape[nd - 1] : 1;
  const so = nd ? oStr[nd - 1] : 0;
  ${list(n, (i) => `const s${i} = nd ? st${i}[nd - 1] : 0;`, "\n  ")}
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= shape[d];
  const idx = new Int32Array(nd > 1 ? nd - 1 : 1);
  let po = oOff${list(n, (i) => `, p${i} = offs[${i}]`, "")};
  for (let o = 0; o < outer; o++) {
    let io = po${list(n, (i) => `, i${i} = p${i}`, "")};
    for (let j = 0; j < n; j++) {
      ${list(n, (i) => `const v${i} = a${i}[i${i}];`, " ")}
      out[io] = ${expr};
      io += so;${list(n, (i) => ` i${i} += s${i};`, "")}
    }
    for (let d = nd - 2; d >= 0; d--) {
      po += oStr[d];${list(n, (i) => ` p${i} += st${i}[d];`, "")}
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      po -= oStr[d] * shape[d];${list(n, (i) => ` p${i} -= st${i}[d] * shape[d];`, "")}
    }
  }
};`;
}

const REDUCE_STEP: Record<ReduceOp, { init: string; step: string; result: string }> = {
  sum: { init: "0", step: "acc += v;", result: "acc" },
  prod: { init: "1", step: "acc *= v;", result: "acc" },
  max: { init: "-Infinity", step: "if (v > acc || v !== v) acc = v;", result: "acc" },
  min: { init: "Infinity", step: "if (v < acc || v !== v) acc = v;", result: "acc" },
  argmax: { init: "-Infinity", step: "if (v > acc || (v !== v && acc === acc)) { acc = v; ai = r; }", result: "ai" },
  argmin: { init: "Infinity", step: "if (v < acc || (v !== v && acc === acc)) { acc = v; ai = r; }", result: "ai" },
};

function reduceSource(expr: string, n: number, op: ReduceOp): string {
  const s = REDUCE_STEP[op];
  // Outer reduced dims by offset table, the innermost (collapsed) reduced dim by stride.
  return `"use strict";
return function kernel(out, arrs, offs, kept, red, K, R0, Rn, rs) {
  ${list(n, (i) => `const a${i} = arrs[${i}], k${i} = kept[${i}], r${i} = red[${i}], o${i} = offs[${i}], s${i} = rs[${i}];`, "\n  ")}
  for (let o = 0; o < K; o++) {
    ${list(n, (i) => `const b${i} = o${i} + k${i}[o];`, " ")}
    let acc = ${s.init}, ai = 0, r = 0;
    for (let t = 0; t < R0; t++) {
      ${list(n, (i) => `let p${i} = b${i} + r${i}[t];`, " ")}
      for (let j = 0; j < Rn; j++, r++) {
        ${list(n, (i) => `const v${i} = a${i}[p${i}]; p${i} += s${i};`, " ")}
        const v = ${expr};
        ${s.step}
      }
    }
    out[o] = ${s.result};
  }
};`;
}

function closureElementwise(kernel: Kernel): ElementwiseFn {
  const f = exprClosure(kernel.expr);
  return (out, oOff, oStr, shape, arrs, offs, strs) => {
    const ot = offsetTable(shape, oStr, oOff);
    const its = arrs.map((_, k) => offsetTable(shape, strs[k], offs[k]));
    const v = new Float64Array(arrs.length);
    for (let i = 0; i < ot.length; i++) {
      for (let k = 0; k < arrs.length; k++) v[k] = arrs[k][its[k][i]];
      out[ot[i]] = f(v);
    }
  };
}

function closureReduce(kernel: Kernel): ReduceFn {
  const f = exprClosure(kernel.expr);
  const op = kernel.reduce!.op;
  return (out, arrs, offs, kept, red, K, R0, Rn, rs) => {
    const v = new Float64Array(arrs.length);
    for (let o = 0; o < K; o++) {
      let acc = op === "sum" ? 0 : op === "prod" ? 1 : op === "max" || op === "argmax" ? -Infinity : Infinity;
      let ai = 0, r = 0;
      for (let t = 0; t < R0; t++) {
        for (let j = 0; j < Rn; j++, r++) {
          for (let k = 0; k < arrs.length; k++) v[k] = arrs[k][offs[k] + kept[k][o] + red[k][t] + j * rs[k]];
          const x = f(v);
          if (op === "sum") acc += x;
          else if (op === "prod") acc *= x;
          else if (op === "max" || op === "argmax") { if (x > acc || (x !== x && (op === "max" || acc === acc))) { acc = x; ai = r; } }
          else if (x < acc || (x !== x && (op === "min" || acc === acc))) { acc = x; ai = r; }
        }
      }
      out[o] = op === "argmax" || op === "argmin" ? ai : acc;
    }
  };
}

/** Renders kernels and caches them by description. `codegen: false` forces the closure fallback. */
export class KernelCache {
  private readonly elementwise = new Map<string, ElementwiseFn>();
  private readonly reduction = new Map<string, ReduceFn>();
  constructor(private readonly codegen: boolean) {}

  getElementwise(kernel: Kernel, nIn: number): ElementwiseFn {
    const key = `${exprKey(kernel.expr)}|${nIn}`;
    let fn = this.elementwise.get(key);
    if (!fn) {
      fn = this.codegen && canGenerateCode()
        ? (new Function("rint", "erf", "f16", elementwiseSource(exprSource(kernel.expr), nIn))(rint, erf, roundHalf) as ElementwiseFn)
        : closureElementwise(kernel);
      this.elementwise.set(key, fn);
    }
    return fn;
  }

  getReduce(kernel: Kernel, nIn: number): ReduceFn {
    const op = kernel.reduce!.op;
    const key = `${exprKey(kernel.expr)}|${nIn}|${op}`;
    let fn = this.reduction.get(key);
    if (!fn) {
      fn = this.codegen && canGenerateCode()
        ? (new Function("rint", "erf", "f16", reduceSource(exprSource(kernel.expr), nIn, op))(rint, erf, roundHalf) as ReduceFn)
        : closureReduce(kernel);
      this.reduction.set(key, fn);
    }
    return fn;
  }
}
