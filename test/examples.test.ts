// The examples run (on a few samples; the full runs are `npm run example:<name>`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { main as mnist } from "../examples/mnist.js";
import { main as kerasMnist } from "../examples/keras_mnist.js";
import { main as kerasFunctional } from "../examples/keras_functional.js";

test("examples/mnist.ts (the PyTorch MNIST port) trains and evaluates", async () => {
  const accuracy = await mnist(64, 1);
  assert.ok(accuracy >= 0 && accuracy <= 1);
});

test("examples/keras_mnist.ts (Keras' Simple MNIST convnet) trains and evaluates", async () => {
  const accuracy = await kerasMnist(64, 1, 32);
  assert.ok(accuracy >= 0 && accuracy <= 1);
});

test("examples/keras_functional.ts (Keras' two-input, two-output guide model) trains", async () => {
  const history = await kerasFunctional(64, 1);
  assert.deepEqual(Object.keys(history.history), ["loss", "priority_loss", "department_loss"]);
});
