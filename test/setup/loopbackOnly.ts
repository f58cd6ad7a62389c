/**
 * vitest's setup file: the loopback-only guard (`loopbackGuard.mjs`) in the test process, and,
 * through `--import` in NODE_OPTIONS, in every `node` process a test starts, which inherits the
 * environment: the scripts of the exit-deadline tests, the examples, the server's command, the
 * bundle's checks.
 */
import * as process from "node:process"
import "./loopbackGuard.mjs"

const guard = `--import=${new URL("./loopbackGuard.mjs", import.meta.url).href}`
const nodeOptions = process.env["NODE_OPTIONS"] ?? ""
if (!nodeOptions.includes(guard)) process.env["NODE_OPTIONS"] = `${nodeOptions} ${guard}`.trim()

export { isLoopback } from "./loopbackGuard.mjs"
