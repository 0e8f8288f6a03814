#!/usr/bin/env node
// The `deepscript` command: info, demo (more commands arrive with training).
import { Command } from "commander";
import { info } from "./info.js";
import { demo } from "./demo.js";
import { version } from "../version.js";

const program = new Command();
program.name("deepscript").description("The Python deep-learning stack, rebuilt for TypeScript").version(version);

program
  .command("info")
  .description("print version, backend, threads and WebAssembly SIMD support")
  .action(() => console.log(info()));

program
  .command("demo")
  .description("fit a line by gradient descent with autograd (the tensor layer end to end)")
  .option("--steps <n>", "gradient-descent steps", (v) => parseInt(v, 10), 120)
  .option("--lr <x>", "learning rate", parseFloat, 0.05)
  .option("--seed <n>", "random seed", (v) => parseInt(v, 10), 0)
  .action((opts: { steps: number; lr: number; seed: number }) => demo(opts));

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? `deepscript: ${e.message}` : e);
  process.exit(1);
});
