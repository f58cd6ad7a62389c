// Checks the API reference: TypeDoc generates it afresh from the TSDoc (failing on any warning,
// such as a broken {@link}), and docs/api/ must be exactly that output, so what the repository
// shows readers is what the code says. `npm run docs` regenerates docs/api/.
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const committed = path.join(root, "docs", "api")
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-docs-"))

const files = (dir) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true }).filter((file) => fs.statSync(path.join(dir, file)).isFile()).sort()
    : []

try {
  // Quiet when all is well: only warnings and errors are printed, without colour codes, which
  // TypeDoc writes even when its output is not a terminal (a CI log shows them raw).
  const typedoc = spawnSync(process.execPath, [
    path.join(root, "node_modules", "typedoc", "bin", "typedoc"),
    "--out",
    fresh,
    "--logLevel",
    "Warn"
  ], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: "inherit"
  })
  if (typedoc.status !== 0) process.exit(typedoc.status ?? 1)
  const expected = files(fresh)
  const actual = files(committed)
  const stale = [
    ...expected.filter((file) =>
      !actual.includes(file) ||
      !fs.readFileSync(path.join(fresh, file)).equals(fs.readFileSync(path.join(committed, file)))
    ),
    ...actual.filter((file) => !expected.includes(file))
  ]
  if (stale.length > 0) {
    console.error(`docs/api/ does not match the TSDoc (${stale.join(", ")}): run \`npm run docs\` and commit docs/api/`)
    process.exit(1)
  }
  console.log(`docs/api/ matches the TSDoc (${expected.length} files)`)
} finally {
  fs.rmSync(fresh, { recursive: true, force: true })
}
