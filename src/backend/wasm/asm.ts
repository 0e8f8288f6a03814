// A small WebAssembly assembler: enough of the binary format (types, imports of one memory and
// some functions, function bodies, exports) and of the instruction set (scalar, SIMD128,
// relaxed SIMD) to emit the wasm backend's kernels at run time from TypeScript.

/** Value types. */
export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

/** Scalar opcodes (one byte), named as in the text format. */
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i64Load: 0x29, f32Load: 0x2a, f64Load: 0x2b, i32Load8u: 0x2d,
  i32Store: 0x36, i64Store: 0x37, f32Store: 0x38, f64Store: 0x39, i32Store8: 0x3a,
  i32Const: 0x41, f32Const: 0x43, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32LeS: 0x4c, i32GeS: 0x4e, i32GeU: 0x4f,
  f64Eq: 0x61, f64Ne: 0x62, f64Lt: 0x63, f64Gt: 0x64, f64Le: 0x65, f64Ge: 0x66,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivU: 0x6e, i32And: 0x71, i32Or: 0x72, i32Shl: 0x74, i32ShrU: 0x76,
  f32Add: 0x92,
  f64Abs: 0x99, f64Neg: 0x9a, f64Ceil: 0x9b, f64Floor: 0x9c, f64Nearest: 0x9e, f64Sqrt: 0x9f,
  f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3, f64Min: 0xa4, f64Max: 0xa5,
  i32WrapI64: 0xa7, i32TruncF64S: 0xaa, f32DemoteF64: 0xb6, f64ConvertI32S: 0xb7, f64ConvertI32U: 0xb8, f64PromoteF32: 0xbb,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const simd = {
  load: 0x00, load32Splat: 0x09, load64Splat: 0x0a, store: 0x0b, i8x16Shuffle: 0x0d,
  i32x4Splat: 0x11, i64x2Splat: 0x12, f32x4Splat: 0x13, f64x2Splat: 0x14, f32x4ExtractLane: 0x1f, f32x4ReplaceLane: 0x20, f64x2ExtractLane: 0x21,
  f64x2Lt: 0x49, f64x2Nearest: 0x94, i32x4Shl: 0xab, i32x4ShrS: 0xac, i32x4Add: 0xae, i32x4Sub: 0xb1, i32x4TruncSatF32x4S: 0xf8, i64x2ExtendLowI32x4S: 0xc7, i64x2Shl: 0xcb, i64x2Add: 0xce,
  f64x2Abs: 0xec, f64x2Neg: 0xed, f64x2Sub: 0xf1, f64x2Div: 0xf3, f64x2Min: 0xf4, f64x2Max: 0xf5, i32x4TruncSatF64x2SZero: 0xfc,
  f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Le: 0x45, f32x4Ge: 0x46,
  v128And: 0x4e, v128Or: 0x50, v128Bitselect: 0x52,
  f32x4DemoteF64x2Zero: 0x5e, f64x2PromoteLowF32x4: 0x5f,
  f32x4Ceil: 0x67, f32x4Floor: 0x68, f32x4Nearest: 0x6a,
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6,
  f32x4Div: 0xe7, f32x4Min: 0xe8, f32x4Max: 0xe9,
  f64x2Add: 0xf0, f64x2Mul: 0xf2,
  f32x4RelaxedMadd: 0x105, f64x2RelaxedMadd: 0x107,
} as const;

export function uleb(n: number, out: number[] = []): number[] {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function sleb(n: number, out: number[] = []): number[] {
  for (;;) {
    const b = n & 0x7f;
    n = Math.floor(n / 128);
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];

/** Builds one function body. Locals are numbered after the params; `local(type)` adds one. */
export class Fn {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  /** Code run once at entry, before `code` (constants hoisted out of loops). */
  private readonly prologue: number[] = [];
  private readonly splats = new Map<string, number>();
  constructor(readonly name: string, readonly params: ValType[], readonly results: ValType[] = []) {}

  /** Pushes a constant f64x2 (or f32x4) splat, materialised once at function entry into a local. */
  splat(v: number, lanes: "f64x2" | "f32x4" = "f64x2"): this {
    const key = `${lanes}:${Object.is(v, -0) ? "-0" : v}`;
    let l = this.splats.get(key);
    if (l === undefined) {
      l = this.local(V128);
      this.splats.set(key, l);
      if (lanes === "f64x2") this.prologue.push(op.f64Const, ...new Uint8Array(new Float64Array([v]).buffer), 0xfd, ...uleb(simd.f64x2Splat));
      else this.prologue.push(op.f32Const, ...new Uint8Array(new Float32Array([v]).buffer), 0xfd, ...uleb(simd.f32x4Splat));
      this.prologue.push(op.localSet, ...uleb(l));
    }
    return this.get(l);
  }

  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
  emit(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  get(l: number): this { return this.emit(op.localGet, ...uleb(l)); }
  set(l: number): this { return this.emit(op.localSet, ...uleb(l)); }
  tee(l: number): this { return this.emit(op.localTee, ...uleb(l)); }
  i32(v: number): this { return this.emit(op.i32Const, ...sleb(v | 0)); }
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.emit(op.f64Const, ...b);
  }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.emit(op.f32Const, ...b);
  }
  /** A load/store with memarg (align as log2 bytes, constant byte offset). */
  mem(opcode: number, align: number, offset = 0): this { return this.emit(opcode, align, ...uleb(offset)); }
  v(opcode: number): this { return this.emit(0xfd, ...uleb(opcode)); }
  vmem(opcode: number, align: number, offset = 0): this { return this.emit(0xfd, ...uleb(opcode), align, ...uleb(offset)); }
  call(index: number): this { return this.emit(op.call, ...uleb(index)); }
  /** `block` (br 0 exits it). */
  block(body: () => void): this {
    this.emit(op.block, 0x40); body(); return this.emit(op.end);
  }
  /** `loop` (br 0 repeats it). */
  loop(body: () => void): this {
    this.emit(op.loop, 0x40); body(); return this.emit(op.end);
  }
  /** for (i = 0; i < n; i++) body — the loop is skipped when n <= 0. */
  forRange(i: number, n: () => void, body: () => void): this {
    this.i32(0).set(i);
    return this.block(() => {
      this.get(i); n(); this.emit(op.i32GeS, op.brIf, 0);
      this.loop(() => {
        body();
        this.get(i).i32(1).emit(op.i32Add).tee(i); n(); this.emit(op.i32LtS, op.brIf, 0);
      });
    });
  }
  /** local += delta (i32). */
  addTo(l: number, delta: () => void): this {
    this.get(l); delta(); return this.emit(op.i32Add).set(l);
  }

  encode(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...this.prologue, ...this.code, op.end];
    return [...uleb(body.length), ...body];
  }
}

const section = (id: number, content: number[]): number[] => (content.length ? [id, ...uleb(content.length), ...content] : []);
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const funcType = (p: ValType[], r: ValType[]): number[] => [0x60, ...uleb(p.length), ...p, ...uleb(r.length), ...r];

/** A module that imports `env.memory` and the functions of `imports`, and exports its functions. */
export function assemble(fns: Fn[], imports: { name: string; params: ValType[]; results: ValType[] }[] = [], shared = false): Uint8Array<ArrayBuffer> {
  const types = [...imports.map((f) => funcType(f.params, f.results)), ...fns.map((f) => funcType(f.params, f.results))];
  const mem = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  const importSec = vec([
    [...utf8("env"), ...utf8("memory"), 0x02, ...mem],
    ...imports.map((f, i) => [...utf8("env"), ...utf8(f.name), 0x00, ...uleb(i)]),
  ]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, importSec),
    ...section(3, vec(fns.map((_, i) => uleb(imports.length + i)))),
    ...section(7, vec(fns.map((f, i) => [...utf8(f.name), 0x00, ...uleb(imports.length + i)]))),
    ...section(10, vec(fns.map((f) => f.encode()))),
  ];
  return new Uint8Array(bytes);
}
