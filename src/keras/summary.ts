// model.summary(): Keras 3's table — layer (type), output shape, parameter count (and, for
// branching functional models, what each layer is connected to) — and the totals with their sizes.
import type { Layer } from "./layer.js";
import type { Model } from "./model.js";
import { InputLayer } from "./layers/input.js";
import type { SymbolicTensor } from "./symbolic.js";
import { fmtShape, type Shape } from "./shape.js";

export interface SummaryOptions {
  /** Where the lines go (default console.log); Keras' print_fn, TensorFlow.js' printFn. */
  printFn?: ((line: string) => void) | null;
}

type AnyLayer = Layer<SymbolicTensor | SymbolicTensor[]>;
type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;

/** Keras' readable_memory_size: 136.04 KB. */
export function readableSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  for (const u of units) {
    if (v / 1024 < 1) return `${v.toFixed(2)} ${u}`;
    v /= 1024;
  }
  return `${v.toFixed(2)} EB`;
}

const thousands = (n: number) => n.toLocaleString("en-US");
const fmtShapes = (shapes: Shape[]) => (shapes.length === 1 ? fmtShape(shapes[0]) : `[${shapes.map(fmtShape).join(", ")}]`);

interface Row {
  name: string;
  shape: string;
  params: string;
  connected: string[];
}

/** A functional graph that is a plain chain prints without the "Connected to" column, as Keras. */
function sequentialLike(model: AnyModel): boolean {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return false;
  const layers = model.layers.filter((l) => !(l instanceof InputLayer));
  return layers.every((l) => l.inboundNodes.filter((n) => n.outputs.length).length <= 1 && l.inboundNodes.every((n) => n.inputs.length <= 1));
}

function rows(model: AnyModel): { rows: Row[]; connected: boolean } {
  const isSeq = model.className === "Sequential";
  const layers = model.layers;
  const connected = model.isFunctional && !isSeq && !sequentialLike(model);
  const out: Row[] = [];
  for (const l of layers) {
    if (isSeq && l instanceof InputLayer) continue;
    let shape = "?";
    if (isSeq) {
      const s = (model as unknown as { layerOutputShape(l: AnyLayer): Shape | Shape[] | null }).layerOutputShape(l);
      if (s) shape = Array.isArray(s[0]) ? fmtShapes(s as Shape[]) : fmtShape(s as Shape);
    } else if (l instanceof InputLayer) {
      shape = fmtShape(l.batchShape);
    } else if (l.inboundNodes.length) {
      const forms = [...new Set(l.inboundNodes.map((n) => fmtShapes(n.outputs.map((o) => o.shape))))];
      shape = forms.length === 1 ? forms[0] : "multiple";
    }
    const params = l.built ? thousands(l.countParams()) : "0 (unbuilt)";
    const conn = l instanceof InputLayer ? ["-"] : l.inboundNodes.flatMap((n) => n.inputs.map((t) => `${t.node.layer.name}[${t.node.index}][${t.index}]`));
    out.push({ name: `${l.name} (${l.className})`, shape, params, connected: conn.length ? conn : ["-"] });
  }
  return { rows: out, connected };
}

/** The summary text (and prints it unless printFn is null). */
export function summary(model: AnyModel, opts: SummaryOptions = {}): string {
  const { rows: rs, connected } = rows(model);
  const headers = ["Layer (type)", "Output Shape", "Param #", ...(connected ? ["Connected to"] : [])];
  const cells = rs.map((r) => [[r.name], [r.shape], [r.params], ...(connected ? [r.connected] : [])]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => Math.max(...c[i].map((s) => s.length)))) + 2);
  const pad = (s: string, i: number) => (i === 2 ? ` ${s.padStart(widths[i] - 2)} ` : ` ${s.padEnd(widths[i] - 2)} `);
  const rule = (l: string, m: string, r: string, f: string) => l + widths.map((w) => f.repeat(w)).join(m) + r;
  const lines = [`Model: "${model.name}"`, rule("┏", "┳", "┓", "━"), `┃${headers.map(pad).join("┃")}┃`, rule("┡", "╇", "┩", "━")];
  cells.forEach((c, k) => {
    const height = Math.max(...c.map((col) => col.length));
    for (let j = 0; j < height; j++) lines.push(`│${c.map((col, i) => pad(col[j] ?? "", i)).join("│")}│`);
    if (k < cells.length - 1) lines.push(rule("├", "┼", "┤", "─"));
  });
  lines.push(rule("└", "┴", "┘", "─"));
  const entries = model.weightEntries();
  const seen = new Set<unknown>();
  let trainable = 0, frozen = 0, tBytes = 0, fBytes = 0;
  for (const w of entries) {
    if (seen.has(w.tensor)) continue;
    seen.add(w.tensor);
    const bytes = w.tensor.size * (w.tensor.dtype === "float64" ? 8 : 4);
    if (w.trainable) { trainable += w.tensor.size; tBytes += bytes; } else { frozen += w.tensor.size; fBytes += bytes; }
  }
  lines.push(
    ` Total params: ${thousands(trainable + frozen)} (${readableSize(tBytes + fBytes)})`,
    ` Trainable params: ${thousands(trainable)} (${readableSize(tBytes)})`,
    ` Non-trainable params: ${thousands(frozen)} (${readableSize(fBytes)})`,
  );
  const text = lines.join("\n");
  const print = opts.printFn === undefined ? (s: string) => console.log(s) : opts.printFn;
  if (print) for (const l of lines) print(l);
  return text;
}
