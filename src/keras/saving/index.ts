// keras.saving: Keras' home of load_model and save_model (keras.loadModel and model.save are the
// same functions).
export { loadModel, saveModel } from "./load.js";
