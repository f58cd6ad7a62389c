// `npm run build` runs this after `tsc`: it writes the `effect-signalfx` command as a bundled ES
// module, dist/cli/main.js, which the package's `bin` points to, and the chunks beside it
// (dist/cli/main-*.js) that a subcommand loads when it runs.
//
// Why bundled: `effect-signalfx --help` must answer at once. Unbundled, it would open several
// hundred module files of effect, @effect/cli and @effect/platform before printing a line
// (`npm run bench:startup` measures it beside the facade's start-up). The bundle holds the parts
// of effect, @effect/cli, @effect/printer, @effect/platform(-node), yaml, asciichart, sparkly and
// vega that the command uses, so that none of them is a dependency of the package: an
// application that installs the library gets no command-line parser it does not use. The
// package's own `dependencies` (protobufjs, ws, undici, https-proxy-agent) stay imports by name.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const external = Object.keys(manifest.dependencies ?? {}).flatMap((name) => [name, `${name}/*`])

const licence = (pkg) => {
  const dir = path.join(root, "node_modules", pkg)
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
  const file = fs.readdirSync(dir).find((name) => /^licen[cs]e/i.test(name))
  const text = file === undefined ? "(no licence file)" : fs.readFileSync(path.join(dir, file), "utf8").trim()
  return `${pkg} ${version}:\n\n${text}`
}

/**
 * Bundles the command into `outdir` (its .js files are removed first: no stale chunk is left to
 * be published). Resolves with the entry's path.
 *
 * @param {string} outdir
 * @returns {Promise<string>}
 */
export const bundleCli = async (outdir) => {
  for (const file of fs.existsSync(outdir) ? fs.readdirSync(outdir) : []) {
    if (file.endsWith(".js")) fs.rmSync(path.join(outdir, file))
  }
  const { metafile, outputFiles } = await esbuild.build({
    entryPoints: { main: path.join(root, "src", "bin", "cli.ts") },
    outdir,
    absWorkingDir: root,
    splitting: true,
    chunkNames: "main-[name]-[hash]",
    write: false,
    metafile: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    define: { EFFECT_SIGNALFX_VERSION: JSON.stringify(manifest.version) },
    // A CommonJS package bundled into ES modules (yaml's Node build requires `process`) calls
    // `require`, which an ES module does not have: each output file makes its own.
    banner: {
      js:
        `import { createRequire as __cliCreateRequire } from "node:module";const require = __cliCreateRequire(import.meta.url);`
    },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning"
  })
  // Every package the bundle took code from, by the paths of its inputs, with its licence.
  const included = [
    ...new Set(
      Object.keys(metafile.inputs).flatMap((input) => {
        const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
        return match === null ? [] : [match[1]]
      })
    )
  ].sort()
  const licences = included.map(licence).join("\n\n")
  const entry = path.join(outdir, "main.js")
  fs.mkdirSync(outdir, { recursive: true })
  for (const { path: file, text } of outputFiles) {
    if (file === entry) {
      // The hashbang first, then the licences of what the bundle includes.
      const [hashbang, ...rest] = text.split("\n")
      const banner =
        `/*\n * effect-signalfx, the command, bundled by scripts/bundle-cli.mjs. It includes parts of:\n *\n${
          licences.split("\n").map((line) => ` * ${line.replaceAll("*/", "* /")}`.trimEnd()).join("\n")
        }\n */`
      fs.writeFileSync(file, [hashbang, banner, ...rest].join("\n"), { mode: 0o755 })
    } else {
      fs.writeFileSync(
        file,
        `/* effect-signalfx: a chunk of main.js, whose head holds the licences of the code it includes. */\n${text}`
      )
    }
  }
  // An ES module wherever it is copied, whatever package.json lies above it.
  fs.writeFileSync(path.join(outdir, "package.json"), `${JSON.stringify({ type: "module" })}\n`)
  return entry
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = await bundleCli(path.resolve(process.argv[2] ?? path.join(root, "dist", "cli")))
  console.log(`${path.relative(process.cwd(), entry)}: ${(fs.statSync(entry).size / 1024).toFixed(0)} KiB`)
}
