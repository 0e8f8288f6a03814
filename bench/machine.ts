// What the run happened on: CPU, cores, Node, and how busy the machine was with other work (a
// benchmark on a shared 2-core machine is only as good as the idle cores it gets).
import os from "node:os";

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  node: string;
}

export function machine(): Machine {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: os.cpus().length,
    node: process.version,
  };
}

export function totals(): { busy: number; all: number } {
  let busy = 0, all = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    all += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, all };
}

/** Fraction (0–1) of all cores busy over the next `ms` milliseconds while this process sleeps. */
export async function busyFraction(ms = 1000): Promise<number> {
  const a = totals();
  await new Promise((r) => setTimeout(r, ms));
  const b = totals();
  return b.all > a.all ? (b.busy - a.busy) / (b.all - a.all) : 0;
}

/**
 * Starts watching the machine; the returned function gives the fraction (0–1) of all cores that
 * processes other than this one kept busy since then (this process's own CPU time is subtracted).
 */
export function watchOthers(): () => number {
  const a = totals(), ours = process.cpuUsage();
  return () => {
    const b = totals(), mine = process.cpuUsage(ours);
    // os.cpus() times are in ms; process.cpuUsage() in µs.
    const others = b.busy - a.busy - (mine.user + mine.system) / 1000;
    return b.all > a.all ? Math.max(0, others / (b.all - a.all)) : 0;
  };
}
