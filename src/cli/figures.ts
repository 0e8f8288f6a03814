// The pictures `deepscript train` leaves beside the model: training curves and the test-set confusion matrix.
import { join } from "node:path";
import type { Tensor } from "../tensor/tensor.js";
import * as train from "../train/index.js";
import * as plot from "../plot/index.js";

/** Writes curves.png (loss and accuracy per epoch, train vs validation) and confusion.png (test set); returns their names. */
export async function writeTrainingFigures(outDir: string, history: train.History, model: train.Model, test: [Tensor, Tensor], classes: number): Promise<string[]> {
  const predicted = train.predict(model, test[0], { batchSize: 256 }).argmax(1).toArray() as number[];
  const truth = test[1].toArray() as number[];
  const labels = Array.from({ length: classes }, (_, i) => String(i));
  await plot.history(history, { title: "Training curves" }).save(join(outDir, "curves.png"), { scale: 2 });
  await plot.confusionMatrix(truth, predicted, { labels, title: "Confusion matrix (test set)" }).save(join(outDir, "confusion.png"), { scale: 2 });
  return ["curves.png", "confusion.png"];
}
