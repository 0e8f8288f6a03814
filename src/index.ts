// deepscript: `import * as ds from "deepscript"` gives the tensor API and the namespaces.
export * from "./tensor/index.js";
export { compile, type CompileOptions, type CompileStats, type Compiled } from "./compile/index.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as io from "./io-namespace.js";
export { version } from "./core/version.js";
export * as train from "./train/index.js";
export * as ml from "./ml/index.js";
export * as frame from "./frame/index.js";
export * as plot from "./plot/index.js";
export * as explain from "./explain/index.js";
export * as keras from "./keras/index.js";
