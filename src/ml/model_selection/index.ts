// Model selection: splits, cross-validation, scorers and grid search.
export { trainTestSplit, KFold, StratifiedKFold, type TrainTestSplitOptions, type KFoldOptions, type Splitter, type Fold, type Rows } from "./split.js";
export { crossValScore, getScorer, type Scorer, type Scoring, type CV, type CrossValOptions } from "./validation.js";
export { GridSearchCV, parameterGrid, type ParamGrid, type CVResults, type GridSearchCVOptions } from "./search.js";
