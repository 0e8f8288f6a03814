// Support vector machines (scikit-learn's sklearn.svm): options, kernels, the SMO solver, Platt
// probabilities and the estimators, one file each.
export { SVC, SVR, type SVCOptions, type SVROptions } from "./estimators.js";
export type { SVMKernel } from "./options.js";
