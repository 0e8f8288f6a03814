// WGSL sources of the webgpu backend's kernels, one generator per kind. Shapes, strides and
// offsets are not baked in: they arrive per dispatch in a small uniform block (`meta`, i32 words),
// so one compiled pipeline serves every shape with the same structure (rank after collapsing
// dims, number and dtypes of inputs, expression). Element indices are i32 (storages hold at most
// 2^31 - 1 elements); workgroups beyond 65,535 spill into the y dimension of the dispatch.
import type { DType } from "../../core/dtype.js";
import type { Kernel, ReduceOp } from "../../ir/expr.js";
import { load, PRELUDE, render, store, type Typed } from "./wgsl.js";

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WG = 256;
/** Threads per output of the reduction kernel. */
export const RWG = 64;

/** The uniform block and its reader: `m(i)` is meta word i. */
function metaDecl(words: number): string {
  return `@group(0) @binding(0) var<uniform> mt: array<vec4<i32>, ${Math.max(1, Math.ceil(words / 4))}>;
fn m(i: i32) -> i32 { return mt[i >> 2u][i & 3]; }`;
}

const bufDecl = (binding: number, write: boolean, atomic = false) =>
  `@group(0) @binding(${binding}) var<storage, ${write ? "read_write" : "read"}> b${binding}: array<${atomic ? "atomic<u32>" : "u32"}>;`;

/** Linear id of this invocation over a 2-d grid of workgroups of `size` threads. */
const LINEAR = (size: number) => `(i32(wid.x + wid.y * nwg.x) * ${size} + i32(lid))`;
const ENTRY = (size: number) =>
  `@compute @workgroup_size(${size})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

/**
 * Unrolled decomposition of `idx` over `nd` dims (shape at meta word `shapeAt`), adding
 * coordinate × stride to each `offs[k]` (strides of array k at meta word `strideAt[k]`).
 */
function decompose(idx: string, nd: number, shapeAt: number, offs: string[], strideAt: number[]): string {
  if (nd === 0) return "";
  const lines = [`var rem = ${idx};`];
  for (let d = nd - 1; d >= 0; d--) {
    lines.push(`{ let s = m(${shapeAt + d}); let c = rem % s; rem = rem / s;${offs.map((o, k) => ` ${o} += c * m(${strideAt[k] + d});`).join("")} }`);
  }
  return lines.join("\n    ");
}

/** Word layout of an elementwise dispatch's meta: n, shape, then per array (out first): offset, strides. */
export function elementwiseMeta(n: number, shape: readonly number[], arrays: readonly { offset: number; strides: readonly number[] }[]): number[] {
  const out = [n, ...shape];
  for (const a of arrays) out.push(a.offset, ...a.strides);
  return out;
}

/**
 * out = expr(inputs) elementwise. `bindings[k]` is the binding input k reads (1 = the output's
 * buffer, when the kernel writes over one of its inputs). `serial` runs every element on one
 * invocation, in order (a target that overlaps itself accumulates as the js backend's loop does).
 */
export function elementwiseSource(kernel: Kernel, inDtypes: readonly DType[], bindings: readonly number[], nd: number, serial: boolean): { code: string; metaWords: number } {
  const K = 1 + inDtypes.length;
  const metaWords = 1 + nd + K * (1 + nd);
  const at = (k: number) => 1 + nd + k * (1 + nd);
  const offs = Array.from({ length: K }, (_, k) => `o${k}`);
  const value = render(kernel.expr, inDtypes);
  const nb = Math.max(1, ...bindings);
  const decls = [bufDecl(1, true)];
  for (let b = 2; b <= nb; b++) decls.push(bufDecl(b, false));
  const body = `fn elem(gi: i32) {
    ${offs.map((o, k) => `var ${o} = m(${at(k)});`).join(" ")}
    ${decompose("gi", nd, 1, offs, offs.map((_, k) => at(k) + 1))}
    ${inDtypes.map((dt, k) => `let v${k} = ${load(`b${bindings[k]}`, `o${k + 1}`, dt)};`).join("\n    ")}
    b1[o0] = ${store(value, kernel.dtype)};
}`;
  const main = serial
    ? `${ENTRY(1)} { let n = m(0); for (var i = 0; i < n; i++) { elem(i); } }`
    : `${ENTRY(WG)} { let gi = ${LINEAR(WG)}; if (gi < m(0)) { elem(gi); } }`;
  return { code: `${PRELUDE}\n${metaDecl(metaWords)}\n${decls.join("\n")}\n${body}\n${main}`, metaWords };
}

const INIT: Record<ReduceOp, { f32: string; i32: string }> = {
  sum: { f32: "0.0", i32: "0i" }, prod: { f32: "1.0", i32: "1i" },
  max: { f32: "(-inf_())", i32: "(-2147483647i - 1i)" }, min: { f32: "inf_()", i32: "2147483647i" },
  argmax: { f32: "(-inf_())", i32: "(-2147483647i - 1i)" }, argmin: { f32: "inf_()", i32: "2147483647i" },
};

/**
 * Whether (v, vi) replaces (acc, ai) in the reduction `op` — the js backend's rule: NaN wins
 * (for arg-reductions the first NaN), then the larger (smaller) value, ties to the lower index.
 */
function better(op: ReduceOp, ty: "f32" | "i32", v: string, vi: string, acc: string, ai: string): string {
  const cmp = op === "max" || op === "argmax" ? ">" : "<";
  if (ty === "i32") return `(${v} ${cmp} ${acc} || (${v} == ${acc} && ${vi} < ${ai}))`;
  if (op === "max" || op === "min") return `(isnan_(${v}) || ${v} ${cmp} ${acc})`;
  return `((isnan_(${v}) && (!isnan_(${acc}) || ${vi} < ${ai})) || (!isnan_(${acc}) && (${v} ${cmp} ${acc} || (${v} == ${acc} && ${vi} < ${ai}))))`;
}

/** Word layout of a reduction's meta: K, R, kept shape, reduced shape, per input: offset, kept strides, reduced strides. */
export function reduceMeta(keptShape: readonly number[], redShape: readonly number[], inputs: readonly { offset: number; kept: readonly number[]; red: readonly number[] }[]): number[] {
  const K = keptShape.reduce((a, b) => a * b, 1), R = redShape.reduce((a, b) => a * b, 1);
  const out = [K, R, ...keptShape, ...redShape];
  for (const v of inputs) out.push(v.offset, ...v.kept, ...v.red);
  return out;
}

/**
 * out[o] = reduce over the reduced elements of expr(inputs): one workgroup of RWG threads per
 * output; each thread folds a strided share, then a tree in workgroup memory combines them
 * (pairwise, so float sums are more accurate than one running sum).
 */
export function reduceSource(kernel: Kernel, inDtypes: readonly DType[], ndk: number, ndr: number): { code: string; metaWords: number } {
  const op = kernel.reduce!.op;
  const n = inDtypes.length;
  const per = 1 + ndk + ndr;
  const metaWords = 2 + ndk + ndr + n * per;
  const at = (k: number) => 2 + ndk + ndr + k * per;
  const value: Typed = render(kernel.expr, inDtypes);
  const ty = value.ty;
  const arg = op === "argmax" || op === "argmin";
  const step = op === "sum" ? "acc = acc + v;" : op === "prod" ? "acc = acc * v;" : `if (${better(op, ty, "v", "r", "acc", "ai")}) { acc = v; ai = r; }`;
  const combine = op === "sum" ? "sv[l] = sv[l] + sv[l + s];" : op === "prod" ? "sv[l] = sv[l] * sv[l + s];"
    : `if (${better(op, ty, "sv[l + s]", "si[l + s]", "sv[l]", "si[l]")}) { sv[l] = sv[l + s]; si[l] = si[l + s]; }`;
  const base = Array.from({ length: n }, (_, k) => `q${k}`);
  const ptr = Array.from({ length: n }, (_, k) => `p${k}`);
  const decls = [bufDecl(1, true), ...inDtypes.map((_, k) => bufDecl(k + 2, false))];
  const code = `${PRELUDE}
${metaDecl(metaWords)}
${decls.join("\n")}
var<workgroup> sv: array<${ty}, ${RWG}>;
var<workgroup> si: array<i32, ${RWG}>;
${ENTRY(RWG)} {
  let o = i32(wid.x + wid.y * nwg.x);
  if (o >= m(0)) { return; }
  let R = m(1);
  let l = i32(lid);
  ${base.map((b, k) => `var ${b} = m(${at(k)});`).join(" ")}
  {
    ${decompose("o", ndk, 2, base, base.map((_, k) => at(k) + 1))}
  }
  var acc: ${ty} = ${INIT[op][ty]};
  var ai: i32 = 0;
  for (var r = l; r < R; r += ${RWG}) {
    ${ptr.map((p, k) => `var ${p} = ${base[k]};`).join(" ")}
    ${decompose("r", ndr, 2 + ndk, ptr, ptr.map((_, k) => at(k) + 1 + ndk))}
    ${inDtypes.map((dt, k) => `let v${k} = ${load(`b${k + 2}`, `p${k}`, dt)};`).join("\n    ")}
    let v: ${ty} = ${value.code};
    ${step}
  }
  sv[l] = acc;
  si[l] = ai;
  workgroupBarrier();
  for (var s = ${RWG / 2}; s > 0; s = s >> 1u) {
    if (l < s) { ${combine} }
    workgroupBarrier();
  }
  if (l == 0) { b1[o] = ${store(arg ? { code: "si[0]", ty: "i32" } : { code: "sv[0]", ty }, kernel.dtype)}; }
}`;
  return { code, metaWords };
}

/** Meta of gather: n, size of dim, stride of dim in x, shape, then out/x/index offsets and strides. */
export function gatherSource(iDtype: DType, nd: number): { code: string; metaWords: number } {
  const metaWords = 3 + nd + 3 * (1 + nd);
  const at = (k: number) => 3 + nd + k * (1 + nd);
  const offs = ["oo", "ox", "oi"];
  const j = iDtype === "float32" ? `toi32(${load("b3", "oi", iDtype)})` : load("b3", "oi", iDtype);
  const code = `${PRELUDE}
${metaDecl(metaWords)}
${bufDecl(1, true)}
${bufDecl(2, false)}
${bufDecl(3, false)}
${bufDecl(4, true)}
${ENTRY(WG)} {
  let gi = ${LINEAR(WG)};
  if (gi >= m(0)) { return; }
  ${offs.map((o, k) => `var ${o} = m(${at(k)});`).join(" ")}
  ${decompose("gi", nd, 3, offs, offs.map((_, k) => at(k) + 1))}
  let j = ${j};
  if (j < 0 || j >= m(1)) { b4[0] = 1u; b4[1] = bitcast<u32>(j); b1[oo] = 0u; return; }
  b1[oo] = b2[ox + j * m(2)];
}`;
  return { code, metaWords };
}

/**
 * Scatter into `out` (a contiguous copy of the base, already made): out[.. index ..] = src
 * ("set") or += src ("add", by compare-and-swap on the word, so repeated indices all count).
 * Meta: n, size of dim, stride of dim in out, shape, then out/index/src offsets and strides.
 */
export function scatterSource(outDtype: DType, iDtype: DType, sDtype: DType, nd: number, mode: "set" | "add"): { code: string; metaWords: number } {
  const metaWords = 3 + nd + 3 * (1 + nd);
  const at = (k: number) => 3 + nd + k * (1 + nd);
  const offs = ["oo", "oi", "os"];
  const j = iDtype === "float32" ? `toi32(${load("b2", "oi", iDtype)})` : load("b2", "oi", iDtype);
  const src: Typed = { code: load("b3", "os", sDtype), ty: sDtype === "float32" ? "f32" : "i32" };
  const cty = outDtype === "float32" ? "f32" : "i32";
  const conv = (t: Typed) => (t.ty === cty ? t.code : cty === "f32" ? `f32(${t.code})` : `toi32(${t.code})`);
  const write = mode === "set"
    ? `atomicStore(&b1[p], ${store(src, outDtype)});`
    : outDtype === "float32"
      ? `let add = ${conv(src)};
  loop {
    let old = atomicLoad(&b1[p]);
    let r = atomicCompareExchangeWeak(&b1[p], old, bitcast<u32>(bitcast<f32>(old) + add));
    if (r.exchanged) { break; }
  }`
      : `atomicAdd(&b1[p], bitcast<u32>(${conv(src)}));`;
  const code = `${PRELUDE}
${metaDecl(metaWords)}
${bufDecl(1, true, true)}
${bufDecl(2, false)}
${bufDecl(3, false)}
${bufDecl(4, true)}
${ENTRY(WG)} {
  let gi = ${LINEAR(WG)};
  if (gi >= m(0)) { return; }
  ${offs.map((o, k) => `var ${o} = m(${at(k)});`).join(" ")}
  ${decompose("gi", nd, 3, offs, offs.map((_, k) => at(k) + 1))}
  let j = ${j};
  if (j < 0 || j >= m(1)) { b4[0] = 2u; b4[1] = bitcast<u32>(j); return; }
  let p = oo + j * m(2);
  ${write}
}`;
  return { code, metaWords };
}

/** target[i] += src[i] with atomic adds (a target that overlaps itself). Meta: n, shape, target then src offset and strides. */
export function atomicAddSource(tDtype: DType, sDtype: DType, nd: number, sameBuffer: boolean): { code: string; metaWords: number } {
  const metaWords = 1 + nd + 2 * (1 + nd);
  const at = (k: number) => 1 + nd + k * (1 + nd);
  const offs = ["ot", "os"];
  const srcBuf = sameBuffer ? "b1" : "b2";
  const src: Typed = { code: sameBuffer ? `${sDtype === "float32" ? "bitcast<f32>" : "bitcast<i32>"}(atomicLoad(&b1[os]))` : load("b2", "os", sDtype), ty: sDtype === "float32" ? "f32" : "i32" };
  const cty = tDtype === "float32" ? "f32" : "i32";
  const v = src.ty === cty ? src.code : cty === "f32" ? `f32(${src.code})` : `toi32(${src.code})`;
  const write = tDtype === "float32"
    ? `loop {
    let old = atomicLoad(&b1[ot]);
    let r = atomicCompareExchangeWeak(&b1[ot], old, bitcast<u32>(bitcast<f32>(old) + add));
    if (r.exchanged) { break; }
  }`
    : `atomicAdd(&b1[ot], bitcast<u32>(add));`;
  void srcBuf;
  const code = `${PRELUDE}
${metaDecl(metaWords)}
${bufDecl(1, true, true)}
${sameBuffer ? "" : bufDecl(2, false)}
${ENTRY(WG)} {
  let gi = ${LINEAR(WG)};
  if (gi >= m(0)) { return; }
  ${offs.map((o, k) => `var ${o} = m(${at(k)});`).join(" ")}
  ${decompose("gi", nd, 1, offs, offs.map((_, k) => at(k) + 1))}
  let add = ${v};
  ${write}
}`;
  return { code, metaWords };
}

/**
 * Inclusive cumulative sum, one invocation per line along the dim, accumulating in the result's
 * type. Meta: lines, n, line shape, x offset and strides, out strides (offset 0), sx, so.
 */
export function cumsumSource(xDtype: DType, outDtype: DType, nd: number): { code: string; metaWords: number } {
  const metaWords = 2 + nd + (1 + nd) + (1 + nd) + 2;
  const at = (k: number) => 2 + nd + k * (1 + nd);
  const offs = ["ox", "oo"];
  const cty = outDtype === "float32" ? "f32" : "i32";
  const x: Typed = { code: load("b2", "ox", xDtype), ty: xDtype === "float32" ? "f32" : "i32" };
  const v = x.ty === cty ? x.code : cty === "f32" ? `f32(${x.code})` : `toi32(${x.code})`;
  const code = `${PRELUDE}
${metaDecl(metaWords)}
${bufDecl(1, true)}
${bufDecl(2, false)}
${ENTRY(WG)} {
  let gi = ${LINEAR(WG)};
  if (gi >= m(0)) { return; }
  ${offs.map((o, k) => `var ${o} = m(${at(k)});`).join(" ")}
  ${decompose("gi", nd, 2, offs, offs.map((_, k) => at(k) + 1))}
  let sx = m(${metaWords - 2});
  let so = m(${metaWords - 1});
  var acc: ${cty} = ${cty === "f32" ? "0.0" : "0i"};
  for (var j = 0; j < m(1); j++) {
    acc = acc + ${v};
    b1[oo] = ${store({ code: "acc", ty: cty }, outDtype)};
    ox += sx;
    oo += so;
  }
}`;
  return { code, metaWords };
}
