// Installs the official `signalfx` client into bench/official (its version pinned by that
// folder's package-lock.json) unless it is there already. The benchmark compares against it and
// the SignalFlow interop test drives it. It is kept out of the project's devDependencies because
// its `engines` stops at Node 21 and npm 9: `npm ci` of the project would warn every contributor
// about a package that only these two use. npm's cache serves it after the first install.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const folder = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), "bench", "official")

if (!fs.existsSync(path.join(folder, "node_modules", "signalfx", "package.json"))) {
  console.log("Installing the official signalfx client into bench/official (npm ci)…")
  execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: folder,
    stdio: "inherit"
  })
}
