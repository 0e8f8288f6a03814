// The traced program: values (storages the step touches) and nodes (the backend calls that read and
// write them, in launch order), with the queries the passes share and the text `compiled.graph` prints.
import type { Activation } from "../backend/backend.js";
import type { DType, TypedArray } from "../core/dtype.js";
import type { Expr, Kernel } from "../ir/expr.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * What a value is to the compiled program:
 * - input: the storage of argument `input` (a new one at every call);
 * - captured: existed before the trace (a parameter, optimizer state, a gradient being accumulated);
 * - pinned: made during the trace and still alive after it (a parameter's fresh `.grad`): every
 *   call writes it in place, so whoever holds it sees the new values, as eagerly;
 * - output: made during the trace and returned: every call returns it in a fresh storage;
 * - const: uploaded from host data during the trace (a `ds.tensor([...])` inside fn);
 * - temp: made and freed during the trace: its buffer comes from the memory plan.
 */
export type ValueKind = "input" | "captured" | "pinned" | "output" | "const" | "temp";

export interface Value {
  readonly id: number;
  kind: ValueKind;
  readonly dtype: DType;
  /** Elements of its storage. */
  readonly length: number;
  /** Argument index (inputs). */
  input?: number;
  /** Host copy of the uploaded data (consts). */
  data?: TypedArray;
}

/** A strided window on a value, as a backend View on its storage. */
export interface Ref {
  readonly v: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type Node =
  /** An elementwise/reduction kernel: into `out` (in place) or into a new contiguous value `def`. */
  | { op: "run"; kernel: Kernel; inputs: Ref[]; shape: readonly number[]; out: Ref | null; def: number | null; members: string[] }
  /** A product, then + bias, then `act`, into a new value `def`; `folded`: the kernels the epilogue pass folded in. */
  | { op: "matmul"; a: Ref; b: Ref; bias: Ref | null; dtype: DType; def: number; act?: Activation; folded?: string[] }
  | { op: "gather"; x: Ref; dim: number; index: Ref; def: number }
  | { op: "scatter"; base: Ref; dim: number; index: Ref; src: Ref; mode: "set" | "add"; def: number }
  | { op: "cumsum"; x: Ref; dim: number; dtype: DType; def: number }
  | { op: "accumulate"; target: Ref; src: Ref }
  /** A new storage: zero-filled at every call when `zero`, else left as it is (its writer follows). */
  | { op: "alloc"; def: number; zero: boolean }
  /** A tensor made on the host at every call (random draws, see prims/trace_hook.ts). */
  | { op: "source"; name: string; fn: () => Tensor; def: number }
  /** `leaf.grad` = a tensor over value `grad` (backward's assignment, made again at every call). */
  | { op: "setgrad"; leaf: Tensor; grad: Ref }
  /** Host work run again at every call (see prims/trace_hook.ts), with the values it read and wrote. */
  | { op: "opaque"; name: string; fn: () => unknown; reads: number[]; writes: number[]; kernels: number };

/** The refs a node reads. */
export function readsOf(n: Node): Ref[] {
  switch (n.op) {
    case "run": return n.out ? [...n.inputs, n.out] : n.inputs;
    case "matmul": return n.bias ? [n.a, n.b, n.bias] : [n.a, n.b];
    case "gather": return [n.x, n.index];
    case "scatter": return [n.base, n.index, n.src];
    case "cumsum": return [n.x];
    case "accumulate": return [n.target, n.src];
    case "setgrad": return [n.grad];
    case "alloc": case "source": case "opaque": return [];
  }
}

/** The values a node reads (opaque nodes included). */
export function readValues(n: Node): number[] {
  return n.op === "opaque" ? n.reads : readsOf(n).map((r) => r.v);
}

/** The values a node writes in place. */
export function writesOf(n: Node): number[] {
  switch (n.op) {
    case "run": return n.out ? [n.out.v] : [];
    case "accumulate": return [n.target.v];
    case "opaque": return n.writes;
    default: return [];
  }
}

/** The value a node creates, if any. */
export function defOf(n: Node): number | null {
  return n.op === "opaque" || n.op === "accumulate" || n.op === "setgrad" ? null : n.def;
}

/** Kernel launches a node costs per call (an alloc without fill costs none; an opaque node, what it launched when traced). */
export function launchesOf(n: Node): number {
  if (n.op === "alloc") return n.zero ? 1 : 0;
  if (n.op === "opaque") return n.kernels;
  if (n.op === "setgrad") return 0;
  return 1;
}

export const launches = (nodes: readonly Node[]): number => nodes.reduce((s, n) => s + launchesOf(n), 0);

/** The shape a run node's new value has (reduced axes kept as 1). */
export function runResultShape(n: Extract<Node, { op: "run" }>): number[] {
  const r = n.kernel.reduce;
  return r ? n.shape.map((d, i) => (r.axes.includes(i) ? 1 : d)) : n.shape.slice();
}

// ---- text --------------------------------------------------------------------------------------

const DT: Record<DType, string> = { float32: "f32", float64: "f64", float16: "f16", int32: "i32", uint8: "u8", bool: "bool" };

/** An expression as text, input i as x{i}. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case "input": return `x${e.index}`;
    case "const": return String(e.value);
    case "unary": return `${e.op}(${exprText(e.a)})`;
    case "binary": return `${e.op}(${exprText(e.a)}, ${exprText(e.b)})`;
    case "where": return `where(${exprText(e.cond)}, ${exprText(e.a)}, ${exprText(e.b)})`;
    case "cast": return `${DT[e.to]}(${exprText(e.a)})`;
  }
}

/** The op name of a one-kernel run node (its expression's top op, or its reduction). */
export function kernelName(k: Kernel): string {
  if (k.reduce) return k.reduce.op;
  const e = k.expr;
  switch (e.kind) {
    case "input": return "copy";
    case "const": return "fill";
    case "cast": return e.a.kind === "input" ? "cast" : kernelName({ expr: e.a, dtype: k.dtype });
    case "where": return "where";
    default: return e.op;
  }
}

function refText(values: readonly Value[], r: Ref): string {
  const v = values[r.v];
  const contiguous = r.offset === 0 && r.strides.every((s, i) => s === r.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const layout = contiguous && r.shape.reduce((a, b) => a * b, 1) === v.length ? "" : `[${r.shape.join(",")}]${contiguous ? "" : `/${r.strides.join(",")}+${r.offset}`}`;
  return `%${r.v}${layout}`;
}

function valueDecl(v: Value, shape?: readonly number[]): string {
  return `%${v.id}:${DT[v.dtype]}[${shape ? shape.join(",") : v.length}]`;
}

/** The program as text, one node a line (like jax.make_jaxpr), fused kernels with their members. */
export function graphText(values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[]): string {
  const lines: string[] = [];
  const byKind = (k: ValueKind) => values.filter((v) => v.kind === k).map((v) => valueDecl(v)).join(" ");
  lines.push(`inputs: ${byKind("input") || "-"}`);
  lines.push(`captured: ${byKind("captured") || "-"}`);
  if (values.some((v) => v.kind === "const")) lines.push(`consts: ${byKind("const")}`);
  const ref = (r: Ref) => refText(values, r);
  for (const n of nodes) {
    switch (n.op) {
      case "run": {
        const name = n.members.length > 1 ? `fused[${n.members.length}]` : kernelName(n.kernel);
        const dst = n.out ? `${ref(n.out)} <-` : `${valueDecl(values[n.def!], runResultShape(n))} =`;
        const red = n.kernel.reduce ? ` ${n.kernel.reduce.op}@[${n.kernel.reduce.axes.join(",")}]` : "";
        lines.push(`  ${dst} ${name}(${n.inputs.map(ref).join(", ")})${red}`);
        if (n.members.length > 1) lines.push(`      members: ${n.members.join(" > ")}; ${DT[n.kernel.dtype]} ${exprText(n.kernel.expr)}`);
        break;
      }
      case "matmul": lines.push(`  ${valueDecl(values[n.def])} = matmul(${ref(n.a)}, ${ref(n.b)}${n.bias ? `, bias ${ref(n.bias)}` : ""})${n.act ? ` > ${n.act}` : ""}`);
        if (n.folded) lines.push(`      members: matmul > ${n.folded.join(" > ")}`);
        break;
      case "gather": lines.push(`  ${valueDecl(values[n.def])} = gather(${ref(n.x)}, dim ${n.dim}, ${ref(n.index)})`); break;
      case "scatter": lines.push(`  ${valueDecl(values[n.def])} = scatter_${n.mode}(${ref(n.base)}, dim ${n.dim}, ${ref(n.index)}, ${ref(n.src)})`); break;
      case "cumsum": lines.push(`  ${valueDecl(values[n.def])} = cumsum(${ref(n.x)}, dim ${n.dim})`); break;
      case "accumulate": lines.push(`  ${ref(n.target)} += ${ref(n.src)}`); break;
      case "alloc": lines.push(`  ${valueDecl(values[n.def])} = ${n.zero ? "zeros" : "empty"}()`); break;
      case "source": lines.push(`  ${valueDecl(values[n.def])} = host ${n.name}()`); break;
      case "setgrad": lines.push(`  leaf.grad := ${ref(n.grad)}`); break;
      case "opaque": lines.push(`  opaque ${n.name}(reads ${n.reads.map((v) => `%${v}`).join(" ")}; writes ${n.writes.map((v) => `%${v}`).join(" ")}; ${n.kernels} kernels)`); break;
    }
  }
  lines.push(`outputs: ${outputs.map(ref).join(", ") || "-"}`);
  const pinned = values.filter((v) => v.kind === "pinned");
  if (pinned.length) lines.push(`pinned (written in place every call): ${pinned.map((v) => `%${v.id}`).join(" ")}`);
  return lines.join("\n");
}
