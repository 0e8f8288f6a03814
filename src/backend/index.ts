// Backends: the interface devices implement, the js reference backend, and the registry.
export type { Backend, Storage, View, Target } from "./backend.js";
export { JsBackend } from "./js/index.js";
export { setBackend, getBackend, backends, backend, backendByName, registerBackend, setThreads, getThreads } from "./registry.js";
export { runtimeFeatures, type RuntimeFeatures } from "./features.js";
