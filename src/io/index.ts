// Save/load (PyTorch's torch.save/torch.load, Keras' save/load_model): safetensors weights, JSON architecture.
export { save, load, saveStateDict, loadStateDict, readSafetensors, MODEL_KEY, type LoadOptions, type ModelInfo } from "./model.js";
export { encodeSafetensors, decodeSafetensors, MAX_HEADER_BYTES, type SafetensorsContents } from "./safetensors.js";
export { describeModel, buildModel, rebuildableLayers, type LayerSpec } from "./architecture.js";
