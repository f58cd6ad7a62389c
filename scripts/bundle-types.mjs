// The Promise facade's declarations, self-contained, beside its bundle: `promise.d.ts` and the
// `types/` folder under the bundle's folder, which both packages' `./promise` export points to.
//
// Why: the facade bundles its own Effect 3, and its types are written in Effect 3's (the options'
// `Duration.DurationInput` and `Redacted`, the methods derived from the services). Declarations
// that import "effect/…" by name would meet the application's `effect`, which in an Effect 4
// application is Effect 4: hundreds of errors where the application's compiler checks libraries,
// and, where it does not (skipLibCheck), options silently typed `any`. So the declarations ship
// with the part of Effect 3's (and @effect/platform's, and what they import) that they reach, in
// types/vendor/<package>/, and every import by name of those is rewritten to a relative path. The
// facade's own runtime dependencies (protobufjs, ws, …) and Node's modules stay imports by name.
import * as fs from "node:fs"
import { builtinModules } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
/** Imported by name: installed with the package, or part of Node. */
const byName = new Set([...Object.keys(manifest.dependencies ?? {}), ...builtinModules])
const packageOf = (specifier) => /^(?:@[^/]+\/)?[^/]+/.exec(specifier.replace(/^node:/, ""))[0]

/** The declarations tsc emits for the facade's sources, in memory: emitted path → text. */
const emitDeclarations = (virtualOut) => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    }
  })
  const options = { ...config.options, outDir: virtualOut, declaration: true, emitDeclarationOnly: true }
  delete options.declarationMap
  delete options.sourceMap
  const program = ts.createProgram([path.join(root, "src", "promise", "index.ts")], options)
  /** @type {Map<string, string>} */
  const emitted = new Map()
  const result = program.emit(undefined, (file, text) => emitted.set(path.resolve(file), text), undefined, true)
  if (result.emitSkipped) throw new Error("the facade's declarations could not be emitted")
  return { emitted, options }
}

const jsSpecifier = (file) => file.replace(/\.d\.(m|c)?ts$/, (_, kind) => `.${kind ?? ""}js`)

/**
 * Writes `<outdir>/promise.d.ts` and `<outdir>/types/`; resolves with the number of files.
 *
 * @param {string} outdir
 * @returns {number}
 */
export const bundleTypes = (outdir) => {
  const typesDir = path.join(outdir, "types")
  const virtualOut = path.join(root, ".types-virtual")
  const { emitted, options } = emitDeclarations(virtualOut)
  /** Output path → [text, the path modules it imports are resolved from]. */
  const outputs = new Map()
  const vendorRoot = path.join(typesDir, "vendor")
  /** The vendored copy of a file of an installed package. */
  const vendored = (resolved) => {
    const inPackage = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\/(.*)$/.exec(resolved)
    if (inPackage === null) throw new Error(`${resolved}: not in a package`)
    const [, packageDir, name, rest] = inPackage
    const packageJson = path.join(vendorRoot, name, "package.json")
    if (!outputs.has(packageJson)) {
      // Only the module format: the nearest package.json tells the compiler how to read the files.
      const { type } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"))
      outputs.set(packageJson, { text: JSON.stringify({ type: type ?? "commonjs" }) + "\n" })
    }
    return path.join(vendorRoot, name, rest)
  }
  const queue = [path.join(virtualOut, "promise", "index.d.ts")]
  /** Where each output's text comes from: emitted (in memory) or a package's file. */
  const sourceOf = new Map([[queue[0], { emitted: queue[0] }]])
  const target = (output) =>
    output.startsWith(virtualOut) ? path.join(typesDir, path.relative(virtualOut, output)) : output
  while (queue.length > 0) {
    const output = queue.shift()
    const source = sourceOf.get(output)
    const text = source.emitted !== undefined ? emitted.get(source.emitted) : fs.readFileSync(source.file, "utf8")
    // Modules are resolved from where the file really is: the facade's sources, or the package.
    const from = source.emitted !== undefined
      ? path.join(root, "src", path.relative(virtualOut, source.emitted).replace(/\.d\.ts$/, ".ts"))
      : source.file
    let rewritten = text
    const { importedFiles } = ts.preProcessFile(text, true, true)
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith(".") && byName.has(packageOf(specifier))) continue
      const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule?.resolvedFileName
      if (resolved === undefined) throw new Error(`${from}: cannot resolve "${specifier}"`)
      let next
      if (resolved.startsWith(path.join(root, "src"))) {
        next = path.join(virtualOut, path.relative(path.join(root, "src"), resolved)).replace(/\.ts$/, ".d.ts")
        if (!emitted.has(next)) throw new Error(`${resolved}: no declaration emitted`)
        if (!sourceOf.has(next)) sourceOf.set(next, { emitted: next })
      } else {
        next = vendored(resolved)
        if (!sourceOf.has(next)) sourceOf.set(next, { file: resolved })
      }
      if (!outputs.has(next) && !queue.includes(next)) queue.push(next)
      if (!specifier.startsWith(".")) {
        const relative = path.relative(path.dirname(target(output)), target(next)).split(path.sep).join("/")
        const replacement = jsSpecifier(`./${relative}`.replace(/^\.\/\.\.\//, "../"))
        rewritten = rewritten.replaceAll(`"${specifier}"`, `"${replacement}"`).replaceAll(
          `'${specifier}'`,
          `'${replacement}'`
        )
      }
    }
    outputs.set(output, { text: rewritten })
  }
  fs.rmSync(typesDir, { recursive: true, force: true })
  for (const [output, { text }] of outputs) {
    const file = target(output)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
  }
  fs.writeFileSync(path.join(outdir, "promise.d.ts"), `export * from "./types/promise/index.js"\n`)
  return outputs.size
}
