// Replay: runs the optimized node list against the backend directly — no op dispatch, no autograd,
// no frames — over the call's input storages, the captured and pinned storages (through handles
// that keep them alive and count their use) and the memory plan's buffers.
import type { Backend, Storage, View } from "../backend/backend.js";
import { contiguousStrides } from "../core/shape.js";
import * as ir from "../ir/expr.js";
import { Tensor } from "../tensor/tensor.js";
import { Owned, keep } from "../tensor/memory.js";
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

export class Program {
  private readonly st: (Storage | null)[];
  private buffers: Tensor[] | null = null;
  /** Values with a handle (captured, pinned, const): resolved through it at every call. */
  private readonly held: [number, Tensor][];
  private readonly heldBy: Map<number, Tensor>;
  private readonly inputs: Value[];
  /** Tensors that source nodes made this call, by value (disposed after their last use). */
  private readonly made = new Map<number, Tensor>();

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
  }

  // One mutable View per ref (and one input list per node), made once: a call only sets storages.
  private readonly views = new Map<Ref, { storage: Storage; shape: readonly number[]; strides: readonly number[]; offset: number }>();
  private readonly inputLists = new Map<Node, View[]>();

  private view(r: Ref): View {
    let v = this.views.get(r);
    if (!v) this.views.set(r, (v = { storage: this.st[r.v]!, shape: r.shape, strides: r.strides, offset: r.offset }));
    else v.storage = this.st[r.v]!;
    return v;
  }

  private inputsOf(n: Extract<Node, { op: "run" }>): View[] {
    let list = this.inputLists.get(n);
    if (!list) this.inputLists.set(n, (list = n.inputs.map((r) => this.view(r))));
    else for (let k = 0; k < list.length; k++) this.view(n.inputs[k]);
    return list;
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

  /** One call: returns the output storages' tensors (one per output ref, in order). */
  run(args: readonly Tensor[]): Tensor[] {
    const { be, st, values } = this;
    if (!this.buffers) this.buffers = this.plan.buffers.map((b) => keep(uninitialized(be, [b.length], b.dtype)));
    for (const v of this.inputs) st[v.id] = args[v.input!]._storage();
    for (const [id, t] of this.held) st[id] = t._storage();
    const bufs = this.buffers.map((t) => t._storage());
    const slot = this.plan.slot;
    for (let v = 0; v < slot.length; v++) if (slot[v] >= 0) st[v] = bufs[slot[v]];
    const nodes = this.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      switch (n.op) {
        case "run": {
          const ins = this.inputsOf(n);
          if (n.out) be.run(n.kernel, ins, n.shape, this.view(n.out));
          else {
            const v = values[n.def!];
            const shape = runResultShape(n);
            be.run(n.kernel, ins, n.shape, { storage: this.destination(v), shape, strides: contiguousStrides(shape), offset: 0 });
          }
          break;
        }
        case "alloc": {
          const v = values[n.def];
          const s = this.destination(v);
          if (n.zero) be.run(zeroKernel(v.dtype), [], [v.length], { storage: s, shape: [v.length], strides: [1], offset: 0 });
          break;
        }
        case "matmul": {
          be.matmul(this.view(n.a), this.view(n.b), n.dtype, n.bias ? this.view(n.bias) : undefined, this.destination(values[n.def]));
          break;
        }
        case "gather": this.land(values[n.def], be.gather(this.view(n.x), n.dim, this.view(n.index)), n.index.shape); break;
        case "scatter": this.land(values[n.def], be.scatter(this.view(n.base), n.dim, this.view(n.index), this.view(n.src), n.mode), n.base.shape); break;
        case "cumsum": this.land(values[n.def], be.cumsum(this.view(n.x), n.dim, n.dtype), n.x.shape); break;
        case "accumulate": be.accumulate(this.view(n.target), this.view(n.src)); break;
        case "opaque": n.fn(); break;
        case "setgrad": {
          const owner = this.heldBy.get(n.grad.v)!._owned();
          const cur = n.leaf.grad;
          if (!cur || cur.isDisposed || cur._owned() !== owner || cur.offset !== n.grad.offset) {
            cur?.dispose("a compiled step (which gives the gradient its own tensor, as backward does)");
            n.leaf.grad = keep(new Tensor(owner, n.grad.shape.slice(), n.grad.strides.slice(), n.grad.offset));
          }
          break;
        }
        case "source": {
          const t = n.fn();
          const v = values[n.def];
          if (v.kind === "pinned") {
            const shape = [v.length];
            be.run(copyKernel(v.dtype), [{ storage: t._storage(), shape, strides: [1], offset: 0 }], shape, { storage: st[v.id]!, shape, strides: [1], offset: 0 });
            t.dispose();
          } else {
            st[v.id] = t._storage();
            this.made.set(v.id, t);
          }
          break;
        }
      }
      for (const v of this.plan.freeAfter[i]) {
        const t = this.made.get(v);
        if (t) {
          t.dispose();
          this.made.delete(v);
        } else be.free(st[v]!);
        st[v] = null;
      }
    }
    // Outputs: a new storage per call is wrapped once (several views of it share the owner).
    const owners = new Map<number, Owned>();
    const out = this.outputs.map((r) => {
      const v = values[r.v];
      const t = this.made.get(r.v);
      if (t) return new Tensor(t._owned(), r.shape.slice(), r.strides.slice(), r.offset);
      if (v.kind === "output") {
        let o = owners.get(r.v);
        if (!o) owners.set(r.v, (o = new Owned(be, st[r.v]!)));
        return new Tensor(o, r.shape.slice(), r.strides.slice(), r.offset);
      }
      const src = v.kind === "input" ? args[v.input!] : this.heldBy.get(r.v)!;
      return new Tensor(src._owned(), r.shape.slice(), r.strides.slice(), r.offset);
    });
    for (const v of values) if (v.kind === "output") st[v.id] = null;
    for (const t of this.made.values()) t.dispose();
    this.made.clear();
    return out;
  }

  /** Releases the buffers and handles (the compiled function is being dropped or re-traced). */
  dispose(): void {
    for (const t of this.buffers ?? []) t.dispose();
    for (const [, t] of this.held) t.dispose();
    this.buffers = null;
  }
}
