#!/usr/bin/env node
/**
 * `effect-signalfx`: the command line. `npm run build` bundles it into dist/cli/ (scripts/bundle-cli.mjs),
 * which the package's `bin` points to; `effect-signalfx --help` lists the commands.
 *
 * @since 0.3.0
 */
import { main } from "../internal/cli/main.js"

main(process.argv)
