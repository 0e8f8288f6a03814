// Backends: the interface devices implement, the js reference backend, and the registry.
export type { Backend, Storage, View, Target } from "./backend.js";
export { JsBackend } from "./js/index.js";
export { setBackend, getBackend, backends, backend, backendByName, registerBackend, setThreads, getThreads, defaultBackend, ready, backendInfo, type BackendInfo } from "./registry.js";
export { WebGpuBackend, type AdapterSummary } from "./webgpu/index.js";
export { WasmBackend } from "./wasm/index.js";
export { runtimeFeatures, type RuntimeFeatures } from "./features.js";
