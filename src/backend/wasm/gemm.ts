// The GEMM kernels in wasm SIMD128: operand packing into zero-padded panels, and the macro kernel
// that walks MR×NR register tiles (4×8 float32 = 8 f32x4 accumulators, 4×4 float64 = 8 f64x2)
// over packed panels. Multiply-add is relaxed-SIMD FMA where the runtime has it, mul + add otherwise.
import { assemble, F32, F64, Fn, I32, V128, op, simd } from "./asm.js";


/** The exports of one GEMM module (pointers and strides in bytes). */
export interface GemmKernels {
  /** Rows of a strided [rows, kc] matrix into MR-row panels (k-major inside a panel), zero rows past `rows`. */
  packA(src: number, sRow: number, sK: number, rows: number, kc: number, dst: number, panels: number): void;
  /** Columns of a strided [kc, cols] matrix into NR-column panels, zero columns past `cols`. */
  packB(src: number, sN: number, sK: number, cols: number, kc: number, dst: number, panels: number): void;
  /** C[mtiles·MR, ntiles·NR] (row pitch ldc) = (acc ? C : 0) + Apacked · Bpacked over kc. */
  kernel(a: number, b: number, c: number, ldc: number, mtiles: number, ntiles: number, kc: number, acc: number): void;
  mr: number;
  nr: number;
  elem: number;
}

function packFn(name: string, elem: number, width: number): Fn {
  // (src, sOuter, sInner, count, kc, dst, panels): panel p, step k, lane j ← src[(p*width+j)*sOuter + k*sInner]
  const f = new Fn(name, [I32, I32, I32, I32, I32, I32, I32]);
  const [src, sOut, sIn, count, kc, dst, panels] = [0, 1, 2, 3, 4, 5, 6];
  const p = f.local(I32), k = f.local(I32), base = f.local(I32), idx = f.local(I32);
  const t = elem === 4 ? F32 : F64;
  const load = elem === 4 ? op.f32Load : op.f64Load, store = elem === 4 ? op.f32Store : op.f64Store;
  const align = elem === 4 ? 2 : 3;
  f.forRange(p, () => f.get(panels), () => {
    f.forRange(k, () => f.get(kc), () => {
      f.get(src).get(k).get(sIn).emit(op.i32Mul, op.i32Add).set(base);
      for (let j = 0; j < width; j++) {
        f.get(p).i32(width).emit(op.i32Mul).i32(j).emit(op.i32Add).set(idx);
        f.get(dst);
        f.get(idx).get(count).emit(op.i32LtS, op.if, t);
        f.get(base).get(idx).get(sOut).emit(op.i32Mul, op.i32Add).mem(load, align);
        f.emit(op.else);
        if (elem === 4) f.f32(0);
        else f.f64(0);
        f.emit(op.end);
        f.mem(store, align, j * elem);
      }
      f.addTo(dst, () => f.i32(width * elem));
    });
  });
  return f;
}

function kernelFn(elem: number, fma: boolean, MR: number, unroll: number): Fn {
  const NR = elem === 4 ? 8 : 4;
  const f = new Fn("kernel", [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [a, b, c, ldc, mtiles, ntiles, kc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  const jr = f.local(I32), ir = f.local(I32), k = f.local(I32);
  const ap = f.local(I32), bp = f.local(I32), apanel = f.local(I32), cp = f.local(I32), cr = f.local(I32);
  const acc = Array.from({ length: MR }, () => [f.local(V128), f.local(V128)]);
  const bv = [f.local(V128), f.local(V128)], av = f.local(V128);
  const splatLoad = elem === 4 ? simd.load32Splat : simd.load64Splat;
  const [vmul, vadd, vmadd] = elem === 4 ? [simd.f32x4Mul, simd.f32x4Add, simd.f32x4RelaxedMadd] : [simd.f64x2Mul, simd.f64x2Add, simd.f64x2RelaxedMadd];
  const zero = () => (elem === 4 ? f.f32(0).v(simd.f32x4Splat) : f.f64(0).v(simd.f64x2Splat));
  f.forRange(jr, () => f.get(ntiles), () => {
    f.get(a).set(apanel);
    f.get(c).set(cp);
    f.forRange(ir, () => f.get(mtiles), () => {
      for (const row of acc) for (const x of row) { zero(); f.set(x); }
      f.get(apanel).set(ap).get(b).set(bp).get(kc).set(k);
      const step = (u: number) => {
        f.get(bp).vmem(simd.load, 4, u * NR * elem).set(bv[0]);
        f.get(bp).vmem(simd.load, 4, u * NR * elem + 16).set(bv[1]);
        for (let r = 0; r < MR; r++) {
          f.get(ap).vmem(splatLoad, elem === 4 ? 2 : 3, (u * MR + r) * elem).set(av);
          for (let j = 0; j < 2; j++) {
            if (fma) f.get(av).get(bv[j]).get(acc[r][j]).v(vmadd).set(acc[r][j]);
            else f.get(acc[r][j]).get(av).get(bv[j]).v(vmul).v(vadd).set(acc[r][j]);
          }
        }
      };
      // kc = unroll·q + rest: the unrolled loop first, then single steps.
      f.block(() => {
        f.get(k).i32(unroll).emit(op.i32LtS, op.brIf, 0);
        f.loop(() => {
          for (let u = 0; u < unroll; u++) step(u);
          f.addTo(ap, () => f.i32(unroll * MR * elem));
          f.addTo(bp, () => f.i32(unroll * NR * elem));
          f.get(k).i32(unroll).emit(op.i32Sub).tee(k).i32(unroll).emit(op.i32GeS, op.brIf, 0);
        });
      });
      f.block(() => {
        f.get(k).emit(op.i32Eqz, op.brIf, 0);
        f.loop(() => {
          step(0);
          f.addTo(ap, () => f.i32(MR * elem));
          f.addTo(bp, () => f.i32(NR * elem));
          f.get(k).i32(1).emit(op.i32Sub).tee(k).emit(op.brIf, 0);
        });
      });
      f.get(accumulate).emit(op.if, 0x40);
      f.get(cp).set(cr);
      for (let r = 0; r < MR; r++) {
        for (let j = 0; j < 2; j++) f.get(acc[r][j]).get(cr).vmem(simd.load, 4, 16 * j).v(vadd).set(acc[r][j]);
        f.addTo(cr, () => f.get(ldc));
      }
      f.emit(op.end);
      f.get(cp).set(cr);
      for (let r = 0; r < MR; r++) {
        for (let j = 0; j < 2; j++) f.get(cr).get(acc[r][j]).vmem(simd.store, 4, 16 * j);
        f.addTo(cr, () => f.get(ldc));
      }
      f.addTo(apanel, () => f.get(kc).i32(MR * elem).emit(op.i32Mul));
      f.addTo(cp, () => f.get(ldc).i32(MR).emit(op.i32Mul));
    });
    f.addTo(b, () => f.get(kc).i32(NR * elem).emit(op.i32Mul));
    f.addTo(c, () => f.i32(NR * elem));
  });
  return f;
}

/** Assembles the GEMM module for float32 (elem 4) or float64 (elem 8) against `memory`. */
export function gemmKernels(memory: WebAssembly.Memory, elem: 4 | 8, fma: boolean, mr = 4, unroll = 2): GemmKernels {
  const nr = elem === 4 ? 8 : 4;
  const bytes = assemble([packFn("packA", elem, mr), packFn("packB", elem, nr), kernelFn(elem, fma, mr, unroll)]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const e = inst.exports as unknown as GemmKernels;
  return { packA: e.packA, packB: e.packB, kernel: e.kernel, mr, nr, elem };
}
