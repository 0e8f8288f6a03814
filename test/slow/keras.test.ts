// Keras ports that must learn (npm run test:slow): Keras' Simple MNIST convnet with its own
// settings on the bundled digits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { main as kerasMnist } from "../../examples/keras_mnist.js";

test("Keras' Simple MNIST convnet (batch 128, 15 epochs, validationSplit 0.1) reaches ≥ 97% test accuracy on the digits", { timeout: 60 * 60_000 }, async () => {
  const accuracy = await kerasMnist(0, 15, 128);
  console.log(`Keras MNIST convnet: test accuracy ${(accuracy * 100).toFixed(2)}%`);
  assert.ok(accuracy >= 0.97);
});
