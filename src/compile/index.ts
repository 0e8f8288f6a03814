// ds.compile: trace a step once, fuse its kernels, plan its memory, replay it.
export { compile, type CompileOptions, type CompileStats, type Compiled } from "./compile.js";
