// Decoding of PyTorch fixture files in tools/gen_nn_fixtures.py's format, and a runner for one
// layer case (state dict in, forward, backward of sum(out * upstream), compare).
import assert from "node:assert/strict";
import * as ds from "../../src/index.js";
import { nn, Tensor, type DType } from "../../src/index.js";
import { assertClose } from "./assert.js";

export type Enc = number | "nan" | "inf" | "-inf";
export interface TSpec { shape: number[]; dtype: DType; data: Enc[] }
export interface ModSpec { type: string; args?: unknown[]; opts?: Record<string, unknown>; children?: ModSpec[] }
export interface LayerCase {
  name: string;
  module: ModSpec;
  dtype: "float32" | "float64";
  train: boolean;
  state: Record<string, TSpec>;
  inputs: TSpec[];
  gradInputs: number[];
  out: (TSpec | null)[];
  upstream: (TSpec | null)[];
  grads: { inputs: (TSpec | null)[]; params: Record<string, TSpec | null> };
  tol?: { rtol: number; atol: number };
}

export const dec = (v: Enc): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

function nest(flat: number[], shape: number[]): unknown {
  let pos = 0;
  const build = (d: number): unknown[] => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? flat[pos++] : build(d + 1)));
  return build(0);
}

export function tensorOf(spec: TSpec, requiresGrad = false): Tensor {
  const vals = spec.data.map(dec);
  const opts = { dtype: spec.dtype, requiresGrad };
  if (spec.shape.length === 0) return ds.tensor(vals[0], opts);
  if (spec.dtype === "bool") return ds.tensor(nest(vals, spec.shape) as number[]).ne(0);
  return ds.tensor(nest(vals, spec.shape) as number[], opts);
}

/** Values with {"$tensor": …} turned into tensors (recursively). */
export function decOpts(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decOpts);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("$tensor" in o) return tensorOf(o.$tensor as TSpec);
    return Object.fromEntries(Object.entries(o).map(([k, u]) => [k, decOpts(u)]));
  }
  return v;
}

type AnyModule = nn.Module<never[], unknown>;
type Ctor = new (...args: unknown[]) => AnyModule;

export function buildModule(spec: ModSpec): AnyModule {
  if (spec.type === "Sequential") {
    return new nn.Sequential(...(spec.children ?? []).map((c) => buildModule(c) as unknown as nn.Module)) as unknown as AnyModule;
  }
  const C = (nn as unknown as Record<string, Ctor>)[spec.type];
  assert.ok(C, `no nn.${spec.type}`);
  const args = (spec.args ?? []).map(decOpts);
  if (spec.opts) args.push(decOpts(spec.opts));
  return new C(...args);
}

export function tolFor(dtype: string, tol?: { rtol: number; atol: number }): { rtol: number; atol: number } {
  const base = dtype === "float64" ? { rtol: 1e-6, atol: 1e-8 } : { rtol: 1e-4, atol: 1e-5 };
  return tol ? { rtol: Math.max(base.rtol, tol.rtol), atol: Math.max(base.atol, tol.atol) } : base;
}

export function closeTo(actual: Tensor, expected: TSpec, tol: { rtol: number; atol: number }, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what} shape`);
  assert.equal(actual.dtype, expected.dtype, `${what} dtype`);
  assertClose(actual, expected.data.map(dec), { ...tol, msg: what });
}

/** Builds the layer, loads PyTorch's state dict, runs forward and backward, compares everything. */
export function runLayerCase(c: LayerCase): void {
  const tol = tolFor(c.dtype, c.tol);
  const m = buildModule(c.module).to(c.dtype).train(c.train);
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), `${c.name}: state-dict keys`);
  m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensorOf(v)])));
  const xs = c.inputs.map((s, i) => tensorOf(s, c.gradInputs.includes(i)));
  const y = (m as unknown as { call(...a: unknown[]): Tensor }).call(...xs);
  closeTo(y, c.out[0]!, tol, `${c.name}: output`);
  y.mul(tensorOf(c.upstream[0]!)).sum().backward();
  c.inputs.forEach((_, i) => {
    const g = c.grads.inputs[i];
    if (g) closeTo(xs[i].grad!, g, tol, `${c.name}: grad of input ${i}`);
  });
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params), Object.keys(c.grads.params), `${c.name}: parameter names`);
  for (const [k, g] of Object.entries(c.grads.params)) if (g) closeTo(params[k].grad!, g, tol, `${c.name}: grad of ${k}`);
}
