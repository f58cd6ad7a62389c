import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")

const sourceFiles = (): Array<string> =>
  ["src", "test", "bench", "examples"].flatMap((folder) =>
    fs.readdirSync(path.join(root, folder), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join(folder, file))
  )

describe("docs/protocol.md", () => {
  it("is what the code cites, and every section cited exists", () => {
    const protocol = fs.readFileSync(path.join(root, "docs", "protocol.md"), "utf8")
    const sections = new Set([...protocol.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map(([, number]) => number))
    const problems: Array<string> = []
    let citations = 0
    for (const file of sourceFiles()) {
      const text = fs.readFileSync(path.join(root, file), "utf8")
      // Notes outside the repository cannot be read by anyone who has only the package. (The
      // bracket keeps this file out of a plain search for that name.)
      if (/SIGNALFX[-]API/.test(text)) problems.push(`${file} cites notes that are not in the repository`)
      for (const [, section] of text.matchAll(/docs\/protocol\.md §(\d+(?:\.\d+)?)/g)) {
        citations++
        if (!sections.has(section!)) problems.push(`${file} cites §${section}, which docs/protocol.md does not have`)
      }
    }
    assert.deepStrictEqual(problems, [])
    assert.isAbove(citations, 10)
  })
})
