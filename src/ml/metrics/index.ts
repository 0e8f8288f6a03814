// ml.metrics: scikit-learn's metrics for classification, regression and clustering.
export { accuracy, precision, recall, f1, confusionMatrix, rocAuc, logLoss } from "./classification.js";
export type { Average, PRFOptions, ConfusionMatrixOptions, RocAucOptions, LogLossOptions } from "./classification.js";
export { mse, mae, r2 } from "./regression.js";
export { silhouette, silhouetteSamples, adjustedRandScore, adjustedRandIndex, type SilhouetteOptions } from "./clustering.js";
export { classificationReport, type ClassificationReportOptions } from "./report.js";
export type { LabelsInput, ValuesInput } from "./common.js";
