/**
 * The `effect-signalfx-server` command in a child process, for the tests of what it prints and
 * serves.
 */
import { spawn } from "node:child_process"
import { root } from "../promise/runScript.js"

/** The command line that runs the server from source. */
export const command = ["--import", "tsx", "src/bin/server.ts"]

/**
 * Starts the server with `args` (a free port unless `--port` is given); `waitFor` resolves once
 * its output matches.
 */
export const startServerProcess = (args: ReadonlyArray<string>) => {
  const port = args.includes("--port") ? [] : ["--port", "0"]
  const child = spawn(process.execPath, [...command, ...port, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  // One listener for the whole run, so no line can arrive between two waits and be missed.
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8")
  })
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern)
        if (match === null) return
        child.stdout.off("data", check)
        child.off("exit", onExit)
        resolve(match)
      }
      const onExit = (code: number | null) => reject(new Error(`exited with ${code}: ${output}`))
      child.stdout.on("data", check)
      child.once("exit", onExit)
      check()
    })
  return { child, waitFor, output: () => output }
}
