// Elementwise and reduction kernels of the wasm backend: each description is assembled once into a
// small module over the shared memory and cached by its key. Pointers and strides are in bytes.
import { bytesPer, type DType } from "../../core/dtype.js";
import { exprKey, type Kernel, type ReduceOp } from "../../ir/expr.js";
import { assemble, F64, Fn, I32, V128, op, simd, type ValType } from "./asm.js";
import { emitScalar, emitVector, loadScalar, mathFunctions, mathImports, storeScalar } from "./emit.js";

/**
 * (out, so1, so0, n1, n0, then per input: p, s1, s0): a 2-d strided loop nest,
 * out[i1*so1 + i0*so0] = expr(inputs at p + i1*s1 + i0*s0).
 */
export type ElementwiseFn = (...args: number[]) => void;

/** (out, K, R, then per input: p, keptTable, rStride-or-table): out[o] = reduce over r. */
export type ReduceFn = (...args: number[]) => void;

const ptrSize = (d: DType) => bytesPer(d);

function elementwiseFn(kernel: Kernel, inDt: readonly DType[], vecMask: number | null): Fn {
  const n = inDt.length;
  const params: ValType[] = Array(5 + 3 * n).fill(I32);
  const f = new Fn("k", params);
  const [out, so1, so0, n1, n0] = [0, 1, 2, 3, 4];
  const p = (k: number) => 5 + 3 * k, s1 = (k: number) => 6 + 3 * k, s0 = (k: number) => 7 + 3 * k;
  const i1 = f.local(I32), i0 = f.local(I32), o = f.local(I32), res = f.local(F64);
  const q = inDt.map(() => f.local(I32));
  const vals = inDt.map(() => f.local(F64));
  const vecVals = vecMask === null ? [] : inDt.map(() => f.local(V128));
  const scalarBody = () => {
    inDt.forEach((dt, k) => { loadScalar(f, dt, q[k]); f.set(vals[k]); });
    emitScalar(f, kernel.expr, vals);
    f.set(res);
    storeScalar(f, kernel.dtype, o, res);
    f.addTo(o, () => f.get(so0));
    q.forEach((qk, k) => f.addTo(qk, () => f.get(s0(k))));
  };
  f.forRange(i1, () => f.get(n1), () => {
    f.get(out).set(o);
    q.forEach((qk, k) => f.get(p(k)).set(qk));
    f.i32(0).set(i0);
    if (vecMask !== null) {
      // Contiguous output, each input contiguous (stride 4) or broadcast (stride 0): 4 lanes at a time.
      f.block(() => f.loop(() => {
        f.get(i0).i32(4).emit(op.i32Add).get(n0).emit(op.i32GtS, op.brIf, 1);
        inDt.forEach((_, k) => {
          f.get(q[k]).vmem((vecMask >> k) & 1 ? simd.load32Splat : simd.load, 2).set(vecVals[k]);
        });
        f.get(o);
        emitVector(f, kernel.expr, vecVals);
        f.vmem(simd.store, 2);
        f.addTo(o, () => f.i32(16));
        q.forEach((qk, k) => { if (!((vecMask >> k) & 1)) f.addTo(qk, () => f.i32(16)); });
        f.addTo(i0, () => f.i32(4));
        f.emit(op.br, 0);
      }));
    }
    f.block(() => f.loop(() => {
      f.get(i0).get(n0).emit(op.i32GeS, op.brIf, 1);
      scalarBody();
      f.addTo(i0, () => f.i32(1));
      f.emit(op.br, 0);
    }));
    f.addTo(out, () => f.get(so1));
    q.forEach((_, k) => f.addTo(p(k), () => f.get(s1(k))));
  });
  return f;
}

const STEP: Record<ReduceOp, { init: number; arg: boolean }> = {
  sum: { init: 0, arg: false }, prod: { init: 1, arg: false },
  max: { init: -Infinity, arg: false }, min: { init: Infinity, arg: false },
  argmax: { init: -Infinity, arg: true }, argmin: { init: Infinity, arg: true },
};

function reduceFn(kernel: Kernel, inDt: readonly DType[], table: boolean): Fn {
  const red = kernel.reduce!;
  const n = inDt.length;
  const f = new Fn("k", Array(3 + 3 * n).fill(I32));
  const [out, K, R] = [0, 1, 2];
  const p = (k: number) => 3 + 3 * k, kt = (k: number) => 4 + 3 * k, rs = (k: number) => 5 + 3 * k;
  const o = f.local(I32), r = f.local(I32), ai = f.local(I32), cond = f.local(I32), optr = f.local(I32);
  const acc = f.local(F64), v = f.local(F64), res = f.local(F64);
  const b = inDt.map(() => f.local(I32));
  const vals = inDt.map(() => f.local(F64));
  const s = STEP[red.op];
  const size = ptrSize(kernel.dtype);
  f.get(out).set(optr);
  f.forRange(o, () => f.get(K), () => {
    // b_k = p_k + keptTable_k[o]
    b.forEach((bk, k) => {
      f.get(p(k)).get(kt(k)).get(o).i32(2).emit(op.i32Shl, op.i32Add).mem(op.i32Load, 2).emit(op.i32Add).set(bk);
    });
    f.f64(s.init).set(acc).i32(0).set(ai);
    f.forRange(r, () => f.get(R), () => {
      inDt.forEach((dt, k) => {
        if (table) {
          const addr = f.local(I32);
          f.get(b[k]).get(rs(k)).get(r).i32(2).emit(op.i32Shl, op.i32Add).mem(op.i32Load, 2).emit(op.i32Add).set(addr);
          loadScalar(f, dt, addr);
        } else {
          loadScalar(f, dt, b[k]);
          f.addTo(b[k], () => f.get(rs(k)));
        }
        f.set(vals[k]);
      });
      emitScalar(f, kernel.expr, vals);
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
    });
    if (s.arg) f.get(ai).emit(op.f64ConvertI32S).set(res);
    else f.get(acc).set(res);
    storeScalar(f, kernel.dtype, optr, res);
    f.addTo(optr, () => f.i32(size));
  });
  return f;
}

/** Assembles and caches kernels against one memory. */
export class WasmKernels {
  private readonly cache = new Map<string, (...args: number[]) => void>();
  constructor(private readonly memory: WebAssembly.Memory) {}

  private build(key: string, make: () => Fn): (...args: number[]) => void {
    let fn = this.cache.get(key);
    if (!fn) {
      const bytes = assemble([make()], mathImports);
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: this.memory, ...mathFunctions } });
      fn = inst.exports.k as (...args: number[]) => void;
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** The elementwise kernel; `vecMask` (bit k = input k broadcast) selects the f32x4 variant. */
  elementwise(kernel: Kernel, inDt: readonly DType[], vecMask: number | null): ElementwiseFn {
    const key = `e|${exprKey(kernel.expr)}|${kernel.dtype}|${inDt.join(",")}|${vecMask}`;
    return this.build(key, () => elementwiseFn(kernel, inDt, vecMask));
  }

  /** The reduction kernel: reduced dims walked by one byte stride per input, or by offset tables. */
  reduce(kernel: Kernel, inDt: readonly DType[], table: boolean): ReduceFn {
    const key = `r|${exprKey(kernel.expr)}|${kernel.dtype}|${kernel.reduce!.op}|${inDt.join(",")}|${table}`;
    return this.build(key, () => reduceFn(kernel, inDt, table));
  }
}
