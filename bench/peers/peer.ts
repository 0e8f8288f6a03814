// What every benchmarked library provides: set up one case's inputs, then a call that computes it.
import type { Case } from "../cases.js";

export interface Prepared {
  /**
   * Computes the case once, frees what it allocated, and returns the result's first element read
   * back to JS (so lazy or asynchronous work is finished inside the timed region).
   */
  run(): number;
  /** Frees the inputs. */
  dispose(): void;
}

export interface Peer {
  /** Column name, e.g. "deepscript js", "tfjs wasm". */
  name: string;
  /** Makes this library's backend the active one (tfjs keeps one global backend). */
  select(): Promise<void>;
  prepare(c: Case): Prepared;
  /** Live tensors, to check that memory stays flat across a case. */
  liveTensors(): number;
  /** Whether the harness compares liveTensors before and after a case (default true). */
  checksLeaks?: boolean;
}
