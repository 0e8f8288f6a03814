// Optimizers and learning-rate schedules (PyTorch's torch.optim): `import { optim } from "deepscript"`.
export {
  Optimizer, type OptimizerOptions, type ParamGroup, type Group, type ParamGroupInput, type ParamsInput, type OptimizerStateDict, type StateValue, type Closure,
} from "./optimizer.js";
export { SGD, type SGDOptions, type SGDHyper, type SGDState } from "./sgd.js";
export { Adam, type AdamOptions, type AdamHyper, type AdamState } from "./adam.js";
export { AdamW, type AdamWOptions } from "./adamw.js";
export { RMSprop, type RMSpropOptions, type RMSpropHyper, type RMSpropState } from "./rmsprop.js";
export { Adagrad, type AdagradOptions, type AdagradHyper, type AdagradState } from "./adagrad.js";
export * as lr from "./lr/index.js";
