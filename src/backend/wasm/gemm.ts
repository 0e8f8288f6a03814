// The GEMM kernels in wasm SIMD128: operand packing into zero-padded panels, and the macro kernel
// that walks MR×NR register tiles (4×8 float32 = 8 f32x4 accumulators, 4×4 float64 = 8 f64x2)
// over packed panels. Multiply-add is relaxed-SIMD FMA where the runtime has it, mul + add otherwise.
import { assemble, F32, F64, Fn, I32, V128, op, simd, type ValType } from "./asm.js";


/** The exports of one GEMM module (pointers and strides in bytes). */
export interface GemmKernels {
  /** Rows of a strided [rows, kc] matrix into MR-row panels (k-major inside a panel), zero rows past `rows`. */
  packA(src: number, sRow: number, sK: number, rows: number, kc: number, dst: number, panels: number): void;
  /** Columns of a strided [kc, cols] matrix into NR-column panels, zero columns past `cols`. */
  packB(src: number, sN: number, sK: number, cols: number, kc: number, dst: number, panels: number): void;
  /** C[mtiles·MR, ntiles·NR] (row pitch ldc) = (acc ? C : 0) + Apacked · B over kc (B rows bk bytes apart, panels bj). */
  kernel(a: number, b: number, c: number, ldc: number, mtiles: number, ntiles: number, kc: number, acc: number, bk: number, bj: number): void;
  /**
   * C = A·B for one 2-d product, packing included (see gemmFn); apack/bpack/tile are scratch
   * blocks; inPlaceB = 1 reads B unpacked (rows contiguous, N a multiple of NR).
   */
  gemm(a: number, saM: number, saK: number, b: number, sbK: number, sbN: number, c: number, ldc: number, M: number, N: number, K: number, KC: number, MC: number, NC: number, apack: number, bpack: number, tile: number, inPlaceB: number): void;
  /** C = A·B for M < mr rows, B row-contiguous (sbN = element size), unpacked (see smallMFn). */
  smallM(a: number, saM: number, saK: number, b: number, sbK: number, c: number, ldc: number, M: number, N: number, K: number): void;
  /** C = A·B for a few rows, A rows and B columns contiguous along k (x·Wᵀ), as dot products (see dotRowsFn). */
  dotRows(a: number, saM: number, b: number, sbN: number, c: number, ldc: number, M: number, N: number, K: number, bias: number, sBias: number, relu: number): void;
  mr: number;
  nr: number;
  elem: number;
}

// i8x16.shuffle lane patterns of a 4×4 float32 transpose (two rounds of interleaving).
const LO_PAIRS = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const HI_PAIRS = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
const LO_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HI_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

function packFn(name: string, elem: number, width: number): Fn {
  // (src, sOuter, sInner, count, kc, dst, panels): panel p, step k, lane j ← src[(p*width+j)*sOuter + k*sInner],
  // zero lanes past `count`. Full panels take a SIMD path when lanes are adjacent (one or two v128
  // per k) or, for float32, when each lane is contiguous along k (4×4 transposes).
  const f = new Fn(name, [I32, I32, I32, I32, I32, I32, I32]);
  const [src, sOut, sIn, count, kc, dst, panels] = [0, 1, 2, 3, 4, 5, 6];
  const p = f.local(I32), k = f.local(I32), base = f.local(I32), idx = f.local(I32), full = f.local(I32), at = f.local(I32);
  const rows = Array.from({ length: width }, () => f.local(I32));
  const r = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const t = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const load = elem === 4 ? op.f32Load : op.f64Load, store = elem === 4 ? op.f32Store : op.f64Store;
  const align = elem === 4 ? 2 : 3;
  const bytes = width * elem;
  const shuffle = (a: number, b: number, lanes: number[]) => f.get(a).get(b).v(simd.i8x16Shuffle).emit(...lanes);
  const scalarSteps = () => {
    // k from its current value to kc, one element per lane.
    f.block(() => f.loop(() => {
      f.get(k).get(kc).emit(op.i32GeS, op.brIf, 1);
      f.get(base).get(k).get(sIn).emit(op.i32Mul, op.i32Add).set(at);
      for (let j = 0; j < width; j++) f.get(dst).get(at).i32(j).get(sOut).emit(op.i32Mul, op.i32Add).mem(load, align).mem(store, align, j * elem);
      f.addTo(dst, () => f.i32(bytes));
      f.addTo(k, () => f.i32(1));
      f.emit(op.br, 0);
    }));
  };
  f.get(count).i32(width).emit(op.i32DivU).set(full);
  f.forRange(p, () => f.get(panels), () => {
    f.get(src).get(p).i32(width).emit(op.i32Mul).get(sOut).emit(op.i32Mul, op.i32Add).set(base);
    f.i32(0).set(k);
    f.get(p).get(full).emit(op.i32LtS, op.if, 0x40);
    {
      f.get(sOut).i32(elem).emit(op.i32Eq, op.if, 0x40);
      // Lanes adjacent in memory: copy `bytes` per k.
      f.forRange(k, () => f.get(kc), () => {
        f.get(base).get(k).get(sIn).emit(op.i32Mul, op.i32Add).set(at);
        for (let o = 0; o < bytes; o += 16) f.get(dst).get(at).vmem(simd.load, 0, o).vmem(simd.store, 4, o);
        f.addTo(dst, () => f.i32(bytes));
      });
      f.emit(op.else);
      if (elem === 4) {
        f.get(sIn).i32(4).emit(op.i32Eq, op.if, 0x40);
        // Each lane contiguous along k: 4 k-steps of 4 lanes at a time through a 4×4 transpose.
        for (let j = 0; j < width; j++) f.get(base).i32(j).get(sOut).emit(op.i32Mul, op.i32Add).set(rows[j]);
        f.block(() => f.loop(() => {
          f.get(k).i32(4).emit(op.i32Add).get(kc).emit(op.i32GtS, op.brIf, 1);
          for (let g = 0; g < width / 4; g++) {
            for (let i = 0; i < 4; i++) f.get(rows[4 * g + i]).get(k).i32(2).emit(op.i32Shl, op.i32Add).vmem(simd.load, 0).set(r[i]);
            shuffle(r[0], r[1], LO_PAIRS).set(t[0]);
            shuffle(r[0], r[1], HI_PAIRS).set(t[1]);
            shuffle(r[2], r[3], LO_PAIRS).set(t[2]);
            shuffle(r[2], r[3], HI_PAIRS).set(t[3]);
            f.get(dst); shuffle(t[0], t[2], LO_HALVES).vmem(simd.store, 4, 16 * g);
            f.get(dst); shuffle(t[0], t[2], HI_HALVES).vmem(simd.store, 4, bytes + 16 * g);
            f.get(dst); shuffle(t[1], t[3], LO_HALVES).vmem(simd.store, 4, 2 * bytes + 16 * g);
            f.get(dst); shuffle(t[1], t[3], HI_HALVES).vmem(simd.store, 4, 3 * bytes + 16 * g);
          }
          f.addTo(dst, () => f.i32(4 * bytes));
          f.addTo(k, () => f.i32(4));
          f.emit(op.br, 0);
        }));
        scalarSteps();
        f.emit(op.else);
        scalarSteps();
        f.emit(op.end);
      } else {
        scalarSteps();
      }
      f.emit(op.end);
    }
    f.emit(op.else);
    // The last, partial panel: zeros past `count`.
    f.forRange(k, () => f.get(kc), () => {
      f.get(base).get(k).get(sIn).emit(op.i32Mul, op.i32Add).set(at);
      for (let j = 0; j < width; j++) {
        f.get(p).i32(width).emit(op.i32Mul).i32(j).emit(op.i32Add).set(idx);
        f.get(dst);
        f.get(idx).get(count).emit(op.i32LtS, op.if, elem === 4 ? F32 : F64);
        f.get(at).i32(j).get(sOut).emit(op.i32Mul, op.i32Add).mem(load, align);
        f.emit(op.else);
        if (elem === 4) f.f32(0);
        else f.f64(0);
        f.emit(op.end);
        f.mem(store, align, j * elem);
      }
      f.addTo(dst, () => f.i32(bytes));
    });
    f.emit(op.end);
  });
  return f;
}

// (a, b, c, ldc, mtiles, ntiles, kc, acc, bk, bj): C tiles (row pitch ldc) = (acc ? C : 0) +
// A panels · B, the B rows of a panel bk bytes apart and panels bj apart (packed B: NR·elem and
// kc·NR·elem; B used in place: its row stride and NR·elem). One k-step per loop iteration: unrolling
// makes V8 hoist the A splats of both steps and spill accumulators (measured: 46 vs 30 GFLOP/s).
function kernelFn(elem: number, fma: boolean, MR: number): Fn {
  const NR = elem === 4 ? 8 : 4;
  const f = new Fn("kernel", Array<ValType>(10).fill(I32));
  const [a, b, c, ldc, mtiles, ntiles, kc, accumulate, bk, bj] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
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
      f.block(() => {
        f.get(k).emit(op.i32Eqz, op.brIf, 0);
        f.loop(() => {
          f.get(bp).vmem(simd.load, 2, 0).set(bv[0]);
          f.get(bp).vmem(simd.load, 2, 16).set(bv[1]);
          for (let r = 0; r < MR; r++) {
            f.get(ap).vmem(splatLoad, elem === 4 ? 2 : 3, r * elem).set(av);
            for (let j = 0; j < 2; j++) {
              if (fma) f.get(av).get(bv[j]).get(acc[r][j]).v(vmadd).set(acc[r][j]);
              else f.get(acc[r][j]).get(av).get(bv[j]).v(vmul).v(vadd).set(acc[r][j]);
            }
          }
          f.addTo(ap, () => f.i32(MR * elem));
          f.addTo(bp, () => f.get(bk));
          f.get(k).i32(1).emit(op.i32Sub).tee(k).emit(op.brIf, 0);
        });
      });
      f.get(accumulate).emit(op.if, 0x40);
      f.get(cp).set(cr);
      for (let r = 0; r < MR; r++) {
        for (let j = 0; j < 2; j++) f.get(acc[r][j]).get(cr).vmem(simd.load, 2, 16 * j).v(vadd).set(acc[r][j]);
        f.addTo(cr, () => f.get(ldc));
      }
      f.emit(op.end);
      f.get(cp).set(cr);
      for (let r = 0; r < MR; r++) {
        for (let j = 0; j < 2; j++) f.get(cr).get(acc[r][j]).vmem(simd.store, 2, 16 * j);
        f.addTo(cr, () => f.get(ldc));
      }
      f.addTo(apanel, () => f.get(kc).i32(MR * elem).emit(op.i32Mul));
      f.addTo(cp, () => f.get(ldc).i32(MR).emit(op.i32Mul));
    });
    f.addTo(b, () => f.get(bj));
    f.addTo(c, () => f.i32(NR * elem));
  });
  return f;
}

// Copies a rows×cols block of elements between two pitches (bytes), as raw bits.
function copyBlock(f: Fn, elem: number, from: number, fromPitch: () => void, to: number, toPitch: () => void, rows: number, cols: number, tmp: { r: number; j: number; s: number; d: number }): void {
  f.forRange(tmp.r, () => f.get(rows), () => {
    f.get(from).get(tmp.r); fromPitch(); f.emit(op.i32Mul, op.i32Add).set(tmp.s);
    f.get(to).get(tmp.r); toPitch(); f.emit(op.i32Mul, op.i32Add).set(tmp.d);
    f.forRange(tmp.j, () => f.get(cols), () => {
      f.get(tmp.d).get(tmp.s);
      if (elem === 4) f.mem(op.i32Load, 2).mem(op.i32Store, 2);
      else f.mem(op.i64Load, 3).mem(op.i64Store, 3);
      f.addTo(tmp.s, () => f.i32(elem));
      f.addTo(tmp.d, () => f.i32(elem));
    });
  });
}

/**
 * The blocked product C[M,N] (row pitch ldc) = A[M,K] · B[K,N] over strided operands (all in bytes),
 * in the Goto/BLIS order: column blocks of NC, k-blocks of KC (B block packed), row blocks of MC (A
 * block packed), then the macro kernel over full tiles. Edge tiles go through a one-tile buffer, so
 * nothing outside C's M×N elements is written (threads may share C).
 */
function gemmFn(elem: number, MR: number, NR: number): Fn {
  const f = new Fn("gemm", Array<ValType>(18).fill(I32));
  const [a, saM, saK, b, sbK, sbN, c, ldc, M, N, K, KC, MC, NC, apack, bpack, tile, inPlaceB] = Array.from({ length: 18 }, (_, i) => i);
  const bsrc = f.local(I32), bk = f.local(I32), bj = f.local(I32);
  const jc = f.local(I32), pc = f.local(I32), ic = f.local(I32), nc = f.local(I32), kc = f.local(I32), mc = f.local(I32);
  const nfull = f.local(I32), ncRem = f.local(I32), mfull = f.local(I32), mcRem = f.local(I32), acc = f.local(I32), cblk = f.local(I32);
  const t = f.local(I32), rows = f.local(I32), cols = f.local(I32), cpos = f.local(I32), ir = f.local(I32);
  const tmp = { r: f.local(I32), j: f.local(I32), s: f.local(I32), d: f.local(I32) };
  const [PACK_A, PACK_B, KERNEL] = [0, 1, 2];
  const min = (x: number, y: () => void, out: number) => {
    // out = min(x, y())
    f.get(x); y(); f.get(x); y(); f.emit(op.i32LtS, op.select).set(out);
  };
  const loop = (i: number, n: number, step: number, body: () => void) => {
    f.i32(0).set(i);
    f.block(() => {
      f.get(i).get(n).emit(op.i32GeS, op.brIf, 0);
      f.loop(() => {
        body();
        f.get(i).get(step).emit(op.i32Add).tee(i).get(n).emit(op.i32LtS, op.brIf, 0);
      });
    });
  };
  // One edge tile at panel (ir, jr = t): through `tile` (pitch NR·elem), rows×cols of it valid.
  const edge = (irL: number, jrL: number) => {
    f.get(cblk).get(irL).i32(MR).emit(op.i32Mul).get(ldc).emit(op.i32Mul, op.i32Add).get(jrL).i32(NR * elem).emit(op.i32Mul, op.i32Add).set(cpos);
    f.get(acc).emit(op.if, 0x40);
    copyBlock(f, elem, cpos, () => f.get(ldc), tile, () => f.i32(NR * elem), rows, cols, tmp);
    f.emit(op.end);
    f.get(apack).get(irL).get(kc).emit(op.i32Mul).i32(MR * elem).emit(op.i32Mul, op.i32Add);
    f.get(bsrc).get(jrL).get(bj).emit(op.i32Mul, op.i32Add);
    f.get(tile).i32(NR * elem).i32(1).i32(1).get(kc).get(acc).get(bk).get(bj).call(KERNEL);
    copyBlock(f, elem, tile, () => f.i32(NR * elem), cpos, () => f.get(ldc), rows, cols, tmp);
  };
  loop(jc, N, NC, () => {
    min(NC, () => f.get(N).get(jc).emit(op.i32Sub), nc);
    f.get(nc).i32(NR).emit(op.i32DivU).set(nfull);
    f.get(nc).get(nfull).i32(NR).emit(op.i32Mul, op.i32Sub).set(ncRem);
    loop(pc, K, KC, () => {
      min(KC, () => f.get(K).get(pc).emit(op.i32Sub), kc);
      f.get(pc).i32(0).emit(op.i32GtS).set(acc);
      f.get(b).get(pc).get(sbK).emit(op.i32Mul, op.i32Add).get(jc).get(sbN).emit(op.i32Mul, op.i32Add).set(bsrc);
      f.get(inPlaceB).emit(op.if, 0x40);
      // B rows contiguous and N a multiple of NR: the kernel reads B where it lies.
      f.get(sbK).set(bk).i32(NR * elem).set(bj);
      f.emit(op.else);
      f.get(bsrc).get(sbN).get(sbK).get(nc).get(kc).get(bpack).get(nc).i32(NR - 1).emit(op.i32Add).i32(NR).emit(op.i32DivU).call(PACK_B);
      f.get(bpack).set(bsrc).i32(NR * elem).set(bk).get(kc).i32(NR * elem).emit(op.i32Mul).set(bj);
      f.emit(op.end);
      loop(ic, M, MC, () => {
        min(MC, () => f.get(M).get(ic).emit(op.i32Sub), mc);
        f.get(mc).i32(MR).emit(op.i32DivU).set(mfull);
        f.get(mc).get(mfull).i32(MR).emit(op.i32Mul, op.i32Sub).set(mcRem);
        f.get(a).get(ic).get(saM).emit(op.i32Mul, op.i32Add).get(pc).get(saK).emit(op.i32Mul, op.i32Add);
        f.get(saM).get(saK).get(mc).get(kc).get(apack).get(mc).i32(MR - 1).emit(op.i32Add).i32(MR).emit(op.i32DivU).call(PACK_A);
        f.get(c).get(ic).get(ldc).emit(op.i32Mul, op.i32Add).get(jc).i32(elem).emit(op.i32Mul, op.i32Add).set(cblk);
        f.get(mfull).get(nfull).emit(op.i32Mul, op.if, 0x40);
        f.get(apack).get(bsrc).get(cblk).get(ldc).get(mfull).get(nfull).get(kc).get(acc).get(bk).get(bj).call(KERNEL);
        f.emit(op.end);
        // The right edge column of tiles (all row panels, the corner included), then the bottom edge row.
        f.get(ncRem).emit(op.if, 0x40);
        f.get(ncRem).set(cols);
        f.get(mc).i32(MR - 1).emit(op.i32Add).i32(MR).emit(op.i32DivU).set(t);
        f.forRange(ir, () => f.get(t), () => {
          f.i32(MR).get(mcRem).get(ir).get(mfull).emit(op.i32LtS, op.select).set(rows);
          edge(ir, nfull);
        });
        f.emit(op.end);
        f.get(mcRem).emit(op.if, 0x40);
        f.get(mcRem).set(rows).i32(NR).set(cols);
        f.forRange(t, () => f.get(nfull), () => edge(mfull, t));
        f.emit(op.end);
      });
    });
  });
  return f;
}

/**
 * C[M,N] = A·B for a few rows of A (M < MR) and a row-contiguous B, without packing: for each
 * row, vectors of C along N accumulate A[m,k]·B[k, n..] over k, so B is read once per row (what a
 * batch-1 inference needs: packing B would cost as much as the product).
 */
function smallMFn(elem: number, fma: boolean): Fn {
  const f = new Fn("smallM", Array<ValType>(10).fill(I32));
  const [a, saM, saK, b, sbK, c, ldc, M, N, K] = Array.from({ length: 10 }, (_, i) => i);
  const m = f.local(I32), n = f.local(I32), k = f.local(I32), ap = f.local(I32), bp = f.local(I32), arow = f.local(I32), crow = f.local(I32);
  const acc = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)], av = f.local(V128);
  const sacc = f.local(elem === 4 ? F32 : F64);
  const L = 16 / elem; // lanes
  const [vmul, vadd, vmadd, splat, zero] = elem === 4
    ? [simd.f32x4Mul, simd.f32x4Add, simd.f32x4RelaxedMadd, simd.load32Splat, () => f.f32(0).v(simd.f32x4Splat)]
    : [simd.f64x2Mul, simd.f64x2Add, simd.f64x2RelaxedMadd, simd.load64Splat, () => f.f64(0).v(simd.f64x2Splat)];
  const align = elem === 4 ? 2 : 3;
  const block = (vecs: number) => {
    // while n + vecs·L <= N: C[m, n .. n + vecs·L) over all k
    f.block(() => f.loop(() => {
      f.get(n).i32(vecs * L).emit(op.i32Add).get(N).emit(op.i32GtS, op.brIf, 1);
      for (let j = 0; j < vecs; j++) { zero(); f.set(acc[j]); }
      f.get(arow).set(ap).get(b).get(n).i32(elem).emit(op.i32Mul, op.i32Add).set(bp);
      f.forRange(k, () => f.get(K), () => {
        f.get(ap).vmem(splat, align).set(av);
        for (let j = 0; j < vecs; j++) {
          if (fma) f.get(av).get(bp).vmem(simd.load, 0, 16 * j).get(acc[j]).v(vmadd).set(acc[j]);
          else f.get(acc[j]).get(av).get(bp).vmem(simd.load, 0, 16 * j).v(vmul).v(vadd).set(acc[j]);
        }
        f.addTo(ap, () => f.get(saK));
        f.addTo(bp, () => f.get(sbK));
      });
      for (let j = 0; j < vecs; j++) f.get(crow).get(n).i32(elem).emit(op.i32Mul, op.i32Add).get(acc[j]).vmem(simd.store, 0, 16 * j);
      f.addTo(n, () => f.i32(vecs * L));
      f.emit(op.br, 0);
    }));
  };
  const [ld, st, mul, add, max] = elem === 4 ? [op.f32Load, op.f32Store, 0x94, op.f32Add, 0x97] : [op.f64Load, op.f64Store, op.f64Mul, op.f64Add, op.f64Max];
  f.forRange(m, () => f.get(M), () => {
    f.get(a).get(m).get(saM).emit(op.i32Mul, op.i32Add).set(arow);
    f.get(c).get(m).get(ldc).emit(op.i32Mul, op.i32Add).set(crow);
    f.i32(0).set(n);
    block(4);
    block(1);
    // The last columns one by one.
    f.block(() => f.loop(() => {
      f.get(n).get(N).emit(op.i32GeS, op.brIf, 1);
      if (elem === 4) f.f32(0); else f.f64(0);
      f.set(sacc);
      f.get(arow).set(ap).get(b).get(n).i32(elem).emit(op.i32Mul, op.i32Add).set(bp);
      f.forRange(k, () => f.get(K), () => {
        f.get(sacc).get(ap).mem(ld, align).get(bp).mem(ld, align).emit(mul, add).set(sacc);
        f.addTo(ap, () => f.get(saK));
        f.addTo(bp, () => f.get(sbK));
      });
      f.get(crow).get(n).i32(elem).emit(op.i32Mul, op.i32Add).get(sacc).mem(st, align);
      f.addTo(n, () => f.i32(1));
      f.emit(op.br, 0);
    }));
  });
  return f;
}

/**
 * C[M,N] = A·B where A's rows and B's columns are contiguous along k — x·Wᵀ with a Linear layer's
 * [out, in] weight, as a batch-1 inference has it — as dot products: four columns at a time, each
 * a vector accumulator over k (the row of A loaded once for the four), summed across lanes at the
 * end, then the last k % lanes terms one by one, then the bias (address 0: none), then relu when
 * `relu` is 1. No packing: W is read once per row of A.
 */
function dotRowsFn(elem: number, fma: boolean): Fn {
  const f = new Fn("dotRows", Array<ValType>(12).fill(I32));
  const [a, saM, b, sbN, c, ldc, M, N, K, bias, sBias, relu] = Array.from({ length: 12 }, (_, i) => i);
  const m = f.local(I32), n = f.local(I32), k = f.local(I32), kv = f.local(I32), ap = f.local(I32), arow = f.local(I32), crow = f.local(I32), t = f.local(I32);
  const bp = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const acc = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)], av = f.local(V128);
  const sum = f.local(elem === 4 ? F32 : F64);
  const L = 16 / elem;
  const [vmul, vadd, vmadd, zero] = elem === 4
    ? [simd.f32x4Mul, simd.f32x4Add, simd.f32x4RelaxedMadd, () => f.f32(0).v(simd.f32x4Splat)]
    : [simd.f64x2Mul, simd.f64x2Add, simd.f64x2RelaxedMadd, () => f.f64(0).v(simd.f64x2Splat)];
  const [ld, st, mul, add, max] = elem === 4 ? [op.f32Load, op.f32Store, 0x94, op.f32Add, 0x97] : [op.f64Load, op.f64Store, op.f64Mul, op.f64Add, op.f64Max];
  const align = elem === 4 ? 2 : 3;
  const lane = (v: number, i: number) => f.get(v).v(elem === 4 ? simd.f32x4ExtractLane : simd.f64x2ExtractLane).emit(i);
  const cols = (w: number) => {
    f.block(() => f.loop(() => {
      f.get(n).i32(w).emit(op.i32Add).get(N).emit(op.i32GtS, op.brIf, 1);
      for (let j = 0; j < w; j++) {
        zero();
        f.set(acc[j]);
        f.get(b).get(n).i32(j).emit(op.i32Add).get(sbN).emit(op.i32Mul, op.i32Add).set(bp[j]);
      }
      f.get(arow).set(ap);
      f.i32(0).set(k);
      f.block(() => f.loop(() => {
        f.get(k).get(kv).emit(op.i32GeS, op.brIf, 1);
        f.get(ap).vmem(simd.load, 0).set(av);
        for (let j = 0; j < w; j++) {
          if (fma) f.get(av).get(bp[j]).vmem(simd.load, 0).get(acc[j]).v(vmadd).set(acc[j]);
          else f.get(acc[j]).get(av).get(bp[j]).vmem(simd.load, 0).v(vmul).v(vadd).set(acc[j]);
          f.addTo(bp[j], () => f.i32(16));
        }
        f.addTo(ap, () => f.i32(16));
        f.addTo(k, () => f.i32(L));
        f.emit(op.br, 0);
      }));
      for (let j = 0; j < w; j++) {
        // Lanes summed pairwise, then the tail of k in order.
        if (elem === 4) { lane(acc[j], 0); lane(acc[j], 1); f.emit(add); lane(acc[j], 2); lane(acc[j], 3); f.emit(add, add); }
        else { lane(acc[j], 0); lane(acc[j], 1); f.emit(add); }
        f.set(sum);
        f.forRange(t, () => f.get(K).get(kv).emit(op.i32Sub), () => {
          f.get(sum).get(ap).get(t).i32(elem).emit(op.i32Mul, op.i32Add).mem(ld, align).get(bp[j]).get(t).i32(elem).emit(op.i32Mul, op.i32Add).mem(ld, align).emit(mul, add).set(sum);
        });
        // + bias[n + j] when there is one: rounded after the sum, as a separate add would be.
        f.get(bias).emit(op.if, 0x40);
        f.get(sum).get(bias).get(n).i32(j).emit(op.i32Add).get(sBias).emit(op.i32Mul, op.i32Add).mem(ld, align).emit(add).set(sum);
        f.emit(op.end);
        // relu (when asked) on the rounded sum: max(x, 0) as the relu kernel computes it.
        f.get(relu).emit(op.if, 0x40);
        f.get(sum);
        if (elem === 4) f.f32(0);
        else f.f64(0);
        f.emit(max).set(sum);
        f.emit(op.end);
        f.get(crow).get(n).i32(j).emit(op.i32Add).i32(elem).emit(op.i32Mul, op.i32Add).get(sum).mem(st, align);
      }
      f.addTo(n, () => f.i32(w));
      f.emit(op.br, 0);
    }));
  };
  f.get(K).i32(L).emit(op.i32DivU).i32(L).emit(op.i32Mul).set(kv);
  f.forRange(m, () => f.get(M), () => {
    f.get(a).get(m).get(saM).emit(op.i32Mul, op.i32Add).set(arow);
    f.get(c).get(m).get(ldc).emit(op.i32Mul, op.i32Add).set(crow);
    f.i32(0).set(n);
    cols(4);
    cols(1);
  });
  return f;
}

/** The bytes of the GEMM module (packA, packB, kernel, gemm), importing a memory (shared or not). */
export function gemmModule(elem: 4 | 8, fma: boolean, mr = 4, shared = false): Uint8Array<ArrayBuffer> {
  const nr = elem === 4 ? 8 : 4;
  return assemble([packFn("packA", elem, mr), packFn("packB", elem, nr), kernelFn(elem, fma, mr), gemmFn(elem, mr, nr), smallMFn(elem, fma), dotRowsFn(elem, fma)], [], shared);
}
