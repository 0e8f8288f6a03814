// The worker's entry point: TypeScript hooks are per thread in Node 20, so register tsx here first.
import { register } from "tsx/esm/api";
register();
await import("./worker.ts");
