// Keras' "Simple MNIST convnet" (keras.io/examples/vision/mnist_convnet), ported line by line to
// deepscript/keras and trained with its settings (batch 128, 15 epochs, 10% validation) on the
// bundled digits. `npm run example:keras-mnist` (LIMIT=N samples, EPOCHS=N, BATCH=N, SEED=N; BATCH=none
// leaves batchSize out of fit, as a Keras user who does not set batch_size: Keras' default 32).
import * as ds from "../src/index.js";
import { keras } from "../src/index.js";

const { layers } = keras;

const envBatch = (): number | null => (process.env.BATCH === "none" ? null : Number(process.env.BATCH ?? 128));

/** batchSize null: fit without a batchSize (Keras' default). Returns the test accuracy. */
export async function main(limit = Number(process.env.LIMIT ?? 0), epochs = Number(process.env.EPOCHS ?? 15), batchSize: number | null = envBatch(), seed = Number(process.env.SEED ?? 1)): Promise<number> {
  keras.backend.setRandomSeed(seed);
  // Model / data parameters
  const numClasses = 10;
  const inputShape = [28, 28, 1];

  // The data, split between train and test sets (the bundled digits are already scaled to [0, 1])
  const { train, test } = ds.data.datasets.digits();
  const take = (t: ds.Tensor, n: number) => (limit > 0 ? t.narrow(0, 0, Math.min(limit, n)) : t);
  // Make sure images have shape (28, 28, 1): channels last, as Keras
  const xTrain = take(train.x, train.x.shape[0]).permute([0, 2, 3, 1]);
  const xTest = take(test.x, test.x.shape[0]).permute([0, 2, 3, 1]);
  console.log("x_train shape:", xTrain.shape);
  console.log(xTrain.shape[0], "train samples");
  console.log(xTest.shape[0], "test samples");

  // convert class vectors to binary class matrices
  const yTrain = take(train.y, train.y.shape[0]).oneHot(numClasses).float();
  const yTest = take(test.y, test.y.shape[0]).oneHot(numClasses).float();

  const model = new keras.Sequential([
    keras.Input({ shape: inputShape }),
    new layers.Conv2D(32, [3, 3], { activation: "relu" }),
    new layers.MaxPooling2D({ poolSize: [2, 2] }),
    new layers.Conv2D(64, [3, 3], { activation: "relu" }),
    new layers.MaxPooling2D({ poolSize: [2, 2] }),
    new layers.Flatten(),
    new layers.Dropout(0.5),
    new layers.Dense(numClasses, { activation: "softmax" }),
  ]);
  model.summary();

  model.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  await model.fit(xTrain, yTrain, { ...(batchSize === null ? {} : { batchSize }), epochs, validationSplit: 0.1 });

  const [loss, accuracy] = model.evaluate(xTest, yTest, { verbose: 0 }) as number[];
  console.log("Test loss:", loss);
  console.log("Test accuracy:", accuracy);
  return accuracy;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
