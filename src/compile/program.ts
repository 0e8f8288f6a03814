// Replay: runs the optimized node list against the backend directly — no op dispatch, no autograd,
// no frames — over the call's input storages, the captured and pinned storages (through handles
// that keep them alive and count their use) and the memory plan's buffers. Each node becomes a
// closure once, with its views made and its kernel launch prepared (Backend.prepare) where the
// backend can: a call only resolves the storages and runs the closures in order.
import type { Backend, Launch, Storage, View } from "../backend/backend.js";
import { contiguousStrides } from "../core/shape.js";
import * as ir from "../ir/expr.js";
import { Tensor } from "../tensor/tensor.js";
import { Owned, keep, withoutSpills } from "../tensor/memory.js";
import { uninitialized } from "../prims/kernel.js";
import { runResultShape, type Node, type Ref, type Value } from "./graph.js";
import type { MemoryPlan } from "./plan.js";

const COPY = new Map<string, ir.Kernel>();
const copyKernel = (dtype: Storage["dtype"]): ir.Kernel => {
  let k = COPY.get(dtype);
  if (!k) COPY.set(dtype, (k = { expr: ir.input(0), dtype }));
  return k;
};
const ZERO = new Map<string, ir.Kernel>();
const zeroKernel = (dtype: Storage["dtype"]): ir.Kernel => {
  let k = ZERO.get(dtype);
  if (!k) ZERO.set(dtype, (k = { expr: ir.constant(0), dtype }));
  return k;
};

/** A view whose storage is set from the call's storages before each use. */
type LiveView = { storage: Storage; readonly shape: readonly number[]; readonly strides: readonly number[]; readonly offset: number };

export class Program {
  private readonly st: (Storage | null)[];
  private buffers: Tensor[] | null = null;
  /** Values with a handle (captured, pinned, const): resolved through it at every call. */
  private readonly held: [number, Tensor][];
  private readonly heldBy: Map<number, Tensor>;
  private readonly inputs: Value[];
  /** [value, buffer] pairs of the memory plan. */
  private readonly planned: [number, number][] = [];
  /** Values of kind output: a new storage each call. */
  private readonly outputValues: number[];
  /** Tensors that source nodes made this call, by value (disposed after their last use). */
  private readonly made = new Map<number, Tensor>();
  /** One closure per node, then the frees after it (null: none). */
  private readonly steps: (() => void)[];
  private readonly frees: (number[] | null)[];
  /** Backend storages cannot be named before the first call; views carry this until then. */
  private readonly standIns: Storage[];

  constructor(
    private readonly be: Backend,
    private readonly values: readonly Value[],
    readonly nodes: readonly Node[],
    private readonly outputs: readonly Ref[],
    handles: ReadonlyMap<number, Tensor>,
    readonly plan: MemoryPlan,
  ) {
    this.st = values.map(() => null);
    this.held = [...handles.entries()];
    this.heldBy = new Map(handles);
    this.inputs = values.filter((v) => v.kind === "input");
    plan.slot.forEach((b, v) => b >= 0 && this.planned.push([v, b]));
    this.outputValues = values.filter((v) => v.kind === "output").map((v) => v.id);
    this.standIns = values.map((v) => ({ dtype: v.dtype, length: v.length }));
    this.steps = nodes.map((n) => this.step(n));
    this.frees = plan.freeAfter.map((f) => (f.length ? f : null));
  }

  /** A view of ref r whose storage `use` sets from the call's storages. */
  private liveView(r: Ref): LiveView {
    return { storage: this.standIns[r.v], shape: r.shape, strides: r.strides, offset: r.offset };
  }

  /** Where a node's new value goes: its planned buffer, its pinned storage, or a new output storage. */
  private destination(v: Value): Storage {
    if (v.kind === "output") return (this.st[v.id] = this.be.alloc(v.dtype, v.length, false));
    return this.st[v.id]!;
  }

  /** A storage the backend made for value v: kept (temp, output) or copied into the pinned storage. */
  private land(v: Value, made: Storage, shape: readonly number[]): void {
    if (v.kind === "pinned") {
      const dst = this.st[v.id]!;
      const strides = contiguousStrides(shape);
      this.be.run(copyKernel(v.dtype), [{ storage: made, shape, strides, offset: 0 }], shape, { storage: dst, shape, strides, offset: 0 });
      this.be.free(made);
    } else {
      this.st[v.id] = made;
    }
  }

  /** The closure that runs node n. */
  private step(n: Node): () => void {
    const { be, st, values } = this;
    const view = (r: Ref) => {
      const lv = this.liveView(r);
      const id = r.v;
      return (): View => {
        lv.storage = st[id]!;
        return lv;
      };
    };
    switch (n.op) {
      case "run": {
        const v = n.def === null ? null : values[n.def];
        const shape = v ? runResultShape(n) : null;
        const target: Ref = n.out ?? { v: n.def!, shape: shape!, strides: contiguousStrides(shape!), offset: 0 };
        const ids = n.inputs.map((r) => r.v);
        if (be.prepare) {
          const launch: Launch = be.prepare(n.kernel, n.inputs.map((r) => this.liveView(r)), n.shape, this.liveView(target));
          const ins = new Array<Storage>(ids.length);
          const dst = target.v;
          return () => {
            for (let k = 0; k < ids.length; k++) ins[k] = st[ids[k]]!;
            launch(ins, v ? this.destination(v) : st[dst]!);
          };
        }
        const inViews = n.inputs.map(view);
        const ins = new Array<View>(ids.length);
        const out = view(target);
        return () => {
          for (let k = 0; k < ins.length; k++) ins[k] = inViews[k]();
          if (v) this.destination(v);
          be.run(n.kernel, ins, n.shape, out());
        };
      }
      case "alloc": {
        const v = values[n.def];
        const z = zeroKernel(v.dtype);
        const full: Ref = { v: v.id, shape: [v.length], strides: [1], offset: 0 };
        const out = view(full);
        return () => {
          this.destination(v);
          if (n.zero) be.run(z, [], full.shape, out());
        };
      }
      case "matmul": {
        const a = view(n.a), b = view(n.b), bias = n.bias ? view(n.bias) : null;
        const v = values[n.def];
        return () => {
          be.matmul(a(), b(), n.dtype, bias ? bias() : undefined, this.destination(v), n.act);
        };
      }
      case "gather": {
        const x = view(n.x), index = view(n.index), v = values[n.def];
        return () => this.land(v, be.gather(x(), n.dim, index()), n.index.shape);
      }
      case "scatter": {
        const base = view(n.base), index = view(n.index), src = view(n.src), v = values[n.def];
        return () => this.land(v, be.scatter(base(), n.dim, index(), src(), n.mode), n.base.shape);
      }
      case "cumsum": {
        const x = view(n.x), v = values[n.def];
        return () => this.land(v, be.cumsum(x(), n.dim, n.dtype), n.x.shape);
      }
      case "accumulate": {
        const target = view(n.target), src = view(n.src);
        return () => be.accumulate(target(), src());
      }
      case "opaque": return () => void n.fn();
      case "setgrad": return () => {
        const owner = this.heldBy.get(n.grad.v)!._owned();
        const cur = n.leaf.grad;
        if (!cur || cur.isDisposed || cur._owned() !== owner || cur.offset !== n.grad.offset) {
          cur?.dispose("a compiled step (which gives the gradient its own tensor, as backward does)");
          n.leaf.grad = keep(new Tensor(owner, n.grad.shape.slice(), n.grad.strides.slice(), n.grad.offset));
        }
      };
      case "source": {
        const v = values[n.def];
        const shape = [v.length];
        return () => {
          const t = n.fn();
          if (v.kind === "pinned") {
            be.run(copyKernel(v.dtype), [{ storage: t._storage(), shape, strides: [1], offset: 0 }], shape, { storage: st[v.id]!, shape, strides: [1], offset: 0 });
            t.dispose();
          } else {
            st[v.id] = t._storage();
            this.made.set(v.id, t);
          }
        };
      }
    }
  }

  /** One call: returns the output storages' tensors (one per output ref, in order). */
  run(args: readonly Tensor[]): Tensor[] {
    const { be, st, values } = this;
    if (!this.buffers) this.buffers = this.plan.buffers.map((b) => keep(uninitialized(be, [b.length], b.dtype)));
    for (const v of this.inputs) st[v.id] = args[v.input!]._storage();
    for (const [id, t] of this.held) st[id] = t._storage();
    // Resolved every call: the memory manager may have moved a buffer between calls.
    const bufs = this.buffers;
    for (const [v, b] of this.planned) st[v] = bufs[b]._storage();
    // No spill mid-replay: the storages were resolved above. The outputs are made after, at user
    // level, where (as an eager op's results) they count toward the next boundary and spill.
    withoutSpills(() => {
      const steps = this.steps, frees = this.frees;
      for (let i = 0; i < steps.length; i++) {
        steps[i]();
        const f = frees[i];
        if (f) for (const v of f) this.release(v);
      }
    });
    // Outputs: a new storage per call is wrapped once (several views of it share the owner).
    const outputs = this.outputs;
    const out = new Array<Tensor>(outputs.length);
    let owners: Map<number, Owned> | null = null;
    for (let k = 0; k < outputs.length; k++) {
      const r = outputs[k];
      const v = values[r.v];
      const t = this.made.get(r.v);
      let owner: Owned;
      if (t) owner = t._owned();
      else if (v.kind === "output") {
        owners ??= new Map();
        let o = owners.get(r.v);
        if (!o) owners.set(r.v, (o = new Owned(be, st[r.v]!)));
        owner = o;
      } else owner = (v.kind === "input" ? args[v.input!] : this.heldBy.get(r.v)!)._owned();
      out[k] = new Tensor(owner, r.shape.slice(), r.strides.slice(), r.offset);
    }
    for (const v of this.outputValues) st[v] = null;
    if (this.made.size) {
      for (const t of this.made.values()) t.dispose();
      this.made.clear();
    }
    return out;
  }

  /** A transient value's storage after its last use. */
  private release(v: number): void {
    const t = this.made.get(v);
    if (t) {
      t.dispose();
      this.made.delete(v);
    } else this.be.free(this.st[v]!);
    this.st[v] = null;
  }

  /** Releases the buffers and handles (the compiled function is being dropped or re-traced). */
  dispose(): void {
    for (const t of this.buffers ?? []) t.dispose();
    for (const [, t] of this.held) t.dispose();
    this.buffers = null;
  }
}
