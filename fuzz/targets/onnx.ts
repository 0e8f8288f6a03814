// Fuzz target: ONNX model files through io.loadOnnx (src/io/onnx/read.ts, src/nn/onnx/module.ts):
// protobuf decoding, the tensor-size and graph checks, and the operator/attribute checks, up to a
// built module. (Running a loaded graph is computation, not parsing: a mutated but valid graph may
// legitimately ask for any amount of work, so the target stops at the built module.)
import { readFileSync } from "node:fs";
import * as ds from "../../src/index.js";
import { messageType } from "../../src/io/onnx/proto.js";
import type { FuzzTarget } from "../target.js";
import { NUMBERS, NAMES, int, pick, type Rand } from "../mutators.js";

const { io, nn } = ds;
type Msg = Record<string, unknown> & { graph?: Graph };
type Graph = { node: Node[]; initializer: Tensor[]; input: unknown[]; output: unknown[] };
type Node = { opType: string; input: string[]; output: string[]; attribute: Attr[] };
type Attr = { name: string; type: number; i?: number; f?: number; ints?: number[] };
type Tensor = { name: string; dims: number[]; dataType: number; rawData?: Uint8Array; floatData?: number[] };

const OPS = [...Object.keys(io.ONNX_OPS), "NonZero", "If", "Loop", ""];

// Decodes, edits and re-encodes the model (the generic byte mutators break the encoding itself).
function edit(b: Uint8Array, rand: Rand, fn: (m: Msg, r: Rand) => void): Uint8Array {
  const M = messageType("ModelProto");
  try {
    const m = M.toObject(M.decode(b), { longs: Number, bytes: Uint8Array as never, defaults: true, arrays: true }) as Msg;
    fn(m, rand);
    return M.encode(M.fromObject(m)).finish();
  } catch {
    return b;
  }
}

const weird = (rand: Rand) => Math.trunc(Number(pick(rand, [...NUMBERS, "0", "-1", "1", "3"]))) || 0;

const MUTATORS: ((b: Uint8Array, r: Rand) => Uint8Array)[] = [
  // An initializer's dims: one changed, one added or one dropped.
  (b, r) => edit(b, r, (m) => {
    const t = m.graph && pick(r, m.graph.initializer);
    if (!t) return;
    const k = int(r, 3);
    if (k === 0 && t.dims.length) t.dims[int(r, t.dims.length)] = weird(r);
    else if (k === 1) t.dims.push(int(r, 5));
    else t.dims.pop();
  }),
  // Raw data cut short or grown, or the element type changed.
  (b, r) => edit(b, r, (m) => {
    const t = m.graph && pick(r, m.graph.initializer);
    if (!t) return;
    if (r() < 0.5 && t.rawData) t.rawData = t.rawData.subarray(0, int(r, t.rawData.length + 1));
    else t.dataType = int(r, 18);
  }),
  // A node's op type swapped for another (known or not).
  (b, r) => edit(b, r, (m) => {
    const n = m.graph && pick(r, m.graph.node);
    if (n) n.opType = pick(r, OPS);
  }),
  // An attribute's value, name or type changed.
  (b, r) => edit(b, r, (m) => {
    const n = m.graph && pick(r, m.graph.node.filter((x) => x.attribute.length));
    if (!n) return;
    const a = pick(r, n.attribute);
    const k = int(r, 4);
    if (k === 0) a.i = weird(r);
    else if (k === 1) a.ints = Array.from({ length: int(r, 5) }, () => weird(r));
    else if (k === 2) a.name = pick(r, [...NAMES.slice(0, 7), "axis", "axes", "perm", "pads", "strides"]);
    else a.type = int(r, 16);
  }),
  // Node inputs and outputs renamed, dropped or swapped (use before definition, dangling names).
  (b, r) => edit(b, r, (m) => {
    const n = m.graph && pick(r, m.graph.node);
    if (!n) return;
    if (r() < 0.5 && n.input.length) n.input[int(r, n.input.length)] = pick(r, ["", "missing", ...n.output]);
    else if (n.output.length) n.output[int(r, n.output.length)] = pick(r, ["", ...n.input]);
  }),
  // The opset, or the nodes' order.
  (b, r) => edit(b, r, (m) => {
    if (r() < 0.5) (m.opsetImport as { version: number }[])[0].version = pick(r, [1, 12, 13, 17, 18, 21, 22, 2 ** 40]);
    else if (m.graph) m.graph.node.reverse();
  }),
];

const target: FuzzTarget = {
  name: "onnx",
  ext: ".onnx",
  corpus() {
    ds.seed(0);
    const fixture = (f: string) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/onnx/${f}.onnx`, import.meta.url)));
    const written = async (m: ds.nn.Module<never[], unknown>, x: ds.Tensor) => new Uint8Array(await (io.saveOnnx(m, x) as Blob).arrayBuffer());
    // torch.onnx.export's files (tools/gen_onnx_fixtures.py), the large W3 CNN left out, and two of ours.
    return Promise.all([
      ...["mlp_op13", "decoder", "cnn_misc", "lstm", "gru", "transformer_op17", "transformer_op18"].map(fixture),
      written(new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8, 2)) as never, ds.zeros([1, 1, 4, 4])),
      written(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true }) as never, ds.zeros([1, 3, 4])),
    ]);
  },
  parse(path) {
    const model = io.loadOnnx(path);
    for (const t of Object.values(model.stateDict())) t.dispose();
  },
  mutators: MUTATORS,
};
export default target;
