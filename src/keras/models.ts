// keras.models: models from Keras JSON, copies with fresh weights, and Keras' load_model.
export { modelFromJSON, cloneModel } from "./serialization.js";
export { Model, model } from "./model.js";
export { Sequential, sequential } from "./sequential.js";
export { loadModel } from "./saving/load.js";
