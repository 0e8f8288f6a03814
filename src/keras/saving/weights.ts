// Weights by name between a model and a weight file. TensorFlow.js and Keras 2 list a model's
// weights trainable-first across all layers (here, as in Keras 3, each layer's weights come in
// turn), so files are matched by NAME, never by position. TensorFlow.js names a weight
// `<layer>/<weight>` (`dense_Dense1/kernel`), a wrapped layer's `<layer>/<inner>/<weight>`
// (`bidirectional/forward_lstm/kernel`); Keras 2 files converted by tensorflowjs_converter add
// cell scopes (`lstm/lstm_cell/kernel`) and `:0` suffixes. A layer nested in a model is named by
// its own name, as in TensorFlow.js.
import { FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { noGrad } from "../../autograd/mode.js";
import { tensor } from "../../ops/creation.js";
import { Layer, type WeightEntry } from "../layer.js";
import { Model } from "../model.js";
import type { SymbolicTensor } from "../symbolic.js";

type AnyLayer = Layer<SymbolicTensor | SymbolicTensor[]>;

/** A model weight with the name TensorFlow.js gives it. */
export interface NamedWeight {
  /** The top-level (or nested-model) layer holding it. */
  layer: string;
  /** `<layer>/<weight>` or `<layer>/<sublayer>/<weight>`. */
  name: string;
  entry: WeightEntry;
}

/** The model's weights with TensorFlow.js' names, each layer's in turn (Keras 3's order). */
export function namedWeights(model: AnyLayer): NamedWeight[] {
  const out: NamedWeight[] = [];
  const visit = (layer: AnyLayer, prefix: string, top: string) => {
    const all = layer.weightEntries();
    const subs = layer.sublayers();
    const inSubs = subs.reduce((n, s) => n + s.weightEntries().length, 0);
    for (const e of all.slice(0, all.length - inSubs)) out.push({ layer: top, name: `${prefix}${layer.name}/${e.name}`, entry: e });
    for (const s of subs) visit(s, `${prefix}${layer.name}/`, top);
  };
  const layers = (m: AnyLayer): void => {
    for (const l of (m as Model<SymbolicTensor | SymbolicTensor[]>).layers) {
      if (l instanceof Model) layers(l);
      else visit(l, "", l.name);
    }
  };
  if (model instanceof Model) layers(model);
  else visit(model, "", model.name);
  return out;
}

const plain = (name: string) => name.replace(/:\d+$/, "");
const last = (name: string) => plain(name).split("/").pop()!;

/**
 * Writes the file's weights into the model by name: each model weight takes the file weight of
 * the same name, else the next unused file weight under its layer's name with the same last
 * component (`lstm/lstm_cell/kernel` for `lstm/kernel`). Every weight's shape is checked, every
 * model weight must be found and every file weight used, all before anything is written.
 */
export function assignWeights(model: AnyLayer, file: { name: string; shape: readonly number[]; values: Float32Array }[], fail: (reason: string) => FileError): void {
  const wanted = namedWeights(model);
  const byName = new Map(file.map((w) => [plain(w.name), w]));
  const used = new Set<string>();
  const pairs = wanted.map((w) => {
    let f = byName.get(w.name);
    if (!f || used.has(plain(f.name))) {
      const prefix = `${w.layer}/`;
      f = file.find((x) => !used.has(plain(x.name)) && plain(x.name).startsWith(prefix) && last(x.name) === w.entry.name);
    }
    if (!f) throw fail(`the model's weight ${brief(w.name)} (shape [${w.entry.tensor.shape}]) is not in the file`);
    used.add(plain(f.name));
    const want = w.entry.tensor.shape;
    if (f.shape.length !== want.length || f.shape.some((d, i) => d !== want[i])) {
      throw fail(`weight ${brief(f.name)} has shape [${f.shape}], but the model's ${brief(w.name)} has shape [${want}]`);
    }
    return { target: w.entry.tensor, source: f };
  });
  const extra = file.filter((w) => !used.has(plain(w.name)));
  if (extra.length) throw fail(`the file holds weights the model does not have: ${extra.slice(0, 5).map((w) => brief(w.name)).join(", ")}${extra.length > 5 ? `, … (${extra.length})` : ""}`);
  noGrad(() => {
    for (const { target, source } of pairs) target.copy_(tensor(source.values, { dtype: target.dtype }).reshape(target.shape));
  });
}
