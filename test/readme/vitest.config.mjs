/**
 * vitest's configuration for the test blocks of the README and the guides, which
 * test/readme.test.ts runs from doc-examples/markdown/: they import the package by its name, as users write it, and that name is
 * resolved to the sources, as tsconfig.json's paths do for the type checker and tsx.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^effect-signalfx$/, replacement: path.join(root, "src", "index.ts") },
      { find: /^effect-signalfx\/(\w+)$/, replacement: path.join(root, "src", "$1", "index.ts") }
    ]
  },
  test: {
    include: ["doc-examples/markdown/*.test.ts"],
    setupFiles: ["test/setup/loopbackOnly.ts"],
    testTimeout: 30_000
  }
})
