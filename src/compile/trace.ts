// Tracing: runs fn once, eagerly, with the backend's methods wrapped so that every call (kernel
// launch, matmul, gather/scatter, accumulate, cumsum, allocation) is recorded as a node over values
// identified by storage. The wrapper is the whole hook into the array layer: nothing in prims/ or
// tensor/ knows about tracing, except `opaque` regions (prims/trace_hook.ts), which the tracer
// records as one node that each compiled call runs again.
import type { Backend, Storage, Target, View } from "../backend/backend.js";
import type { DType } from "../core/dtype.js";
import { ArgumentError } from "../core/errors.js";
import type { Kernel } from "../ir/expr.js";
import { setTraceHook } from "../prims/trace_hook.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Node, Ref, Value } from "./graph.js";

/** The raw record of one trace, before the compiler classifies what survived it. */
export interface Trace {
  readonly values: Value[];
  readonly nodes: Node[];
  /** The trace-time storage of each value still alive at the end (not freed). */
  readonly alive: Map<number, Storage>;
  /** Values made inside an opaque region (not part of the graph). */
  readonly opaqueMade: Set<number>;
}

type Method = "alloc" | "fromArray" | "read" | "free" | "run" | "matmul" | "gather" | "scatter" | "accumulate" | "cumsum";
const METHODS: readonly Method[] = ["alloc", "fromArray", "read", "free", "run", "matmul", "gather", "scatter", "accumulate", "cumsum"];

// Library files, to find the line of user code in a stack trace.
const LIB_ROOT = new URL("../", import.meta.url).pathname;

/** The library entry user code called (e.g. "Tensor.item") and the line of user code that called it. */
export function callSite(stack: string | undefined): { op: string; line: string } {
  const frames = (stack ?? "").split("\n").slice(1).map((l) => l.trim());
  let op = "reading a tensor's value";
  for (const f of frames) {
    const lib = f.includes(LIB_ROOT) || f.includes("node:internal");
    if (lib) {
      const m = /^at (?:new )?([\w$.]+) \(/.exec(f);
      if (m) op = m[1];
      continue;
    }
    return { op, line: f.replace(/^at /, "") };
  }
  return { op, line: "(unknown line)" };
}

export class Tracer {
  private readonly values: Value[] = [];
  private readonly nodes: Node[] = [];
  private readonly byStorage = new Map<Storage, Value>();
  private readonly alive = new Map<number, Storage>();
  private readonly opaqueMade = new Set<number>();
  /** Open opaque regions, innermost last: the values each read and wrote, and kernels it launched. */
  private readonly regions: { reads: Set<number>; writes: Set<number>; kernels: number }[] = [];
  private failure: Error | null = null;
  private inside = false;

  /** `inputs`: the storage of each argument that is a tensor (null for other arguments). */
  constructor(private readonly be: Backend, inputs: readonly (Storage | null)[]) {
    inputs.forEach((s, i) => {
      if (s && !this.byStorage.has(s)) this.add(s, "input", s.dtype, s.length).input = i;
    });
  }

  private add(s: Storage, kind: Value["kind"], dtype: DType, length: number): Value {
    const v: Value = { id: this.values.length, kind, dtype, length };
    this.values.push(v);
    this.byStorage.set(s, v);
    this.alive.set(v.id, s);
    return v;
  }

  /** A storage made by the backend during the trace. */
  private made(s: Storage, kind: "temp" | "const" = "temp"): Value {
    const v = this.add(s, kind, s.dtype, s.length);
    if (this.regions.length) this.opaqueMade.add(v.id);
    return v;
  }

  /** The value of a storage: known, or one that existed before the trace (captured). */
  private valueOf(s: Storage): Value {
    return this.byStorage.get(s) ?? this.add(s, "captured", s.dtype, s.length);
  }

  private ref(view: View): Ref {
    const v = this.valueOf(view.storage);
    const region = this.regions[this.regions.length - 1];
    if (region) region.reads.add(v.id);
    return { v: v.id, shape: view.shape.slice(), strides: view.strides.slice(), offset: view.offset };
  }

  private wrote(r: Ref): void {
    const region = this.regions[this.regions.length - 1];
    if (region) region.writes.add(r.v);
  }

  /** Records `node` unless inside an opaque region (which counts the launch instead). */
  private push(node: Node): void {
    const region = this.regions[this.regions.length - 1];
    if (region) region.kernels++;
    else this.nodes.push(node);
  }

  /** Wraps the backend's methods for the duration of `fn` (and the hook for opaque regions). */
  run<T>(fn: () => T): { result: T; trace: Trace } {
    const be = this.be as unknown as Record<Method, (...a: unknown[]) => unknown>;
    const own = new Map<Method, PropertyDescriptor | undefined>();
    for (const m of METHODS) {
      own.set(m, Object.getOwnPropertyDescriptor(be, m));
      const orig = be[m].bind(be);
      const record = this.wrapper(m, orig);
      // A backend calling its own methods (run allocating its result) is one call, not two.
      const wrapped = (...a: unknown[]) => {
        if (this.inside) return orig(...a);
        this.inside = true;
        try {
          return record(...a);
        } finally {
          this.inside = false;
        }
      };
      Object.defineProperty(be, m, { value: wrapped, configurable: true, writable: true });
    }
    const prevHook = setTraceHook({
      opaque: (name, body) => this.opaque(name, body),
      check: (_name, body) => this.check(body),
      source: (name, body) => this.source(name, body),
      gradAssigned: (leaf) => {
        if (this.regions.length) return;
        const g = leaf.grad!;
        this.nodes.push({ op: "setgrad", leaf, grad: { v: this.valueOf(g._storage()).id, shape: g.shape.slice(), strides: g.strides.slice(), offset: g.offset } });
      },
    });
    try {
      const result = fn();
      if (this.failure) throw this.failure;
      return { result, trace: { values: this.values, nodes: this.nodes, alive: this.alive, opaqueMade: this.opaqueMade } };
    } finally {
      setTraceHook(prevHook);
      // Removed last-added first: V8 then rolls the object's shape back (deleting in another order
      // would leave the backend a slow dictionary-mode object, and every later call slower).
      for (const m of [...METHODS].reverse()) {
        const d = own.get(m);
        if (d) Object.defineProperty(be, m, d);
        else delete (be as Partial<Record<Method, unknown>>)[m];
      }
    }
  }

  /** A validation: runs now (reads allowed), records nothing, so replays leave it out. */
  private check(body: () => void): void {
    this.regions.push({ reads: new Set(), writes: new Set(), kernels: 0 });
    try {
      body();
    } finally {
      this.regions.pop();
    }
  }

  /** Host work that makes a tensor: one node that makes it again at every call. */
  private source(name: string, body: () => Tensor): Tensor {
    this.regions.push({ reads: new Set(), writes: new Set(), kernels: 0 });
    let t: Tensor;
    try {
      t = body();
    } finally {
      this.regions.pop();
    }
    const v = this.byStorage.get(t._storage());
    if (!v || !this.opaqueMade.has(v.id) || t.offset !== 0 || t.size !== v.length) throw new ArgumentError("compile", `${name} inside a compiled function made a tensor the tracer cannot follow`);
    this.opaqueMade.delete(v.id);
    v.kind = "temp";
    delete v.data;
    if (this.regions.length) this.opaqueMade.add(v.id);
    this.push({ op: "source", name, fn: body, def: v.id });
    return t;
  }

  private opaque<T>(name: string, body: () => T): T {
    const region = { reads: new Set<number>(), writes: new Set<number>(), kernels: 0 };
    this.regions.push(region);
    let result: T;
    try {
      result = body();
    } finally {
      this.regions.pop();
    }
    const outer = this.regions[this.regions.length - 1];
    if (outer) {
      for (const v of region.reads) outer.reads.add(v);
      for (const v of region.writes) outer.writes.add(v);
      outer.kernels += region.kernels;
    } else {
      this.nodes.push({ op: "opaque", name, fn: body, reads: [...region.reads].filter((v) => !this.opaqueMade.has(v)), writes: [...region.writes].filter((v) => !this.opaqueMade.has(v)), kernels: region.kernels });
    }
    return result;
  }

  private wrapper(m: Method, orig: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    switch (m) {
      case "alloc": return (dtype, length, zero) => {
        const s = orig(dtype, length, zero) as Storage;
        const v = this.made(s);
        this.push({ op: "alloc", def: v.id, zero: zero !== false });
        return s;
      };
      case "fromArray": return (dtype, data) => {
        const s = orig(dtype, data) as Storage;
        const v = this.made(s, "const");
        v.data = this.be.read(s);
        return s;
      };
      case "read": return (...args) => {
        // A read of a range is a value reaching host code (dataSync, item, toArray); a read of a
        // whole storage with no range is the memory manager spilling it, which changes nothing.
        if (args.length > 1 && args[1] !== undefined && this.regions.length === 0) {
          const { op, line } = callSite(new Error().stack);
          const err = new ArgumentError("compile", `fn reads a tensor's value while being traced (${op}, at ${line}): a compiled function cannot branch on data or return host numbers; return the tensor and read it after the call, or leave that part out of ds.compile`);
          this.failure ??= err;
          throw err;
        }
        return orig(...args);
      };
      case "free": return (s) => {
        const v = this.byStorage.get(s as Storage);
        if (v) {
          this.byStorage.delete(s as Storage);
          this.alive.delete(v.id);
        }
        return orig(s);
      };
      case "run": return (kernel, inputs, shape, out) => {
        const refs = (inputs as View[]).map((v) => this.ref(v));
        const outRef = out ? this.ref(out as Target) : null;
        if (outRef) this.wrote(outRef);
        const s = orig(kernel, inputs, shape, out) as Storage;
        const def = outRef ? null : this.made(s).id;
        this.push({ op: "run", kernel: kernel as Kernel, inputs: refs, shape: (shape as number[]).slice(), out: outRef, def, members: [] });
        return s;
      };
      case "matmul": return (a, b, dtype, bias) => {
        const ra = this.ref(a as View), rb = this.ref(b as View), rbias = bias ? this.ref(bias as View) : null;
        const s = orig(a, b, dtype, bias) as Storage;
        this.push({ op: "matmul", a: ra, b: rb, bias: rbias, dtype: dtype as DType, def: this.made(s).id });
        return s;
      };
      case "gather": return (x, dim, index) => {
        const rx = this.ref(x as View), ri = this.ref(index as View);
        const s = orig(x, dim, index) as Storage;
        this.push({ op: "gather", x: rx, dim: dim as number, index: ri, def: this.made(s).id });
        return s;
      };
      case "scatter": return (base, dim, index, src, mode) => {
        const rb = this.ref(base as View), ri = this.ref(index as View), rs = this.ref(src as View);
        const s = orig(base, dim, index, src, mode) as Storage;
        this.push({ op: "scatter", base: rb, dim: dim as number, index: ri, src: rs, mode: mode as "set" | "add", def: this.made(s).id });
        return s;
      };
      case "cumsum": return (x, dim, dtype) => {
        const rx = this.ref(x as View);
        const s = orig(x, dim, dtype) as Storage;
        this.push({ op: "cumsum", x: rx, dim: dim as number, dtype: dtype as DType, def: this.made(s).id });
        return s;
      };
      case "accumulate": return (target, src) => {
        const rt = this.ref(target as Target), rs = this.ref(src as View);
        this.wrote(rt);
        orig(target, src);
        this.push({ op: "accumulate", target: rt, src: rs });
        return undefined;
      };
    }
  }
}
