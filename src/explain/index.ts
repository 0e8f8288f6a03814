// Explaining models (Captum's and scikit-learn's inspection tools): saliency, integrated gradients,
// occlusion, permutation and tree feature importances, heat-map overlays.
export {
  saliency, integratedGradients, convergenceDelta, occlusion, targetOutputs,
  type Forward, type Target, type SaliencyOptions, type IntegratedGradientsOptions, type IntegrationMethod, type OcclusionOptions,
} from "./attributions.js";
export {
  permutationImportance, featureImportances, plotImportances,
  type PermutationImportanceOptions, type PermutationImportanceResult, type Scoring, type Scorable,
} from "./importance.js";
export { overlay, type OverlayOptions } from "./overlay.js";
export { projector, type ProjectorOptions, type Projection } from "./projector.js";
export { tsne, trustworthiness, type TsneOptions } from "./tsne.js";
