/**
 * The Effect-free core (src/core), which the Effect 3 and the Effect 4 packages both build on: lint
 * refuses an Effect import there, and any import that leaves the folder, at every depth of it.
 */
import { assert, describe, it } from "@effect/vitest"
import { ESLint } from "eslint"
import * as fs from "node:fs"
import * as path from "node:path"
import { root } from "./promise/runScript.js"

const eslint = new ESLint({ cwd: root })

/** The rules a file at `file` (from the root) breaks with `code`, by rule and message. */
const problems = async (file: string, code: string): Promise<Array<string>> => {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`)
}

describe("src/core", () => {
  it.each([
    ["src/core/probe.ts", `import * as Effect from "effect/Effect"\nexport const probe = Effect.void\n`],
    ["src/core/testing/signalflow/probe.ts", `import { Effect } from "effect"\nexport const probe = Effect.void\n`],
    [
      "src/core/wire/probe.ts",
      `import * as HttpClient from "@effect/platform/HttpClient"\nexport const probe = HttpClient\n`
    ]
  ])("refuses an Effect import (%s)", async (file, code) => {
    const found = await problems(file, code)
    assert.strictEqual(found.length, 1, found.join("\n"))
    assert.match(found[0]!, /^no-restricted-imports: .*src\/core is shared by the Effect 3 and the Effect 4 packages/)
  })

  it.each([
    ["src/core/probe.ts", `import { VERSION } from "../internal/http/options.js"\nexport const probe = VERSION\n`],
    ["src/core/ingest/probe.ts", `import { Ingest } from "../../Ingest.js"\nexport const probe = Ingest\n`]
  ])("refuses an import leaving the folder (%s)", async (file, code) => {
    const found = await problems(file, code)
    assert.strictEqual(found.length, 1, found.join("\n"))
    assert.match(found[0]!, /^no-restricted-imports: .*imports nothing outside src\/core/)
  })

  it("allows what stays inside, and lints every file there (none deeper than the rule's depths)", async () => {
    assert.deepStrictEqual(
      await problems(
        "src/core/ingest/probe.ts",
        `import { peerText } from "../peerText.js"\nexport const probe = peerText\n`
      ),
      []
    )
    const files = fs.readdirSync(path.join(root, "src", "core"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
    assert.isAbove(files.length, 40)
    for (const file of files) {
      const config = await eslint.calculateConfigForFile(path.join(root, "src", "core", file))
      assert.isDefined(config.rules?.["no-restricted-imports"], file)
    }
  })
})
