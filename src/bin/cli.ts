#!/usr/bin/env node
/**
 * `effect-signalfx`: the command line. `npm run build` bundles it into dist/cli/ (scripts/bundle-cli.mjs),
 * which the package's `bin` points to; `effect-signalfx --help` lists the commands.
 *
 * @since 0.3.0
 */
import * as nodeModule from "node:module"

// Node 22.1 and later keep V8's compiled code of the bundle in a cache (in the system's temporary
// folder), so that every start after the first skips compiling it: a command run again and again
// from a script pays for that once. Enabled before the command's modules load, which is why they
// are imported below rather than at the top. (Node 20 has no such cache; nothing happens there.)
if ("enableCompileCache" in nodeModule && typeof nodeModule.enableCompileCache === "function") {
  nodeModule.enableCompileCache()
}

const { main } = await import("../internal/cli/main.js")
main(process.argv)
