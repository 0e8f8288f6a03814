// The public `io` namespace (`ds.io`, `deepscript/io`): io/'s formats and state dicts, plus
// whole-model save/load from nn/ (which sits above io/, since rebuilding a model needs the layers).
export * from "./io/index.js";
export { save, load, MODEL_KEY, type LoadOptions, type ModelInfo } from "./nn/persist.js";
export { describeModel, buildModel, rebuildableLayers, ARCHITECTURE_LIMITS, type LayerSpec, type ArchitectureLimits } from "./nn/architecture.js";
export { loadOnnx, OnnxModule, ONNX_OPS } from "./nn/onnx/module.js";
export { saveOnnx, EXPORT_OPSET } from "./nn/onnx/export.js";
