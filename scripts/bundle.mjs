// `npm run build` runs this after `tsc`: it writes the Promise facade as one pre-bundled,
// tree-shaken ES module, dist/bundle/promise.js, which `effect-signalfx/promise` points to.
//
// Why: a short script (a cron job, a CI step, a serverless cold start) pays for every file it
// loads. Unbundled, the facade opens some 300 module files of effect and @effect/platform; Node
// resolves, reads and links each one, and that was three times the official client's start-up
// (`npm run bench:startup`). The bundle holds the part of effect and @effect/platform the facade
// uses, in one file. The package's own `dependencies` (protobufjs, of which the facade needs only
// the minimal runtime) stay imports by name, so that they share a copy with the application's.
//
// The Effect API (`effect-signalfx`, `effect-signalfx/testing`) is not bundled: Effect users share
// their own copy of effect with it. See the README ("Start-up and the bundled facade") for what a
// program that imports both the facade and the Effect API gets.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
/** Imported by name from the bundle: the runtime dependencies, and anything under them. */
const external = Object.keys(manifest.dependencies ?? {}).flatMap((name) => [name, `${name}/*`])

const licence = (pkg) => {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8"))
  const text = fs.readFileSync(path.join(root, "node_modules", pkg, "LICENSE"), "utf8").trim()
  return `${pkg} ${version}:\n\n${text}`
}

/**
 * Bundles the facade from the sources into `outfile`. Resolves with the bundle's size in bytes.
 *
 * @param {string} outfile
 * @returns {Promise<number>}
 */
export const bundleFacade = async (outfile) => {
  const licences = ["effect", "@effect/platform"].map(licence).join("\n\n")
  await esbuild.build({
    entryPoints: [path.join(root, "src", "promise", "index.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // Whitespace and syntax only: names stay readable in a stack trace.
    minifyWhitespace: true,
    minifySyntax: true,
    banner: {
      js: `/*\n * effect-signalfx/promise, bundled by scripts/bundle.mjs. It includes parts of:\n *\n${
        licences.split("\n").map((line) => ` * ${line}`.trimEnd()).join("\n")
      }\n */`
    },
    logLevel: "warning"
  })
  return fs.statSync(outfile).size
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = path.join(root, "dist", "bundle", "promise.js")
  const size = await bundleFacade(outfile)
  console.log(`${path.relative(root, outfile)}: ${(size / 1024).toFixed(0)} KiB`)
}
