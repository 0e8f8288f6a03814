/// <reference types="@webgpu/types" />
// Finding a WebGPU device: `navigator.gpu` in browsers (and Deno, Bun), the `webgpu` package
// (Dawn) in Node. Asynchronous, as WebGPU's adapter and device requests are: `ds.ready("webgpu")`.
import { ArgumentError } from "../../core/errors.js";

/** What `ds.backendInfo("webgpu")` and `deepscript info` report about the adapter. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software adapter (SwiftShader, lavapipe, WARP) or a fallback adapter. */
  software: boolean;
  isFallbackAdapter: boolean;
  /** Where the adapter came from: "navigator.gpu" or "webgpu (Dawn for Node)". */
  source: string;
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxStorageBuffersPerShaderStage: number;
    maxComputeWorkgroupsPerDimension: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupStorageSize: number;
  };
}

export interface Acquired { device: GPUDevice; adapter: AdapterSummary }

const SOFTWARE = /swiftshader|lavapipe|llvmpipe|warp|software|basic render/i;

/** The `webgpu` package's `create`, loaded without letting bundlers pull Dawn into a browser bundle. */
async function nodeGpu(): Promise<GPU | null> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) return null;
  const spec = ["web", "gpu"].join(""); // not a literal: bundlers leave it alone
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(spec)) as { create(flags: string[]): GPU };
  } catch {
    return null;
  }
  return mod.create([]);
}

/** The adapter and a device with the adapter's largest storage limits; throws when there is none. */
export async function acquire(): Promise<Acquired> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  let gpu = nav?.gpu ?? null;
  let source = "navigator.gpu";
  if (!gpu) {
    gpu = await nodeGpu();
    source = "webgpu (Dawn for Node)";
  }
  if (!gpu) {
    throw new ArgumentError("ready", "WebGPU is not available here: no navigator.gpu, and in Node the `webgpu` package is not installed (npm install webgpu); use the js or wasm backend");
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new ArgumentError("ready", `WebGPU found no adapter (${source}); in Chromium start with --enable-unsafe-webgpu (and --use-webgpu-adapter=swiftshader without a GPU); in Node, Dawn needs a Vulkan/Metal/D3D12 driver (see README "WebGPU")`);
  }
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: L.maxBufferSize,
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
    },
  });
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const fallback = Boolean((adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
  const text = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(" ");
  const D = device.limits;
  return {
    device,
    adapter: {
      vendor: info?.vendor ?? "", architecture: info?.architecture ?? "", device: info?.device ?? "", description: info?.description ?? "",
      software: fallback || SOFTWARE.test(text), isFallbackAdapter: fallback, source,
      limits: {
        maxBufferSize: D.maxBufferSize, maxStorageBufferBindingSize: D.maxStorageBufferBindingSize,
        maxStorageBuffersPerShaderStage: D.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupsPerDimension: D.maxComputeWorkgroupsPerDimension,
        maxComputeInvocationsPerWorkgroup: D.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupStorageSize: D.maxComputeWorkgroupStorageSize,
      },
    },
  };
}
