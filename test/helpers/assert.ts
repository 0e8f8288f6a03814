// Numeric assertions for tensors: shapes equal, values close (NaN equals NaN, infinities match).
import assert from "node:assert/strict";
import type { Tensor } from "../../src/index.js";

export function flat(v: unknown): number[] {
  if (Array.isArray(v)) return v.flatMap(flat);
  if (typeof v === "boolean") return [v ? 1 : 0];
  return [v as number];
}

/** Asserts `actual` ≈ `expected` elementwise: |a - e| <= atol + rtol * |e|. */
export function assertClose(actual: Tensor | ArrayLike<number> | number, expected: unknown, opts: { rtol?: number; atol?: number; msg?: string } = {}): void {
  const rtol = opts.rtol ?? 1e-5, atol = opts.atol ?? 1e-6;
  const a = typeof actual === "number" ? [actual] : "dataSync" in (actual as object) ? Array.from((actual as Tensor).dataSync()) : Array.from(actual as ArrayLike<number>);
  const e = flat(expected);
  assert.equal(a.length, e.length, `${opts.msg ?? ""} length ${a.length} != ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y)) { assert.ok(Number.isNaN(x), `${opts.msg ?? ""} [${i}]: expected NaN, got ${x}`); continue; }
    if (!Number.isFinite(y)) { assert.equal(x, y, `${opts.msg ?? ""} [${i}]: expected ${y}, got ${x}`); continue; }
    assert.ok(Math.abs(x - y) <= atol + rtol * Math.abs(y), `${opts.msg ?? ""} [${i}]: got ${x}, expected ${y} (rtol ${rtol}, atol ${atol})`);
  }
}
