// Progress output for fit(): a bar with ETA, loss and metrics on a terminal (cli-progress);
// one plain line per epoch elsewhere (CI logs, files, a page's console). cli-progress is required
// when a bar is shown, not imported: it needs Node's readline and events, and train/ loads in pages.
import type { Logs } from "./history.js";
import { nodeBuiltin } from "../core/source.js";

type CliProgress = typeof import("cli-progress");
let cliProgress: CliProgress | null = null;
const loadCliProgress = (): CliProgress =>
  (cliProgress ??= nodeBuiltin<typeof import("node:module")>("node:module")!.createRequire(import.meta.url)("cli-progress") as CliProgress);

/** Where progress goes outside Node: the console, one line per epoch. */
const consoleStream = { isTTY: false, write: (s: string) => { console.log(s.replace(/\n$/, "")); return true; } } as unknown as NodeJS.WriteStream;
export const stdout = (): NodeJS.WriteStream => (typeof process !== "undefined" && process.stdout) || consoleStream;

export type Verbosity = 0 | 1 | 2 | "auto";

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`)
    .join(" - ");
}

export interface Progress {
  epochBegin(epoch: number, batches: number): void;
  batchEnd(done: number, logs: Logs): void;
  epochEnd(epoch: number, logs: Logs, seconds: number): void;
  stop(): void;
}

/** Chooses the reporter: 0 silent, 1 bar, 2 one line per epoch; "auto" = bar on a TTY, lines otherwise. */
export function makeProgress(verbose: Verbosity, epochs: number, stream: NodeJS.WriteStream = stdout()): Progress {
  const mode = verbose === "auto" ? (stream.isTTY && !process.env.CI ? 1 : 2) : verbose === 1 && stream === consoleStream ? 2 : verbose;
  const width = String(epochs).length;
  const label = (e: number) => `epoch ${String(e + 1).padStart(width)}/${epochs}`;
  if (mode === 0) return { epochBegin() {}, batchEnd() {}, epochEnd() {}, stop() {} };
  if (mode === 2) {
    return {
      epochBegin() {},
      batchEnd() {},
      epochEnd(e, logs, s) {
        stream.write(`${label(e)} - ${s.toFixed(1)}s - ${formatLogs(logs)}\n`);
      },
      stop() {},
    };
  }
  let bar: InstanceType<CliProgress["SingleBar"]> | null = null;
  return {
    epochBegin(e, batches) {
      bar = new (loadCliProgress().SingleBar)({
        format: `${label(e)} [{bar}] {value}/{total} | ETA {eta_formatted} | {logs}`,
        barCompleteChar: "=", barIncompleteChar: " ", barsize: 24, hideCursor: true, stream, clearOnComplete: true, etaBuffer: 20,
      });
      bar.start(batches, 0, { logs: "" });
    },
    batchEnd(done, logs) {
      bar?.update(done, { logs: formatLogs(logs) });
    },
    epochEnd(e, logs, s) {
      bar?.stop();
      bar = null;
      stream.write(`${label(e)} - ${s.toFixed(1)}s - ${formatLogs(logs)}\n`);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
