// `deepscript info`: what this installation runs on.
import os from "node:os";
import { getBackend, backends, getThreads, ready, backendInfo } from "../backend/registry.js";
import { runtimeFeatures } from "../backend/features.js";
import { version } from "../core/version.js";

/** The webgpu line: the adapter (vendor, architecture, software or not, main limits), or why there is none. */
export async function webgpuLine(): Promise<string> {
  try {
    await ready("webgpu");
  } catch (e) {
    return `webgpu:        not available (${e instanceof Error ? e.message.replace(/^ready: /, "") : String(e)})`;
  }
  const a = backendInfo().find((b) => b.name === "webgpu")?.adapter;
  if (!a) return "webgpu:        not available";
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  return `webgpu:        ${[a.vendor, a.architecture, a.description].filter(Boolean).join(" / ")}, ${a.software ? "software" : "hardware"} adapter${a.isFallbackAdapter ? " (fallback)" : ""} via ${a.source}; max buffer ${mib(a.limits.maxBufferSize)}, storage binding ${mib(a.limits.maxStorageBufferBindingSize)}, ${a.limits.maxComputeInvocationsPerWorkgroup} invocations/workgroup`;
}

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
