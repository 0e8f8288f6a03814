// The six loops of test/memory-loops.test.ts, unchanged, in a page: they register with the
// node:test shim and run through runSuites. Loop 4 awaits `setImmediate`, which a page lacks; a
// MessageChannel task stands in (a real task, unclamped — what a page's loop yields to).
import { runSuites } from "./shims/node-test.js";
import "../memory-loops.test.js";

const g = globalThis as unknown as { setImmediate?: (fn: () => void) => void };
if (typeof g.setImmediate !== "function") {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  g.setImmediate = (fn) => { queue.push(fn); channel.port2.postMessage(null); };
}

/** The memory loops' suite on one backend: cases passed and each failure's message. */
export async function memoryLoops(backend: string) {
  return runSuites((title) => title === `memory without scopes [${backend}]`);
}
