// keras.models: models from Keras JSON, and copies with fresh weights.
export { modelFromJSON, cloneModel } from "./serialization.js";
export { Model, model } from "./model.js";
export { Sequential, sequential } from "./sequential.js";
