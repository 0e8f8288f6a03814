// Learning-rate schedules (PyTorch's torch.optim.lr_scheduler): `optim.lr.StepLR`, ….
export { LRScheduler, type AnyOptimizer, type SchedulerStateDict } from "./scheduler.js";
export { StepLR, type StepLROptions } from "./step.js";
export { ExponentialLR, type ExponentialLROptions } from "./exponential.js";
export { CosineAnnealingLR, type CosineAnnealingLROptions } from "./cosine.js";
export { OneCycleLR, type OneCycleLROptions, type OneCyclePhase } from "./onecycle.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./plateau.js";
