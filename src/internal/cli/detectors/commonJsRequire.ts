/**
 * The `yaml` package's Node build is CommonJS and requires `process`; bundled into the command's
 * ES modules (scripts/bundle-cli.mjs), esbuild's `require` shim throws "Dynamic require of
 * "process" is not supported" unless a global `require` exists when the YAML parser's chunk
 * loads. Until the bundle provides one itself (a `createRequire` banner, or `yaml` aliased to its
 * ES module build), the command that parses YAML installs it just before loading that chunk.
 */
import { createRequire } from "node:module"

/** Defines the global `require` esbuild's shim looks for, if there is none. @internal */
export const provideCommonJsRequire = (): void => {
  if (typeof globalThis.require === "undefined") {
    Object.assign(globalThis, { require: createRequire(import.meta.url) })
  }
}
