// The multi-input, multi-output model of Keras' functional API guide (keras.io/guides/functional_api,
// "Models with multiple inputs and outputs"), with two inputs: a ticket's title (word indices of
// any length) and its tags → its priority and its department. Trained on random data, as the guide
// does. `npm run example:keras-functional` (N=samples).
import * as ds from "../src/index.js";
import { keras } from "../src/index.js";

const { layers } = keras;

export async function main(n = Number(process.env.N ?? 1280), epochs = 2): Promise<keras.History> {
  keras.backend.setRandomSeed(0);
  const numTags = 12; // Number of unique issue tags
  const numWords = 10000; // Size of vocabulary obtained when preprocessing text data
  const numDepartments = 4; // Number of departments for predictions

  const titleInput = keras.Input({ shape: [null], name: "title" }); // Variable-length sequence of ints
  const tagsInput = keras.Input({ shape: [numTags], name: "tags" }); // Binary vectors of size `numTags`

  // Embed each word in the title into a 64-dimensional vector
  let titleFeatures = new layers.Embedding(numWords, 64).call(titleInput);
  // Reduce sequence of embedded words in the title into a single 128-dimensional vector
  titleFeatures = new layers.LSTM(128).call(titleFeatures);

  // Merge all available features into a single large vector via concatenation
  const x = layers.concatenate([titleFeatures, tagsInput]);

  // Stick a logistic regression for priority prediction on top of the features
  const priorityPred = new layers.Dense(1, { name: "priority" }).call(x);
  // Stick a department classifier on top of the features
  const departmentPred = new layers.Dense(numDepartments, { name: "department" }).call(x);

  // Instantiate an end-to-end model predicting both priority and department
  const model = new keras.Model({ inputs: [titleInput, tagsInput], outputs: [priorityPred, departmentPred] });
  model.summary();

  model.compile({
    optimizer: keras.optimizers.RMSprop({ learningRate: 1e-3 }),
    loss: {
      priority: keras.losses.BinaryCrossentropy({ fromLogits: true }),
      department: keras.losses.CategoricalCrossentropy({ fromLogits: true }),
    },
    lossWeights: { priority: 1.0, department: 0.2 },
  });

  // Dummy input data
  const titleData = ds.randint(0, numWords, [n, 10]);
  const tagsData = ds.randint(0, 2, [n, numTags]).float();
  // Dummy target data
  const priorityTargets = ds.rand([n, 1]);
  const deptTargets = ds.randint(0, 2, [n, numDepartments]).float();

  return model.fit({ title: titleData, tags: tagsData }, { priority: priorityTargets, department: deptTargets }, { epochs, batchSize: 32 });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
