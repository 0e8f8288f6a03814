// The io layer: the safetensors format and state dicts as files, and reading PyTorch's torch.save
// files (torch/). Whole-model save/load needs the nn layers, so it lives in nn/persist.ts; the
// public `io` namespace joins both (src/io-namespace.ts).
export { saveStateDict, loadStateDict, readSafetensors } from "./statedict.js";
export {
  encodeSafetensors, decodeSafetensors, MAX_HEADER_BYTES, type SafetensorsContents, type SafetensorsLimits,
} from "./safetensors.js";
export { loadTorch, decodeTorch, TORCH_LIMITS, type TorchValue, type TorchDict } from "./torch/load.js";
