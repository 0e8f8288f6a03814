// The tutorial's MnistData, on the bundled digits: nextTrainBatch(n) / nextTestBatch(n) give
// { xs: [n, 784], labels: [n, 10] one-hot } as tensors of either library (`make` builds them).
// The tutorial draws random images from its 65,000-image sprite; this takes the first n of the
// bundled 8,000 training and 2,000 test digits, so both libraries see the same images.
import * as ds from "../../src/index.js";

export interface Batch<T> {
  xs: T;
  labels: T;
}

export interface Data<T> {
  nextTrainBatch(batchSize: number): Batch<T>;
  nextTestBatch(batchSize: number): Batch<T>;
}

export function digitsData<T>(make: (values: Float32Array, shape: number[]) => T): Data<T> {
  const { train, test } = ds.data.datasets.digits();
  const batch = (split: typeof train, n: number): Batch<T> => {
    const xs = Float32Array.from(split.x.narrow(0, 0, n).dataSync());
    const labels = Float32Array.from(split.y.narrow(0, 0, n).oneHot(10).float().dataSync());
    return { xs: make(xs, [n, 784]), labels: make(labels, [n, 10]) };
  };
  return { nextTrainBatch: (n) => batch(train, n), nextTestBatch: (n) => batch(test, n) };
}
