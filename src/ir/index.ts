// Kernel descriptions shared by all backends.
export * from "./expr.js";
