// Semi-supervised learning: self-training and label propagation (y = -1 marks unlabelled samples).
export { SelfTrainingClassifier, type SelfTrainingParams } from "./self_training.js";
export { LabelPropagation, type LabelPropagationParams } from "./label_propagation.js";
