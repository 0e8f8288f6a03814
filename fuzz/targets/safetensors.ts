// Fuzz target: safetensors tensor files through io.readSafetensors (src/io/safetensors.ts).
import { readFileSync } from "node:fs";
import * as ds from "../../src/index.js";
import type { FuzzTarget } from "../target.js";
import { SAFETENSORS_MUTATORS } from "../safetensors_bytes.js";

const concat = (pieces: Uint8Array[]) => new Uint8Array(Buffer.concat(pieces));

const target: FuzzTarget = {
  name: "safetensors",
  ext: ".safetensors",
  corpus() {
    ds.seed(0);
    const { io } = ds;
    const written = [
      io.encodeSafetensors({ weight: ds.randn([3, 4]), bias: ds.zeros([3]) }),
      io.encodeSafetensors({ f64: ds.randn([2, 2], { dtype: "float64" }), i32: ds.tensor([1, -2, 3], { dtype: "int32" }), mask: ds.tensor([true, false]) }, { epoch: "3", note: "fuzz" }),
      io.encodeSafetensors({ scalar: ds.tensor(2.5), empty: ds.zeros([0, 3]), steps: ds.zeros([], { dtype: "int32" }) }),
      io.encodeSafetensors({}),
    ].map(concat);
    // PyTorch-made files (tools/gen_io_fixtures.py): I64, U8, I8, I16, F16, BF16 and unaligned layouts.
    const fixtures = ["dtypes", "torch_mlp", "torch_mlp_io"].map((f) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/io/${f}.safetensors`, import.meta.url))));
    return [...written, ...fixtures];
  },
  parse(path) {
    const { tensors } = ds.io.readSafetensors(path);
    for (const t of Object.values(tensors)) t.dispose();
  },
  mutators: SAFETENSORS_MUTATORS,
};
export default target;
