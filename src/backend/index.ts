// Backends: the interface devices implement, the js reference backend, and the registry.
export type { Backend, Storage, View, Target } from "./backend.js";
export { JsBackend } from "./js/index.js";
export { setBackend, getBackend, backends, backend, backendByName, registerBackend, setThreads, getThreads, defaultBackend } from "./registry.js";
export { WasmBackend } from "./wasm/index.js";
export { runtimeFeatures, type RuntimeFeatures } from "./features.js";
