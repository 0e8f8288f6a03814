// `deepscript info`: what this installation runs on.
import os from "node:os";
import { getBackend, backends, getThreads } from "../backend/registry.js";
import { runtimeFeatures } from "../backend/features.js";
import { version } from "../core/version.js";

export function info(): string {
  const f = runtimeFeatures();
  const yes = (b: boolean) => (b ? "yes" : "no");
  return [
    `deepscript ${version}`,
    `backend:       ${getBackend()} (available: ${backends().join(", ")})`,
    `threads:       ${getThreads()} (cores: ${os.availableParallelism?.() ?? os.cpus().length})`,
    `wasm SIMD128:  ${yes(f.simd)}`,
    `relaxed SIMD:  ${yes(f.relaxedSimd)}${f.relaxedSimd ? "" : " (Node 22+, or --experimental-wasm-relaxed-simd on Node 20)"}`,
    `shared memory: ${yes(f.sharedMemory)}`,
    `runtime:       Node.js ${process.versions.node} on ${os.platform()}-${os.arch()} (${os.cpus()[0]?.model.trim() ?? "unknown CPU"})`,
  ].join("\n");
}
