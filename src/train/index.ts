// Training (Keras' fit/evaluate/predict over PyTorch-style modules and optimizers).
export { fit, type FitOptions, type OptimizerLike } from "./fit.js";
export { evaluate, predict, type EvaluateOptions, type Model } from "./evaluate.js";
export { History, type Logs } from "./history.js";
export { earlyStopping, lrScheduler, lambdaCallback, type Callback, type TrainContext, type EarlyStoppingOptions, type Scheduler } from "./callbacks.js";
export { modelCheckpoint, type ModelCheckpointOptions } from "./checkpoint.js";
export type { CheckpointOptions } from "./resume.js";
export { accuracy, topKAccuracy, mae, mse, resolveMetric, type Metric, type MetricSpec } from "./metrics.js";
export { permutation, type Data, type Dataset } from "./batches.js";
export type { LossFn, LossSpec } from "./loss.js";
export { fitContrastive, embed, labelledSubset, linearProbe, knnAccuracy, type ContrastiveOptions } from "./contrastive.js";
