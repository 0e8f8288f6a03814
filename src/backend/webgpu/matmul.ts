// The webgpu backend's batched matrix product: a 64×64 output tile per workgroup of 16×16
// threads, each thread holding a 4×4 register tile; A and B stream through workgroup memory in
// 16-deep slices (read once from global memory per workgroup, reused 64 times from the tile).
// Operands are read through their strides (transposed and broadcast views need no copy).
import type { DType } from "../../core/dtype.js";
import { load, PRELUDE, store } from "./wgsl.js";

export const TILE = 64;
const TK = 16;

/** Meta words: M, N, K, a offset/batch/row/col strides, b offset/batch/row/col strides, bias offset/stride, first batch. */
export const MATMUL_META = 14;

export function matmulMeta(M: number, N: number, K: number, aOff: number, aStr: readonly number[], bOff: number, bStr: readonly number[], biasOff: number, biasStride: number, batch0: number): number[] {
  return [M, N, K, aOff, aStr[0], aStr[1], aStr[2], bOff, bStr[0], bStr[1], bStr[2], biasOff, biasStride, batch0];
}

/** Bindings: 1 out, 2 a, 3 b, 4 bias (when `bias`). */
export function matmulSource(aDtype: DType, bDtype: DType, dtype: DType, bias: boolean): string {
  const ty = dtype === "float32" ? "f32" : "i32";
  const conv = (dt: DType, code: string) => ((dt === "float32") === (ty === "f32") ? code : ty === "f32" ? `f32(${code})` : `toi32(${code})`);
  const zero = ty === "f32" ? "0.0" : "0i";
  return `${PRELUDE}
@group(0) @binding(0) var<uniform> mt: array<vec4<i32>, 4>;
fn m(i: i32) -> i32 { return mt[i >> 2u][i & 3]; }
@group(0) @binding(1) var<storage, read_write> b1: array<u32>;
@group(0) @binding(2) var<storage, read> b2: array<u32>;
@group(0) @binding(3) var<storage, read> b3: array<u32>;
${bias ? "@group(0) @binding(4) var<storage, read> b4: array<u32>;" : ""}
var<workgroup> As: array<${ty}, ${TILE * TK}>;
var<workgroup> Bs: array<${ty}, ${TILE * TK}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tx = i32(lid.x);
  let ty = i32(lid.y);
  let t = ty * 16 + tx;
  let M = m(0); let N = m(1); let K = m(2);
  let bt = i32(wid.z) + m(13);
  let row0 = i32(wid.y) * ${TILE};
  let col0 = i32(wid.x) * ${TILE};
  let aBase = m(3) + bt * m(4); let sam = m(5); let sak = m(6);
  let bBase = m(7) + bt * m(8); let sbk = m(9); let sbn = m(10);
  var acc: array<${ty}, 16>;
  for (var i = 0; i < 16; i++) { acc[i] = ${zero}; }
  for (var k0 = 0; k0 < K; k0 += ${TK}) {
    for (var q = 0; q < ${(TILE * TK) / 256}; q++) {
      let e = t + 256 * q;
      // A slice: 64 rows × 16 k, consecutive threads along k; stored k-major.
      let ar = e >> 4u; let ak = e & 15;
      var av: ${ty} = ${zero};
      if (row0 + ar < M && k0 + ak < K) { let p = aBase + (row0 + ar) * sam + (k0 + ak) * sak; av = ${conv(aDtype, load("b2", "p", aDtype))}; }
      As[ak * ${TILE} + ar] = av;
      // B slice: 16 k × 64 columns, consecutive threads along n.
      let bk = e >> 6u; let bn = e & 63;
      var bv: ${ty} = ${zero};
      if (k0 + bk < K && col0 + bn < N) { let p = bBase + (k0 + bk) * sbk + (col0 + bn) * sbn; bv = ${conv(bDtype, load("b3", "p", bDtype))}; }
      Bs[bk * ${TILE} + bn] = bv;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk++) {
      let a0 = As[kk * ${TILE} + ty * 4]; let a1 = As[kk * ${TILE} + ty * 4 + 1];
      let a2 = As[kk * ${TILE} + ty * 4 + 2]; let a3 = As[kk * ${TILE} + ty * 4 + 3];
      let b0 = Bs[kk * ${TILE} + tx * 4]; let b1v = Bs[kk * ${TILE} + tx * 4 + 1];
      let b2v = Bs[kk * ${TILE} + tx * 4 + 2]; let b3v = Bs[kk * ${TILE} + tx * 4 + 3];
      acc[0] += a0 * b0; acc[1] += a0 * b1v; acc[2] += a0 * b2v; acc[3] += a0 * b3v;
      acc[4] += a1 * b0; acc[5] += a1 * b1v; acc[6] += a1 * b2v; acc[7] += a1 * b3v;
      acc[8] += a2 * b0; acc[9] += a2 * b1v; acc[10] += a2 * b2v; acc[11] += a2 * b3v;
      acc[12] += a3 * b0; acc[13] += a3 * b1v; acc[14] += a3 * b2v; acc[15] += a3 * b3v;
    }
    workgroupBarrier();
  }
  let cBase = bt * M * N;
  for (var i = 0; i < 4; i++) {
    let r = row0 + ty * 4 + i;
    if (r >= M) { break; }
    for (var j = 0; j < 4; j++) {
      let c = col0 + tx * 4 + j;
      if (c >= N) { break; }
      var v: ${ty} = acc[i * 4 + j];
      ${bias ? `v = v + ${conv(dtype, load("b4", "m(11) + c * m(12)", dtype))};` : ""}
      b1[cBase + r * N + c] = ${store({ code: "v", ty }, dtype)};
    }
  }
}`;
}
