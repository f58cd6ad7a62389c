// Writes every ```ts example of the TSDoc in src/ to doc-examples/, and every ```ts block of the
// README and the guides in docs/ to doc-examples/markdown/ (see readme-snippets.mjs), one module
// each, so that `tsc -p tsconfig.docs.json` checks that the documentation's examples compile.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { writeSnippets } from "./readme-snippets.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const out = path.join(root, "doc-examples")
fs.rmSync(out, { recursive: true, force: true })
fs.mkdirSync(out)

const files = fs.readdirSync(path.join(root, "src"), { recursive: true })
  .filter((file) => file.endsWith(".ts") && !file.startsWith("internal"))
let count = 0
for (const file of files) {
  const text = fs.readFileSync(path.join(root, "src", file), "utf8")
  const blocks = text.matchAll(/\/\*\*[\s\S]*?\*\//g)
  for (const [comment] of blocks) {
    for (const match of comment.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const code = match[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
      const name = `${file.replace(/[/\\.]/g, "_")}_${++count}.ts`
      // `export {}` makes each example a module of its own, so their names never collide.
      fs.writeFileSync(path.join(out, name), `// from src/${file}\n${code}\nexport {}\n`)
    }
  }
}
const markdown = writeSnippets(root, path.join(out, "markdown")).filter((snippet) => snippet.language === "ts")
console.log(
  `${count} documentation examples extracted to doc-examples/, ${markdown.length} README and guide blocks to doc-examples/markdown/`
)
