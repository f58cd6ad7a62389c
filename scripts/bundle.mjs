// `npm run build` runs this after `tsc`: it writes the Promise facade as a pre-bundled,
// tree-shaken ES module, dist/bundle/promise.js, which `effect-signalfx/promise` points to, and the
// chunks beside it (dist/bundle/promise-*.js) that the facade loads on first use.
//
// Why: a short script (a cron job, a CI step, a serverless cold start) pays for every file it
// loads. Unbundled, the facade opens some 300 module files of effect and @effect/platform; Node
// resolves, reads and links each one, and that was three times the official client's start-up
// (`npm run bench:startup`). The bundle holds the part of effect and @effect/platform the facade
// uses. The package's own `dependencies` (protobufjs, of which the facade needs only the minimal
// runtime) stay imports by name, so that they share a copy with the application's.
//
// What a sending script never needs is not even parsed: the metadata methods and `sfx.rest` (the
// Metadata and Rest services, their schemas, the REST runner), SignalFlow (its service, WebSocket
// and message schemas) and the `hostIdentity` lookups are imported with `import()` where they are
// first used, and esbuild's code splitting puts them in chunks of their own. Code that both sides
// use goes to shared chunks, which the entry imports statically.
//
// The Effect API (`effect-signalfx`, `effect-signalfx/testing`) is not bundled: Effect users share
// their own copy of effect with it. See the README ("Start-up and the bundled facade") for what a
// program that imports both the facade and the Effect API gets.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { bundleTypes } from "./bundle-types.mjs"

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
 * Bundles the facade from the sources into `outfile`, and the parts it loads on first use into
 * chunk files beside it (the folder's .js files are removed first: no stale chunk is left to be
 * published). Resolves with the size in bytes of what importing `outfile` loads: it and the chunks
 * it imports statically.
 *
 * @param {string} outfile
 * @returns {Promise<number>}
 */
export const bundleFacade = async (outfile) => {
  const licences = ["effect", "@effect/platform"].map(licence).join("\n\n")
  const outdir = path.dirname(outfile)
  const entryName = path.basename(outfile, ".js")
  for (const file of fs.existsSync(outdir) ? fs.readdirSync(outdir) : []) {
    if (file.endsWith(".js")) fs.rmSync(path.join(outdir, file))
  }
  const { metafile, outputFiles } = await esbuild.build({
    entryPoints: { [entryName]: path.join(root, "src", "promise", "index.ts") },
    outdir,
    // Paths (and so the chunks' hashes) relative to the repository, wherever the build runs from:
    // the Effect 4 package's build writes the same bytes into its own dist/.
    absWorkingDir: root,
    // What a script may never use (the REST services, SignalFlow, HostIdentity) is imported with
    // `import()` by the facade: esbuild puts it in chunks of its own, loaded on first use.
    splitting: true,
    chunkNames: `${entryName}-[name]-[hash]`,
    metafile: true,
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // The version, for the User-Agent: no package.json lies at a known path beside the bundle.
    define: { EFFECT_SIGNALFX_VERSION: JSON.stringify(manifest.version) },
    // Whitespace and syntax only: names stay readable in a stack trace.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning"
  })
  // The licences head the entry; each chunk points to them.
  const banner = `/*\n * effect-signalfx/promise, bundled by scripts/bundle.mjs. It includes parts of:\n *\n${
    licences.split("\n").map((line) => ` * ${line}`.trimEnd()).join("\n")
  }\n */\n`
  const chunkBanner =
    `/* effect-signalfx/promise: a chunk of ${entryName}.js, whose head holds the licences of the code it includes. */\n`
  fs.mkdirSync(outdir, { recursive: true })
  for (const { path: file, text } of outputFiles) {
    fs.writeFileSync(file, (file === path.resolve(outfile) ? banner : chunkBanner) + text)
  }
  /** @type {(file: string) => Array<string>} */
  const loaded = (file) => [
    file,
    ...metafile.outputs[file].imports.filter((item) => item.kind === "import-statement" && !item.external)
      .flatMap((item) => loaded(item.path))
  ]
  const entry = path.relative(root, outfile).split(path.sep).join("/")
  return [...new Set(loaded(entry))].reduce((size, file) => size + fs.statSync(path.join(root, file)).size, 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The Effect 4 package's build writes the same bundle into its own dist/ (an argument, relative
  // to the folder it runs in).
  const outfile = path.resolve(process.argv[2] ?? path.join(root, "dist", "bundle", "promise.js"))
  const size = await bundleFacade(outfile)
  // Its declarations, free of imports of `effect` by name (scripts/bundle-types.mjs).
  const declarations = bundleTypes(path.dirname(outfile))
  console.log(
    `${path.relative(process.cwd(), outfile)}: ${(size / 1024).toFixed(0)} KiB, ${declarations} declaration files`
  )
}
