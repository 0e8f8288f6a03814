// Runs a test body once per backend present, so every test is written once (as candle/burn do).
// "js-closure" is the js backend with code generation off: the path taken under a strict CSP.
import { before, describe } from "node:test";
import * as ds from "../../src/index.js";
import { JsBackend, registerBackend } from "../../src/backend/index.js";

registerBackend("js-closure", () => new JsBackend({ codegen: false, name: "js-closure" }));

/** Names of the backends every test runs on. */
export const BACKENDS: string[] = ds.backends();

/** `describe` per backend with that backend active. */
export function forEachBackend(title: string, body: (backend: string) => void): void {
  for (const name of BACKENDS) {
    describe(`${title} [${name}]`, () => {
      // Tests run after registration: select the backend when the suite starts, not now.
      before(() => ds.setBackend(name));
      body(name);
    });
  }
}
