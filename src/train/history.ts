// History: per-epoch loss and metrics, as Keras returns from fit().

/** Logs of one epoch or batch: loss, metrics, and their val-prefixed validation twins. */
export type Logs = Record<string, number>;

export class History {
  /** Epoch indices (0-based) that ran. */
  readonly epoch: number[] = [];
  /** Series by name: loss, accuracy, valLoss, valAccuracy, lr … */
  readonly history: Record<string, number[]> = {};

  /** @internal */
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  /** @internal Appends the epochs of a saved history (fit resuming from a checkpoint). */
  restore(saved: { epoch: number[]; history: Record<string, number[]> }): void {
    // Loops, not push(...v): a long history would pass the engine's argument limit.
    for (const e of saved.epoch) this.epoch.push(e);
    for (const [k, v] of Object.entries(saved.history)) {
      const series = Object.hasOwn(this.history, k) ? this.history[k] : (this.history[k] = []);
      for (const x of v) series.push(x);
    }
  }

  /** The last value of a series (undefined if it never ran). */
  last(name: string): number | undefined {
    const s = this.history[name];
    return s?.[s.length - 1];
  }

  toJSON(): { epoch: number[]; history: Record<string, number[]> } {
    return { epoch: this.epoch, history: this.history };
  }
}
