// What keras fit/evaluate/predict print, under Keras' log names (loss, accuracy, val_loss,
// val_accuracy: the names History and callbacks get), on train/progress.ts's bar and lines. fit runs
// train.fit silently and reports through a callback, because train.fit's own reporter prints
// train's names (valLoss), which a Keras user would see disagree with History.
import type { Callback } from "../train/callbacks.js";
import type { Logs } from "../train/history.js";
import { formatLogs, makeProgress, stdout, type Verbosity } from "../train/progress.js";

/** fit's reporter: a callback to run after the user's, and stop() for fit's finally. */
export function fitProgress(verbose: Verbosity, epochs: number, batchesPerEpoch: number, rename: (logs: Logs) => Logs, stream?: NodeJS.WriteStream): { callback: Callback; stop(): void } {
  const progress = makeProgress(verbose, epochs, stream);
  let t0 = 0;
  return {
    callback: {
      onEpochBegin(epoch) {
        t0 = performance.now();
        progress.epochBegin(epoch, batchesPerEpoch);
      },
      onBatchEnd(batch, logs) {
        progress.batchEnd(batch + 1, rename(logs));
      },
      // Runs after the user's callbacks, so entries they add (an lr) are printed too, as Keras.
      onEpochEnd(epoch, logs) {
        progress.epochEnd(epoch, rename(logs), (performance.now() - t0) / 1000);
      },
    },
    stop: () => progress.stop(),
  };
}

/**
 * evaluate's and predict's one line, as Keras prints it at verbose 1, 2 or "auto" (nothing at 0):
 * steps done, time, time per step, then the logs (evaluate).
 */
export function stepsLine(verbose: Verbosity, steps: number, seconds: number, logs: Logs = {}, stream: NodeJS.WriteStream = stdout()): void {
  if (verbose === 0) return;
  const perStep = steps ? (seconds * 1000) / steps : 0;
  const head = `${steps}/${steps} - ${seconds.toFixed(1)}s ${perStep < 1 ? perStep.toFixed(2) : Math.round(perStep)}ms/step`;
  const tail = formatLogs(logs);
  stream.write(tail ? `${head} - ${tail}\n` : `${head}\n`);
}
