/**
 * vitest's global setup: bundles the `effect-signalfx` command once per run, as `npm run build`
 * does (scripts/bundle-cli.mjs), under the project's node_modules so that it finds the package's
 * dependencies as an installed copy would. Tests find it with `inject("cliBundle")`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { TestProject } from "vitest/node"
import { bundleCli } from "../../scripts/bundle-cli.mjs"

declare module "vitest" {
  export interface ProvidedContext {
    /** The bundled command's entry, `…/main.js`. */
    cliBundle: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cache = path.join(import.meta.dirname, "..", "..", "node_modules", ".cache")
  fs.mkdirSync(cache, { recursive: true })
  const dir = fs.mkdtempSync(path.join(cache, "effect-signalfx-cli-"))
  project.provide("cliBundle", await bundleCli(dir))
  return () => fs.rmSync(dir, { recursive: true, force: true })
}
