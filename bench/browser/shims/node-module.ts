// bench/peers/tfjs.ts in a page: createRequire(...).resolve("@tensorflow/tfjs-backend-wasm") names
// a file in the folder the bench server serves the tfjs .wasm files from.
export function createRequire(_url: string) {
  return { resolve: (_id: string) => "/tfjs-wasm/index.js" };
}
