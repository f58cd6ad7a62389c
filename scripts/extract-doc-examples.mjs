// Writes every ```ts example of the TSDoc in src/ to doc-examples/, and every ```ts block of the
// README and the guides in docs/ to doc-examples/markdown/ (see readme-snippets.mjs), one module
// each, so that `tsc -p tsconfig.docs.json` checks that the documentation's examples compile.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { writeSnippets } from "./readme-snippets.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * Writes the TSDoc examples of a package's sources (`src` under `packageRoot`, its internal
 * modules and the core aside: the core's examples are the Effect 3 package's) to
 * `packageRoot/doc-examples`; returns how many.
 */
const extract = (packageRoot) => {
  const out = path.join(packageRoot, "doc-examples")
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out)
  const source = path.join(packageRoot, "src")
  const owned = (file) => !file.startsWith("internal") && (packageRoot === root || !file.startsWith("core"))
  const files = fs.readdirSync(source, { recursive: true }).filter((file) => file.endsWith(".ts") && owned(file))
  let count = 0
  for (const file of files) {
    const text = fs.readFileSync(path.join(source, file), "utf8")
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
  return count
}

const effect3 = extract(root)
const effect4 = extract(path.join(root, "packages", "effect4"))
const markdown = writeSnippets(root).filter((snippet) => snippet.language === "ts")
console.log(
  `${effect3} documentation examples extracted to doc-examples/, ${effect4} to packages/effect4/doc-examples/, ${markdown.length} README and guide blocks beside them`
)
