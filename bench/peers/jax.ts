// jax-js (@jax-js/jax, devDependency) on its `wasm` device. In Node there is no `Worker` global,
// so its kernels run on the main thread (one thread), as WORKLOADS.md §4 describes.
import { defaultDevice, init, numpy as np } from "@jax-js/jax";
import type { Case } from "../cases.js";
import type { Peer, Prepared } from "./peer.js";

type JaxArray = ReturnType<typeof np.array>;

// jax-js owns arguments (reference counting): every use but the last goes through `.ref`.
function compute(c: Case, xs: JaxArray[]): JaxArray {
  switch (c.op.kind) {
    case "matmul": return np.matmul(xs[0].ref, xs[1].ref);
    case "add": return np.add(xs[0].ref, xs[1].ref);
    case "exp": return np.exp(xs[0].ref);
    case "sumAll": return np.sum(xs[0].ref);
    case "sumLast": return np.sum(xs[0].ref, -1);
    case "mlpTrain": throw new Error("not implemented for jax-js yet");
  }
}

let live = 0;

/** The jax-js wasm peer (single-threaded in Node). */
export async function jaxPeer(): Promise<Peer> {
  await init("wasm");
  defaultDevice("wasm");
  return {
    name: "jax-js wasm",
    select: async () => void defaultDevice("wasm"),
    prepare(c: Case): Prepared {
      if (c.op.kind === "mlpTrain") throw new Error("W2 not implemented for jax-js yet");
      const xs = c.inputs.map((x) => np.array(x.data).reshape(x.shape));
      live += xs.length;
      return {
        // dataSync waits for the kernels, then consumes the result (its last reference).
        run: () => (compute(c, xs).reshape([-1]).slice([0, 1]).dataSync() as ArrayLike<number>)[0],
        dispose: () => {
          xs.forEach((x) => x.dispose());
          live -= xs.length;
        },
      };
    },
    liveTensors: () => live,
  };
}
