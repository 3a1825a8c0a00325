// Preloaded first by `npm run plan` (package.json), before tsx: on a clone where `npm ci` has not
// run, Node would fail to load tsx with a stack trace and exit 1, the plan's code for a policy
// refusal. Say what to do and exit 2 (the checkout is not set up: invalid input, not a verdict).
// Plain CommonJS with no dependencies, since none are installed when it matters.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..", "..");
const needed = ["tsx", "@pulumi/pulumi", "@pulumi/policy"];
const missing = needed.filter((name) => !existsSync(join(root, "node_modules", name, "package.json")));
if (missing.length > 0) {
  process.stderr.write(
    `The dependencies are not installed (missing in node_modules: ${missing.join(", ")}). Run \`npm ci\` in ${root} first, then \`npm run plan\` again.\n`,
  );
  process.exit(2);
}
