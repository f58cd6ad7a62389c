/**
 * Loaded with `--import` into a process the start-up bench does not write itself (the bundled
 * `effect-signalfx` command): as the process exits, it writes its CPU and peak RSS, as a
 * `StartReport`, to file descriptor 3, a pipe the driver opened (stdout is the command's own).
 */
import * as fs from "node:fs"
import type { StartReport } from "./startupTypes.js"

process.on("exit", () => {
  const { system, user } = process.cpuUsage()
  const report: StartReport = { cpuMicros: system + user, peakRss: process.resourceUsage().maxRSS * 1024 }
  fs.writeSync(3, JSON.stringify(report))
})
