// Elementwise, reduction, gather and scatter kernels of the wasm backend. Each is a strided loop
// nest (nest.ts) of a given rank around an emitted expression; a module is assembled once per
// (expression structure, dtypes, rank, variant) and cached. Constants are parameters, so a
// kernel whose scalars change every call (an optimizer's bias correction) is compiled once.
import { bytesPer, type DType } from "../../core/dtype.js";
import type { Expr, Kernel, ReduceOp } from "../../ir/expr.js";
import { assemble, F64, Fn, I32, V128, op, simd, type ValType } from "./asm.js";
import { constNodes, emitScalar, emitVector, loadScalar, mathFunctions, mathImports, signature, storeScalar } from "./emit.js";
import { emitNest, loadNest, nestBytes } from "./nest.js";

/** (table, out, ...input pointers, ...constants): the expression over a D-dim nest. */
export type ElementwiseFn = (...args: number[]) => void;

/** (table, out, ...input pointers, ...constants): kept nest outside, reduced nest inside. */
export type ReduceFn = (...args: number[]) => void;

/** (table, out, x or src..., nDim, dimStride, errorAddress) → 0, or 1 with the bad index stored at errorAddress. */
export type IndexFn = (...args: number[]) => number;

/** f64 parameters for the constants of `e`, mapped from their nodes (params start at `first`). */
function constParams(e: Expr, first: number): { types: ValType[]; map: Map<Expr, number> } {
  const nodes = constNodes(e);
  return { types: nodes.map(() => F64), map: new Map(nodes.map((c, j) => [c, first + j])) };
}

function elementwiseFn(kernel: Kernel, inDt: readonly DType[], D: number, vecMask: number | null): Fn {
  const n = inDt.length, K = 1 + n;
  const cp = constParams(kernel.expr, 1 + K);
  const f = new Fn("k", [I32, ...Array<ValType>(K).fill(I32), ...cp.types]);
  const base = Array.from({ length: K }, (_, k) => 1 + k);
  const dims = loadNest(f, D, K, 0);
  const q = base.map(() => f.local(I32));
  const i0 = f.local(I32), res = f.local(F64);
  const vals = inDt.map(() => f.local(F64));
  const scalarOps = { vals, consts: cp.map };
  let vecOps: { vals: number[]; consts: Map<Expr, number> } | null = null;
  if (vecMask !== null) {
    const vconsts = new Map<Expr, number>();
    for (const [node, param] of cp.map) {
      const l = f.local(V128);
      f.get(param).emit(op.f32DemoteF64).v(simd.f32x4Splat).set(l);
      vconsts.set(node, l);
    }
    vecOps = { vals: inDt.map(() => f.local(V128)), consts: vconsts };
  }
  emitNest(f, dims, base, (ptrs, cnt, st) => {
    for (let k = 0; k < K; k++) f.get(ptrs[k]).set(q[k]);
    f.i32(0).set(i0);
    if (vecOps !== null && vecMask !== null) {
      // Contiguous output, each input contiguous (stride 4) or broadcast (stride 0): 4 lanes at a time.
      const v = vecOps;
      f.block(() => f.loop(() => {
        f.get(i0).i32(4).emit(op.i32Add).get(cnt).emit(op.i32GtS, op.brIf, 1);
        for (let k = 0; k < n; k++) f.get(q[k + 1]).vmem((vecMask >> k) & 1 ? simd.load32Splat : simd.load, 2).set(v.vals[k]);
        f.get(q[0]);
        emitVector(f, kernel.expr, v);
        f.vmem(simd.store, 2);
        f.addTo(q[0], () => f.i32(16));
        for (let k = 0; k < n; k++) if (!((vecMask >> k) & 1)) f.addTo(q[k + 1], () => f.i32(16));
        f.addTo(i0, () => f.i32(4));
        f.emit(op.br, 0);
      }));
    }
    f.block(() => f.loop(() => {
      f.get(i0).get(cnt).emit(op.i32GeS, op.brIf, 1);
      inDt.forEach((dt, k) => { loadScalar(f, dt, q[k + 1]); f.set(vals[k]); });
      emitScalar(f, kernel.expr, scalarOps);
      f.set(res);
      storeScalar(f, kernel.dtype, q[0], res);
      for (let k = 0; k < K; k++) f.addTo(q[k], () => f.get(st[k]));
      f.addTo(i0, () => f.i32(1));
      f.emit(op.br, 0);
    }));
  });
  return f;
}

// i8x16.shuffle lanes moving the high two floats of a vector to the low half, and joining the low halves of two vectors.
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

const STEP: Record<ReduceOp, { init: number; arg: boolean }> = {
  sum: { init: 0, arg: false }, prod: { init: 1, arg: false },
  max: { init: -Infinity, arg: false }, min: { init: Infinity, arg: false },
  argmax: { init: -Infinity, arg: true }, argmin: { init: Infinity, arg: true },
};

/** The identity a reduction starts from (the result over an empty set for sum and prod). */
export const reduceInit = (r: ReduceOp): number => STEP[r].init;

// out[kept] = reduce over the reduced nest. With `vecSum` (a float32 input read as is, contiguous in
// the innermost reduced dim) the inner run is summed 4 lanes at a time into two f64x2 accumulators.
function reduceFn(kernel: Kernel, inDt: readonly DType[], Dk: number, Dr: number, vecSum: boolean, vecKept: boolean): Fn {
  const red = kernel.reduce!;
  const n = inDt.length, K = 1 + n;
  const cp = constParams(kernel.expr, 1 + K);
  const f = new Fn("k", [I32, ...Array<ValType>(K).fill(I32), ...cp.types]);
  const base = Array.from({ length: K }, (_, k) => 1 + k);
  const kd = loadNest(f, Dk, K, 0);
  const rd = loadNest(f, Dr, n, 0, nestBytes(Dk, K));
  const q = base.map(() => f.local(I32)), w = inDt.map(() => f.local(I32));
  const j = f.local(I32), i = f.local(I32), r = f.local(I32), ai = f.local(I32), cond = f.local(I32);
  const acc = f.local(F64), v = f.local(F64), res = f.local(F64);
  const vals = inDt.map(() => f.local(F64));
  const ops = { vals, consts: cp.map };
  const s = STEP[red.op];
  const va = vecSum ? [f.local(V128), f.local(V128), f.local(V128)] : [];
  const vk = vecKept ? { acc: f.local(V128), lo: f.local(V128), hi: f.local(V128), ai: f.local(V128), v: f.local(V128), c: f.local(V128) } : null;
  emitNest(f, kd, base, (ptrs, cnt, st) => {
    for (let k = 0; k < K; k++) f.get(ptrs[k]).set(q[k]);
    f.i32(0).set(j);
    if (vk) {
      // Four outputs at a time along the innermost kept dim (contiguous output), their inputs 4 lanes
      // of one vector: each lane goes through the same steps, in the same order, as the scalar loop.
      f.block(() => f.loop(() => {
        f.get(j).i32(4).emit(op.i32Add).get(cnt).emit(op.i32GtS, op.brIf, 1);
        if (red.op === "sum") f.f64(0).v(simd.f64x2Splat).tee(vk.lo).set(vk.hi);
        else f.f32(s.init).v(simd.f32x4Splat).set(vk.acc).i32(0).v(simd.i32x4Splat).set(vk.ai);
        f.i32(0).set(r);
        emitNest(f, rd, [q[1]], (rp, rc, rs) => {
          f.get(rp[0]).set(w[0]).i32(0).set(i);
          f.block(() => f.loop(() => {
            f.get(i).get(rc).emit(op.i32GeS, op.brIf, 1);
            // The lanes: one load where the kept dim is contiguous, else four.
            f.get(st[1]).i32(4).emit(op.i32Eq, op.if, V128);
            f.get(w[0]).vmem(simd.load, 2);
            f.emit(op.else);
            f.get(w[0]).vmem(simd.load32Splat, 2);
            for (let l = 1; l < 4; l++) f.get(w[0]).get(st[1]).i32(l).emit(op.i32Mul, op.i32Add).mem(op.f32Load, 2).v(simd.f32x4ReplaceLane).emit(l);
            f.emit(op.end).set(vk.v);
            if (red.op === "sum") {
              f.get(vk.lo).get(vk.v).v(simd.f64x2PromoteLowF32x4).v(simd.f64x2Add).set(vk.lo);
              f.get(vk.hi).get(vk.v).get(vk.v).v(simd.i8x16Shuffle).emit(...HIGH_LANES).v(simd.f64x2PromoteLowF32x4).v(simd.f64x2Add).set(vk.hi);
            } else {
              const better = red.op === "max" || red.op === "argmax" ? simd.f32x4Gt : simd.f32x4Lt;
              f.get(vk.v).get(vk.acc).v(better).get(vk.v).get(vk.v).v(simd.f32x4Ne);
              if (s.arg) f.get(vk.acc).get(vk.acc).v(simd.f32x4Eq).v(simd.v128And);
              f.v(simd.v128Or).set(vk.c);
              f.get(vk.v).get(vk.acc).get(vk.c).v(simd.v128Bitselect).set(vk.acc);
              if (s.arg) f.get(r).v(simd.i32x4Splat).get(vk.ai).get(vk.c).v(simd.v128Bitselect).set(vk.ai);
            }
            f.addTo(w[0], () => f.get(rs[0]));
            f.addTo(r, () => f.i32(1));
            f.addTo(i, () => f.i32(1));
            f.emit(op.br, 0);
          }));
        });
        f.get(q[0]);
        if (red.op === "sum") f.get(vk.lo).v(simd.f32x4DemoteF64x2Zero).get(vk.hi).v(simd.f32x4DemoteF64x2Zero).v(simd.i8x16Shuffle).emit(...LOW_HALVES);
        else f.get(s.arg ? vk.ai : vk.acc);
        f.vmem(simd.store, 2);
        f.addTo(q[0], () => f.i32(16));
        f.addTo(q[1], () => f.get(st[1]).i32(2).emit(op.i32Shl));
        f.addTo(j, () => f.i32(4));
        f.emit(op.br, 0);
      }));
    }
    f.block(() => f.loop(() => {
      f.get(j).get(cnt).emit(op.i32GeS, op.brIf, 1);
      f.f64(s.init).set(acc).i32(0).set(ai).i32(0).set(r);
      emitNest(f, rd, q.slice(1), (rp, rc, rs) => {
        for (let k = 0; k < n; k++) f.get(rp[k]).set(w[k]);
        f.i32(0).set(i);
        if (vecSum) {
          const [a0, a1, t] = va;
          f.f64(0).v(simd.f64x2Splat).set(a0).f64(0).v(simd.f64x2Splat).set(a1);
          f.block(() => f.loop(() => {
            f.get(i).i32(4).emit(op.i32Add).get(rc).emit(op.i32GtS, op.brIf, 1);
            f.get(w[0]).vmem(simd.load, 2).set(t);
            f.get(a0).get(t).v(simd.f64x2PromoteLowF32x4).v(simd.f64x2Add).set(a0);
            f.get(a1).get(t).get(t).v(simd.i8x16Shuffle).emit(...HIGH_LANES).v(simd.f64x2PromoteLowF32x4).v(simd.f64x2Add).set(a1);
            f.addTo(w[0], () => f.i32(16));
            f.addTo(i, () => f.i32(4));
            f.emit(op.br, 0);
          }));
          f.get(a0).get(a1).v(simd.f64x2Add).set(a0);
          f.get(acc).get(a0).v(simd.f64x2ExtractLane).emit(0).get(a0).v(simd.f64x2ExtractLane).emit(1).emit(op.f64Add, op.f64Add).set(acc);
        }
        f.block(() => f.loop(() => {
          f.get(i).get(rc).emit(op.i32GeS, op.brIf, 1);
          inDt.forEach((dt, k) => { loadScalar(f, dt, w[k]); f.set(vals[k]); });
          emitScalar(f, kernel.expr, ops);
          f.set(v);
          switch (red.op) {
            case "sum": f.get(acc).get(v).emit(op.f64Add).set(acc); break;
            case "prod": f.get(acc).get(v).emit(op.f64Mul).set(acc); break;
            default: {
              const better = red.op === "max" || red.op === "argmax" ? op.f64Gt : op.f64Lt;
              f.get(v).get(acc).emit(better).get(v).get(v).emit(op.f64Ne);
              if (s.arg) f.get(acc).get(acc).emit(op.f64Eq, op.i32And); // NaN wins only over a non-NaN
              f.emit(op.i32Or).set(cond);
              f.get(v).get(acc).get(cond).emit(op.select).set(acc);
              if (s.arg) f.get(r).get(ai).get(cond).emit(op.select).set(ai);
            }
          }
          for (let k = 0; k < n; k++) f.addTo(w[k], () => f.get(rs[k]));
          f.addTo(r, () => f.i32(1));
          f.addTo(i, () => f.i32(1));
          f.emit(op.br, 0);
        }));
      });
      if (s.arg) f.get(ai).emit(op.f64ConvertI32S).set(res);
      else f.get(acc).set(res);
      storeScalar(f, kernel.dtype, q[0], res);
      for (let k = 0; k < K; k++) f.addTo(q[k], () => f.get(st[k]));
      f.addTo(j, () => f.i32(1));
      f.emit(op.br, 0);
    }));
  });
  return f;
}

/** Loads (pushes) one element of `bytes` bytes at the address on the stack, as raw bits. */
function loadBits(f: Fn, bytes: number): void {
  if (bytes === 1) f.mem(op.i32Load8u, 0);
  else if (bytes === 4) f.mem(op.i32Load, 2);
  else f.mem(op.i64Load, 3);
}
function storeBits(f: Fn, bytes: number): void {
  if (bytes === 1) f.mem(op.i32Store8, 0);
  else if (bytes === 4) f.mem(op.i32Store, 2);
  else f.mem(op.i64Store, 3);
}

// Shared by gather and scatter: the index at q[idx] into local jl, checked against nDim.
function checkedIndex(f: Fn, idxPtr: number, jl: number, nDim: number, err: number): void {
  f.get(idxPtr).mem(op.i32Load, 2).set(jl);
  f.get(jl).get(nDim).emit(op.i32GeU, op.if, 0x40);
  f.get(err).get(jl).mem(op.i32Store, 2).i32(1).emit(op.return, op.end);
}

// (table, out, x, idx, nDim, sd, err): out[i] = x[xoff(i) + idx[i]·sd] over a D-dim nest of three operands.
function gatherFn(dtype: DType, D: number): Fn {
  const f = new Fn("k", [I32, I32, I32, I32, I32, I32, I32], [I32]);
  const [tab, nDim, sd, err] = [0, 4, 5, 6];
  const dims = loadNest(f, D, 3, tab);
  const q = [f.local(I32), f.local(I32), f.local(I32)], i = f.local(I32), jl = f.local(I32);
  const b = bytesPer(dtype);
  emitNest(f, dims, [1, 2, 3], (ptrs, cnt, st) => {
    for (let k = 0; k < 3; k++) f.get(ptrs[k]).set(q[k]);
    f.forRange(i, () => f.get(cnt), () => {
      checkedIndex(f, q[2], jl, nDim, err);
      f.get(q[0]).get(q[1]).get(jl).get(sd).emit(op.i32Mul, op.i32Add);
      loadBits(f, b);
      storeBits(f, b);
      for (let k = 0; k < 3; k++) f.addTo(q[k], () => f.get(st[k]));
    });
  });
  f.i32(0);
  return f;
}

// (table, out, idx, src, nDim, sd, err): out[ooff(i) + idx[i]·sd] (+)= src[i], sequentially.
function scatterFn(dtype: DType, mode: "set" | "add", D: number): Fn {
  const f = new Fn("k", [I32, I32, I32, I32, I32, I32, I32], [I32]);
  const [tab, nDim, sd, err] = [0, 4, 5, 6];
  const dims = loadNest(f, D, 3, tab);
  const q = [f.local(I32), f.local(I32), f.local(I32)], i = f.local(I32), jl = f.local(I32), addr = f.local(I32);
  const b = bytesPer(dtype);
  emitNest(f, dims, [1, 2, 3], (ptrs, cnt, st) => {
    for (let k = 0; k < 3; k++) f.get(ptrs[k]).set(q[k]);
    f.forRange(i, () => f.get(cnt), () => {
      checkedIndex(f, q[1], jl, nDim, err);
      f.get(q[0]).get(jl).get(sd).emit(op.i32Mul, op.i32Add).set(addr);
      f.get(addr);
      if (mode === "set") {
        f.get(q[2]);
        loadBits(f, b);
        storeBits(f, b);
      } else {
        f.get(addr);
        switch (dtype) {
          case "float32": f.mem(op.f32Load, 2).get(q[2]).mem(op.f32Load, 2).emit(op.f32Add).mem(op.f32Store, 2); break;
          case "float64": f.mem(op.f64Load, 3).get(q[2]).mem(op.f64Load, 3).emit(op.f64Add).mem(op.f64Store, 3); break;
          case "int32": f.mem(op.i32Load, 2).get(q[2]).mem(op.i32Load, 2).emit(op.i32Add).mem(op.i32Store, 2); break;
          case "bool": case "uint8": f.mem(op.i32Load8u, 0).get(q[2]).mem(op.i32Load8u, 0).emit(op.i32Add).mem(op.i32Store8, 0); break;
          case "float16": throw new Error("float16 scatter-add runs in float32 (prims/indexing.ts)");
        }
      }
      for (let k = 0; k < 3; k++) f.addTo(q[k], () => f.get(st[k]));
    });
  });
  f.i32(0);
  return f;
}

/** Assembles and caches kernels against one memory. */
export class WasmKernels {
  private readonly cache = new Map<string, (...args: number[]) => number | void>();
  constructor(private readonly memory: WebAssembly.Memory, private readonly shared = false) {}

  /** Signatures of constant-free expressions, by identity (prims reuse one object per op). */
  private readonly signatures = new WeakMap<Expr, string>();

  private signatureOf(e: Expr, consts: number[]): string {
    let sig = this.signatures.get(e);
    if (sig === undefined) {
      const n = consts.length;
      sig = signature(e, consts);
      if (consts.length === n) this.signatures.set(e, sig);
    }
    return sig;
  }

  private build<T>(key: string, make: () => Fn): T {
    let fn = this.cache.get(key);
    if (!fn) {
      const bytes = assemble([make()], mathImports, this.shared);
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: this.memory, ...mathFunctions } });
      fn = inst.exports.k as (...args: number[]) => number | void;
      this.cache.set(key, fn);
    }
    return fn as T;
  }

  /**
   * The elementwise kernel over a D-dim nest; `vecMask` (bit k = input k broadcast in the inner dim)
   * selects the f32x4 variant. Pushes the kernel's constants onto `consts`.
   */
  elementwise(kernel: Kernel, inDt: readonly DType[], D: number, vecMask: number | null, consts: number[]): ElementwiseFn {
    const key = `e${D}|${this.signatureOf(kernel.expr, consts)}|${kernel.dtype}|${inDt.join(",")}|${vecMask}`;
    return this.build(key, () => elementwiseFn(kernel, inDt, D, vecMask));
  }

  /** The reduction kernel: a Dk-dim kept nest around a Dr-dim reduced nest. Pushes the constants onto `consts`. */
  reduce(kernel: Kernel, inDt: readonly DType[], Dk: number, Dr: number, vecSum: boolean, vecKept: boolean, consts: number[]): ReduceFn {
    const key = `r${Dk},${Dr}|${signature(kernel.expr, consts)}|${kernel.dtype}|${kernel.reduce!.op}|${inDt.join(",")}|${vecSum}|${vecKept}`;
    return this.build(key, () => reduceFn(kernel, inDt, Dk, Dr, vecSum, vecKept));
  }

  gather(dtype: DType, D: number): IndexFn {
    return this.build(`g${D}|${dtype}`, () => gatherFn(dtype, D));
  }

  scatter(dtype: DType, mode: "set" | "add", D: number): IndexFn {
    return this.build(`s${D}|${dtype}|${mode}`, () => scatterFn(dtype, mode, D));
  }
}
