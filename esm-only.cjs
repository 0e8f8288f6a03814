// What `require("deepscript")` loads (package.json "exports" → "require"): deepscript is an ES
// module, so a CommonJS caller gets this explanation instead of ERR_PACKAGE_PATH_NOT_EXPORTED.
"use strict";
const err = new Error(
  "deepscript is an ES module (ESM) and cannot be loaded with require().\n" +
  "In CommonJS, import it dynamically:\n" +
  "  const ds = await import(\"deepscript\");      // or a subpath: await import(\"deepscript/nn\")\n" +
  "In an ES module (.mjs, or \"type\": \"module\" in package.json) or TypeScript:\n" +
  "  import * as ds from \"deepscript\";"
);
err.code = "ERR_REQUIRE_ESM";
throw err;
