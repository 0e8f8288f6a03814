// Preprocessing: scalers, categorical encoders and the imputer.
export { StandardScaler, MinMaxScaler, type StandardScalerParams, type MinMaxScalerParams } from "./scalers.js";
export { OneHotEncoder, LabelEncoder, type OneHotEncoderParams, type CategoricalInput } from "./encoders.js";
export { SimpleImputer, type SimpleImputerParams, type ImputeStrategy } from "./imputer.js";
