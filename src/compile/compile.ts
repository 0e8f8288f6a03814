// ds.compile: per call signature, the first call runs eagerly (lazily made state such as optimizer
// moments comes into being), the second is traced (and computed), later calls replay the
// optimized graph. See docs/ARCHITECTURE.md, "Compile".
import type { Backend } from "../backend/backend.js";
import { backend as activeBackend } from "../backend/registry.js";
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { isGradEnabled } from "../autograd/mode.js";
import { releaseNode } from "../autograd/node.js";
import { Tensor } from "../tensor/tensor.js";
import { keep, ownersByStorage, scope, withoutSpills } from "../tensor/memory.js";
import { wrap } from "../prims/kernel.js";
import { graphText, launches, readsOf, writesOf, type Node, type Ref, type Value } from "./graph.js";
import { Tracer } from "./trace.js";
import { eliminateDeadCode, foldTransposedCopies, fuseElementwise, fuseMatmulEpilogues } from "./passes.js";
import { planMemory } from "./plan.js";
import { eliminateCommonSubexpressions, foldConstants } from "./simplify.js";
import { Program } from "./program.js";

export interface CompileOptions {
  /** Extra state the traced program depends on, made part of the signature (e.g. `() => model.training`). */
  key?: () => unknown;
  /** Run the optimizing passes — constant folding, CSE, product epilogues and transposed copies, elementwise fusion (default true; false: DCE only, one kernel per traced launch, for comparison). */
  fuse?: boolean;
}

/** What `compiled.stats` reports for the signature called last. */
export interface CompileStats {
  /** Distinct signatures seen, and traces run. */
  signatures: number;
  traces: number;
  /** Kernel launches of the traced program, after dead-code elimination, and per compiled call (after fusion). */
  kernelsTraced: number;
  kernelsAfterDce: number;
  kernelsPerCall: number;
  /** Fused kernels, and the traced kernels they replaced. */
  fusedKernels: number;
  fusedMembers: number;
  /** Products that took their reader's bias add or relu (see fuseMatmulEpilogues). */
  epilogues: number;
  /** Kernels run once at build time (constant folding), and repeated ones dropped (CSE, with what only they read). */
  constantsFolded: number;
  subexpressionsMerged: number;
  /** Buffers and bytes of the memory plan, and the bytes its temps would take unshared. */
  buffers: number;
  bytesPlanned: number;
  bytesUnshared: number;
  /** Storages still made per call: gather/scatter/cumsum results, random draws, returned outputs. */
  allocsPerCall: number;
  /** Opaque host steps per call (optimizer updates). */
  opaqueSteps: number;
}

export type Compiled<F extends (...args: never[]) => unknown> = F & {
  /** The traced program of the last signature, before and after optimization. */
  readonly graph: string;
  readonly stats: CompileStats;
};

interface Entry {
  calls: number;
  program?: Program;
  outTemplate?: unknown;
  before?: string;
  after?: string;
  stats?: Omit<CompileStats, "signatures" | "traces">;
}

let tracing = false;

const NONE: Omit<CompileStats, "signatures" | "traces"> = {
  kernelsTraced: 0, kernelsAfterDce: 0, kernelsPerCall: 0, fusedKernels: 0, fusedMembers: 0, epilogues: 0, constantsFolded: 0, subexpressionsMerged: 0,
  buffers: 0, bytesPlanned: 0, bytesUnshared: 0, allocsPerCall: 0, opaqueSteps: 0,
};

/**
 * Compiles `fn` (a training step or a predict function over tensors): returns a function with its
 * signature. Per signature (argument shapes, strides, dtypes, backend, grad mode, `options.key`),
 * call 1 runs eagerly, call 2 traces every kernel launch (forward, backward, the optimizer's
 * update) and optimizes the graph, calls 3+ replay it. Returned tensors are new at every call and
 * carry no autograd graph; tensors fn makes and does not return are dropped at its end. Reading a
 * tensor's value inside fn (item, dataSync, toArray) is an ArgumentError naming the op and line.
 * @example
 * const step = ds.compile((x, y) => { opt.zeroGrad(); const loss = lossFn(model.forward(x), y); loss.backward(); opt.step(); return loss; });
 */
export function compile<F extends (...args: never[]) => unknown>(fn: F, options: CompileOptions = {}): Compiled<F> {
  if (typeof fn !== "function") throw new ArgumentError("compile", `expected a function, got ${fn === null ? "null" : typeof fn}`);
  checkOptions("compile", options, ["key", "fuse"]);
  if (options.key !== undefined && typeof options.key !== "function") throw new ArgumentError("compile", `option "key" must be a function, got ${typeof options.key}`);
  const entries = new Map<string, Entry>();
  let lastKey: string | null = null;
  let traces = 0;
  // The last call's arguments as compared field by field: a loop calling with the same signature
  // skips building the signature string (see sameCall).
  let last: { e: Entry; args: unknown[]; grad: boolean; be: Backend; key: string } | null = null;

  const compiled = ((...args: unknown[]) => {
    if (tracing) throw new ArgumentError("compile", "a compiled function was called while another is being traced; compile the outer function only");
    let e: Entry | undefined;
    const userKey = options.key ? JSON.stringify(options.key()) ?? "" : "";
    if (last && last.e.program && sameCall(last, args, userKey)) e = last.e;
    else {
      const key = signature(args, userKey);
      e = entries.get(key);
      if (!e) entries.set(key, (e = { calls: 0 }));
      lastKey = key;
      last = { e, args: snapshot(args), grad: isGradEnabled(), be: activeBackend(), key: userKey };
    }
    e.calls++;
    if (e.program) return fill(e.outTemplate, e.program.run(args as Tensor[]));
    if (e.calls === 1) return scope(() => detachAll(fn(...(args as Parameters<F>))));
    traces++;
    return traceAndBuild(fn, args, e, options.fuse !== false);
  }) as unknown as Compiled<F>;

  Object.defineProperty(compiled, "graph", {
    get: () => {
      const e = lastKey === null ? undefined : entries.get(lastKey);
      if (!e?.before) return "(not traced yet: the first call of a signature runs eagerly, the second traces)";
      return `# traced\n${e.before}\n\n# optimized\n${e.after}`;
    },
  });
  Object.defineProperty(compiled, "stats", {
    get: (): CompileStats => {
      const e = lastKey === null ? undefined : entries.get(lastKey);
      return { signatures: entries.size, traces, ...(e?.stats ?? NONE) };
    },
  });
  return compiled;
}

/** What sameCall compares of an argument: a tensor's layout and owner, or the value itself. */
type ArgSnap = { dtype: string; shape: readonly number[]; strides: readonly number[]; offset: number; alias: number; length: number; grad: boolean; device: string } | { value: unknown };

/** The first tensor argument sharing argument i's storage (i itself when none before it does). */
function aliasOf(args: readonly unknown[], i: number): number {
  const o = (args[i] as Tensor)._owned();
  for (let j = 0; j < i; j++) if (args[j] instanceof Tensor && (args[j] as Tensor)._owned() === o) return j;
  return i;
}

function snapshot(args: readonly unknown[]): ArgSnap[] {
  return args.map((a, i) => {
    if (!(a instanceof Tensor)) return { value: a };
    const o = a._owned();
    return { dtype: a.dtype, shape: a.shape.slice(), strides: a.strides.slice(), offset: a.offset, alias: aliasOf(args, i), length: o.length, grad: a.requiresGrad, device: a.device };
  });
}

const sameArray = (a: readonly number[], b: readonly number[]) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Whether args have the signature of the snapshot `last` (taken when its signature string was
 * built): same layouts, dtypes, devices and grad flags, the same aliasing between arguments,
 * same scalars, grad mode, backend and key.
 */
function sameCall(last: { args: unknown[]; grad: boolean; be: Backend; key: string }, args: readonly unknown[], key: string): boolean {
  const prev = last.args as ArgSnap[];
  if (prev.length !== args.length || last.grad !== isGradEnabled() || last.be !== activeBackend() || last.key !== key) return false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i], p = prev[i];
    if (!(a instanceof Tensor)) {
      if (!("value" in p) || p.value !== a) return false;
      continue;
    }
    if ("value" in p) return false;
    const o = a._owned();
    if (a.dtype !== p.dtype || a.offset !== p.offset || o.length !== p.length || a.requiresGrad !== p.grad || a.device !== p.device || !sameArray(a.shape, p.shape) || !sameArray(a.strides, p.strides)) return false;
    if (aliasOf(args, i) !== p.alias) return false;
  }
  return true;
}

function signature(args: readonly unknown[], key: string): string {
  // Arguments sharing a storage: a program traced on distinct tensors must not replay on aliased ones.
  const firstOwner = new Map<unknown, number>();
  const parts = args.map((a, i) => {
    if (a instanceof Tensor) {
      const o = a._owned();
      if (!firstOwner.has(o)) firstOwner.set(o, i);
      return `T${a.device}:${a.dtype}[${a.shape.join(",")}]/${a.strides.join(",")}+${a.offset}#${o.length}${a.requiresGrad ? "g" : ""}@${firstOwner.get(o)}`;
    }
    if (a === null || a === undefined || typeof a === "number" || typeof a === "boolean" || typeof a === "string") return JSON.stringify(a) ?? "undefined";
    throw new ArgumentError("compile", `argument ${i} must be a Tensor, number, boolean or string, got ${Array.isArray(a) ? "an array" : typeof a}`);
  });
  return `${activeBackend().name}|${isGradEnabled()}|${parts.join(";")}|${key}`;
}

// ---- returned structures ------------------------------------------------------------------------

const OUT = Symbol("output");
type Slot = { [OUT]: number };

/** Tensors of a returned value in order, and a template with a slot for each. */
function template(value: unknown, found: Tensor[]): unknown {
  if (value instanceof Tensor) return { [OUT]: found.push(value) - 1 } as Slot;
  if (Array.isArray(value)) return value.map((v) => template(v, found));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, template(v, found)]));
  }
  return value;
}

function fill(t: unknown, outs: readonly Tensor[]): unknown {
  if (t !== null && typeof t === "object" && OUT in t) return outs[(t as Slot)[OUT]];
  if (Array.isArray(t)) return t.map((v) => fill(v, outs));
  if (t !== null && typeof t === "object") return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, fill(v, outs)]));
  return t;
}

/** Cuts returned tensors from the autograd graph, as replays return them (saved activations go). */
function detachAll<T>(value: T): T {
  const found: Tensor[] = [];
  template(value, found);
  for (const t of found) {
    if (t._node) releaseNode(t._node);
    t._node = null;
    t._requiresGrad = false;
  }
  return value;
}

// ---- trace and build ------------------------------------------------------------------------------

function traceAndBuild(fn: (...a: never[]) => unknown, args: readonly unknown[], e: Entry, fuse: boolean): unknown {
  const tensors = args.filter((a): a is Tensor => a instanceof Tensor);
  const be: Backend = tensors.length ? tensors[0]._owned().backend : activeBackend();
  if (be !== activeBackend()) throw new ArgumentError("compile", `the arguments live on backend "${be.name}" but the active backend is "${activeBackend().name}"; move them with .to() or setBackend first`);
  const inputs = args.map((a) => (a instanceof Tensor ? a._storage() : null));
  const tracer = new Tracer(be, inputs);
  tracing = true;
  let traced;
  try {
    traced = tracer.run(() => withoutSpills(() => scope(() => detachAll(fn(...(args as never[]))))));
  } finally {
    tracing = false;
  }
  const { result, trace } = traced;
  const found: Tensor[] = [];
  const outTemplate = template(result, found);
  const { values, alive, opaqueMade } = trace;
  const storageValue = new Map([...alive.entries()].map(([id, s]) => [s, id]));
  const outputs: Ref[] = found.map((t) => {
    const id = storageValue.get(t._storage());
    if (id === undefined) throw new ArgumentError("compile", "fn returned a tensor the trace did not see made or read; return tensors computed from the arguments or state");
    return { v: id, shape: t.shape.slice(), strides: t.strides.slice(), offset: t.offset };
  });
  const outputIds = new Set(outputs.map((r) => r.v));
  for (const v of values) {
    // Uploaded and still alive: a tensor brought back from host memory (a spilled parameter) or
    // made and kept by fn: persistent state, not a constant.
    if (v.kind === "const" && alive.has(v.id) && !outputIds.has(v.id) && !opaqueMade.has(v.id)) v.kind = "captured";
    if (v.kind === "temp" && alive.has(v.id) && !opaqueMade.has(v.id)) v.kind = outputIds.has(v.id) ? "output" : "pinned";
  }
  const nodes = trace.nodes;
  checkGraph(values, nodes, alive, opaqueMade);
  const before = graphText(values, nodes, outputs);
  const kernelsTraced = launches(nodes);
  let opt = eliminateDeadCode(values, nodes, outputs);
  const kernelsAfterDce = launches(opt);
  let folded = 0, merged = 0;
  if (fuse) {
    const n0 = opt.length;
    opt = foldConstants(be, values, opt);
    folded = n0 - opt.length;
    const n1 = opt.length;
    opt = eliminateDeadCode(values, eliminateCommonSubexpressions(values, opt), outputs);
    merged = n1 - opt.length;
    opt = fuseMatmulEpilogues(values, foldTransposedCopies(values, opt, outputs), outputs);
    opt = eliminateDeadCode(values, fuseElementwise(values, opt, outputs), outputs);
  }
  const plan = planMemory(values, opt, outputs);
  const handles = holdValues(be, values, opt, outputs, alive);
  e.program = new Program(be, values, opt, outputs, handles, plan);
  e.outTemplate = outTemplate;
  e.before = before;
  e.after = graphText(values, opt, outputs);
  const fused = opt.filter((n) => n.op === "run" && n.members.length > 1) as Extract<Node, { op: "run" }>[];
  e.stats = {
    kernelsTraced, kernelsAfterDce, kernelsPerCall: launches(opt),
    fusedKernels: fused.length, fusedMembers: fused.reduce((s, n) => s + n.members.length, 0),
    epilogues: opt.filter((n) => n.op === "matmul" && n.folded).length,
    constantsFolded: folded, subexpressionsMerged: merged,
    buffers: plan.buffers.length, bytesPlanned: plan.bytes, bytesUnshared: plan.unsharedBytes,
    allocsPerCall: opt.filter((n) => n.op === "gather" || n.op === "scatter" || n.op === "cumsum" || n.op === "source" || ((n.op === "run" || n.op === "alloc" || n.op === "matmul") && n.def !== null && values[n.def].kind === "output")).length,
    opaqueSteps: opt.filter((n) => n.op === "opaque").length,
  };
  return result;
}

/** Refuses what replay cannot reproduce. */
function checkGraph(values: readonly Value[], nodes: readonly Node[], alive: ReadonlyMap<number, unknown>, opaqueMade: ReadonlySet<number>): void {
  for (const n of nodes) {
    if (n.op === "opaque") continue;
    if (n.op === "setgrad" && values[n.grad.v].kind !== "pinned") throw new ArgumentError("compile", "backward inside fn made a gradient from a tensor fn was given or returns; pass the gradient's source as state instead");
    for (const r of readsOf(n)) {
      const v = values[r.v];
      if (opaqueMade.has(v.id)) throw new ArgumentError("compile", `a tensor made inside ${opaqueName(nodes)} is used by later kernels; this is not supported yet`);
      if (v.kind === "captured" && !alive.has(v.id)) throw new ArgumentError("compile", "fn disposes a tensor it read that existed before the call; a compiled step must leave pre-existing tensors alive");
    }
    for (const w of writesOf(n)) if (values[w].kind === "const") throw new ArgumentError("compile", "fn writes in place into a tensor it made from host data; make it with a kernel (ds.zeros, ds.full) or outside fn");
  }
}

const opaqueName = (nodes: readonly Node[]) => (nodes.find((n) => n.op === "opaque") as { name?: string } | undefined)?.name ?? "an opaque step";

/** Handles that keep captured, pinned and const storages alive for the program (and count their use). */
function holdValues(be: Backend, values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[], alive: ReadonlyMap<number, unknown>): Map<number, Tensor> {
  const used = new Set<number>(outputs.map((r) => r.v));
  for (const n of nodes) if (n.op !== "opaque") for (const r of readsOf(n)) used.add(r.v);
  for (const v of values) if (v.kind === "pinned" || v.kind === "output") used.add(v.id);
  const owners = ownersByStorage();
  const handles = new Map<number, Tensor>();
  for (const id of used) {
    const v = values[id];
    if (v.kind === "const") {
      handles.set(id, keep(wrap(be, be.fromArray(v.dtype, v.data!), [v.length])));
    } else if (v.kind === "captured" || v.kind === "pinned") {
      const s = alive.get(id) as never;
      const o = owners.get(s);
      if (!o) throw new ArgumentError("compile", `a tensor the step ${v.kind === "captured" ? "reads" : "keeps"} is no longer on the device after tracing; this is not supported`);
      handles.set(id, keep(new Tensor(o, [v.length], [1], 0)));
    }
  }
  return handles;
}
