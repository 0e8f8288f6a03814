// Classic machine learning (scikit-learn's estimators in TypeScript): the `ml` namespace.
export {
  BaseEstimator, Classifier, Regressor, NotFittedError,
  type MatrixInput, type TargetInput, type Label, type Matrix,
} from "./base.js";
// Supervised estimators (issue 6 part A).
export { LinearRegression, Ridge, Lasso, type LinearRegressionOptions, type RidgeOptions, type LassoOptions } from "./linear.js";
export { LogisticRegression, type LogisticRegressionOptions } from "./logistic.js";
export { KNeighborsClassifier, KNeighborsRegressor, type NeighborsOptions } from "./neighbors.js";
export {
  DecisionTreeClassifier, DecisionTreeRegressor,
  type DecisionTreeClassifierOptions, type DecisionTreeRegressorOptions, type TreeGrowthOptions, type MaxFeatures,
} from "./tree.js";
export { CartTree } from "./cart.js";
export { RandomForestClassifier, RandomForestRegressor, type RandomForestClassifierOptions, type RandomForestRegressorOptions } from "./forest.js";
export {
  GradientBoostingClassifier, GradientBoostingRegressor,
  type GradientBoostingClassifierOptions, type GradientBoostingRegressorOptions,
} from "./boosting.js";
export { SVC, SVR, type SVCOptions, type SVROptions, type SVMKernel } from "./svm/index.js";
export { GaussianNB, type GaussianNBOptions } from "./naive_bayes.js";
// Unsupervised, preprocessing, pipelines, model selection, metrics (issue 6 part B).
export { KMeans, type KMeansParams } from "./kmeans.js";
export { DBSCAN, type DBSCANParams } from "./dbscan.js";
export { PCA, type PCAParams } from "./pca.js";
export * from "./preprocessing/index.js";
export { Pipeline, type Step, type PipelineInput } from "./pipeline.js";
export * from "./model_selection/index.js";
export * as metrics from "./metrics/index.js";
export type { Estimator, AnyEstimator } from "./protocols.js";
export * from "./semi_supervised/index.js";
export * as datasets from "./datasets.js";
