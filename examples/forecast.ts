// Forecasting monthly airline passengers (1949–1960, bundled) one month ahead with an LSTM, and
// comparing its error with the naive last-value forecast and the seasonal-naive one (a year ago).
// Run: npm run example:forecast
//
// The LSTM reads the last 12 monthly log-changes (standardised) and predicts the next one; the
// forecast is last value × exp(predicted change). It trains on 1949–1958 and is scored on the 24
// months of 1959–1960, which it never saw.
import { fileURLToPath } from "node:url";
import * as ds from "../src/index.js";
import { nn, optim, data, train } from "../src/index.js";

class Forecaster extends nn.Module {
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor(hidden: number) {
    super();
    this.lstm = new nn.LSTM(1, hidden, { batchFirst: true });
    this.head = new nn.Linear(hidden, 1);
  }
  forward(x: ds.Tensor): ds.Tensor {
    const [out] = this.lstm.call(x); // [batch, 12, hidden]
    return this.head.call(out.index(":", -1)); // the last step → [batch, 1]
  }
}

export interface ForecastResult {
  months: string[];
  actual: number[];
  model: number[];
  naive: number[];
  seasonal: number[];
  rmse: { model: number; naive: number; seasonal: number };
  mape: { model: number; naive: number; seasonal: number };
}

export async function forecast(opts: { epochs?: number; window?: number; hidden?: number; testMonths?: number; seed?: number; log?: (line: string) => void } = {}): Promise<ForecastResult> {
  const epochs = opts.epochs ?? 150, W = opts.window ?? 12, testMonths = opts.testMonths ?? 24;
  ds.seed(opts.seed ?? 0);
  const { months, passengers } = data.datasets.airPassengers();
  const T = passengers.shape[0];
  const logS = passengers.log();
  const change = logS.narrow(0, 1, T - 1).sub(logS.narrow(0, 0, T - 1)); // change[i] = log s[i+1] - log s[i]

  // Window i reads change[i … i+W-1] (months i … i+W) and predicts change[i+W]: month i+W+1.
  const firstTest = T - testMonths; // first month to forecast
  const nTrain = firstTest - W - 1; // windows whose target month is < firstTest
  const scaler = new data.StandardScaler().fit(change.narrow(0, 0, nTrain + W));
  const { x, y } = data.windowSeries(scaler.transform(change), { window: W });
  const [xTrain, yTrain] = [x.narrow(0, 0, nTrain), y.narrow(0, 0, nTrain)];
  const [xTest] = [x.narrow(0, nTrain, x.shape[0] - nTrain)];

  const model = new Forecaster(opts.hidden ?? 32);
  await train.fit(model, [xTrain, yTrain], {
    epochs, batchSize: 16, seed: 0, optimizer: new optim.Adam(model.parameters(), { lr: 0.005 }), loss: "mse", verbose: 0,
    callbacks: [{ onEpochEnd: (e, logs) => void ((e + 1) % 25 === 0 && opts.log?.(`epoch ${e + 1}/${epochs}  training MSE (scaled) ${logs.loss.toFixed(4)}`)) }],
  });
  model.eval();

  // Back to passengers: inverse-scale the predicted change, add it to the last observed log value.
  const predChange = scaler.inverseTransform(ds.noGrad(() => model.call(xTest))).reshape([-1]);
  const s = Array.from(passengers.dataSync());
  const lastObs = s.slice(firstTest - 1, T - 1);
  const modelF = Array.from(predChange.exp().dataSync(), (r, k) => lastObs[k] * r);
  const actual = s.slice(firstTest);
  const naive = lastObs;
  const seasonal = s.slice(firstTest - 12, T - 12);
  const rmse = (p: number[]) => Math.sqrt(p.reduce((a, v, k) => a + (v - actual[k]) ** 2, 0) / p.length);
  const mape = (p: number[]) => (100 * p.reduce((a, v, k) => a + Math.abs(v - actual[k]) / actual[k], 0)) / p.length;
  return {
    months: months.slice(firstTest), actual, model: modelF, naive, seasonal,
    rmse: { model: rmse(modelF), naive: rmse(naive), seasonal: rmse(seasonal) },
    mape: { model: mape(modelF), naive: mape(naive), seasonal: mape(seasonal) },
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log("Airline passengers (thousands per month), train 1949–1958, test 1959–1960, one month ahead");
  const r = await forecast({ log: console.log });
  console.log("\nmonth     actual   LSTM   naive  seasonal");
  r.months.forEach((m, k) => console.log(`${m}  ${[r.actual[k], r.model[k], r.naive[k], r.seasonal[k]].map((v) => v.toFixed(0).padStart(6)).join(" ")}`));
  console.log("\nforecast                     RMSE    MAPE");
  for (const [name, key] of [["LSTM", "model"], ["naive (last value)", "naive"], ["seasonal naive (year ago)", "seasonal"]] as const) {
    console.log(`${name.padEnd(26)} ${r.rmse[key].toFixed(1).padStart(6)}  ${r.mape[key].toFixed(1).padStart(5)}%`);
  }
  const better = r.rmse.model < r.rmse.naive;
  console.log(`\nThe LSTM's RMSE is ${(r.rmse.naive / r.rmse.model).toFixed(2)}× ${better ? "lower" : "HIGHER"} than the naive forecast's. (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (!better) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
