// PyTorch's MNIST example (github.com/pytorch/examples, mnist/main.py), ported line by line to
// deepscript and trained on the bundled digits. `npm run example:mnist` (LIMIT=N for a quick run).
import * as ds from "../src/index.js";

const { nn, optim, train, data, io } = ds;

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3);
  conv2 = new nn.Conv2d(32, 64, 3);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  forward(x: ds.Tensor): ds.Tensor {
    x = this.conv1.call(x).relu();
    x = this.conv2.call(x).relu();
    x = nn.F.maxPool2d(x, 2);
    x = this.dropout1.call(x).flatten(1);
    x = this.dropout2.call(this.fc1.call(x).relu());
    return this.fc2.call(x).logSoftmax(1);
  }
}

export async function main(limit = Number(process.env.LIMIT ?? 0), epochs = Number(process.env.EPOCHS ?? 2)): Promise<number> {
  ds.seed(1);
  const { train: tr, test } = data.datasets.digits();
  // transforms.Normalize((0.1307,), (0.3081,))
  const norm = (x: ds.Tensor) => x.sub(0.1307).div(0.3081);
  const n = limit > 0 ? Math.min(limit, tr.x.shape[0]) : tr.x.shape[0];
  const xTrain = norm(tr.x.narrow(0, 0, n)), yTrain = tr.y.narrow(0, 0, n);
  const model = new Net();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const scheduler = new optim.lr.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  await train.fit(model, [xTrain, yTrain], {
    epochs, batchSize: 64, optimizer, loss: "nll", metrics: ["accuracy"],
    callbacks: [train.lrScheduler(scheduler)],
  });
  const nTest = limit > 0 ? Math.min(limit, test.x.shape[0]) : test.x.shape[0];
  const { loss, accuracy } = train.evaluate(model, [norm(test.x.narrow(0, 0, nTest)), test.y.narrow(0, 0, nTest)], { loss: "nll", metrics: ["accuracy"], batchSize: 256 });
  console.log(`Test set: average loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(2)}%`);
  if (process.env.SAVE) io.save(model, process.env.SAVE);
  return accuracy;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
