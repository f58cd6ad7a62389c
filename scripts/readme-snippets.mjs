// The code blocks of the README and of the guides in docs/ (every docs/*.md), as files that can be
// checked: every ```ts block becomes a module in doc-examples/markdown/ (typechecked with the TSDoc
// examples by `tsc -p tsconfig.docs.json`), and test/readme.test.ts runs the complete programs
// against the local server and the test blocks under vitest. A block is one of:
// - a test: it imports vitest or @effect/vitest; written as a `.test.ts` file, run by vitest;
// - a fragment: it uses names that blocks before it introduced (`sfx`, `IngestLive`, `Layer`…);
//   typechecked with those names declared before it (PRELUDE below), not run;
// - compile-only: preceded by `<!-- snippet: compile-only, reason -->` in the markdown source, for a
//   program that cannot run on this machine (the reason says why); typechecked, not run;
// - a program: everything it uses is imported or declared in it; typechecked and run.
// ```sh blocks are kept as text, for test/readme.test.ts to check the versions they install.
// The README's modules are named readme_<line>.ts, a guide's docs_<name>_<line>.ts.
//
// A block that imports the Effect 4 package (`@effect-signalfx/effect4`) is an Effect 4 block: it is
// written to packages/effect4/doc-examples/markdown/, typechecked by
// packages/effect4/tsconfig.docs.json against Effect 4, and packages/effect4/test/readme.test.ts
// runs it. It is complete (a fragment's names are Effect 3's).
import * as fs from "node:fs"
import * as path from "node:path"

/**
 * What a fragment may take from the blocks before it: each name, and the line that introduces
 * it. A fragment gets the lines of the names it uses and does not declare itself.
 */
const PRELUDE = [
  ["FetchHttpClient", `import { FetchHttpClient } from "@effect/platform"`],
  ...["Effect", "Layer", "Metric", "Redacted", "Stream"].map((name) => [name, `import { ${name} } from "effect"`]),
  ...["HostIdentity", "Ingest", "Metadata", "MetricsReporter", "ProxyHttpClient", "Rest", "SignalFlow"]
    .map((name) => [name, `import { ${name} } from "effect-signalfx"`]),
  ["SignalFx", `import { SignalFx } from "effect-signalfx/promise"`],
  ["FakeSignalFx", `import { FakeSignalFx } from "effect-signalfx/testing"`],
  ["Collection", `import { Collection } from "measured-core"`],
  ["sfx", `declare const sfx: SignalFx`, ["SignalFx"]],
  ["IngestLive", `declare const IngestLive: Layer.Layer<Ingest.Ingest>`, ["Layer", "Ingest"]],
  ["server", `declare const server: FakeSignalFx.Server`, ["FakeSignalFx"]]
]

/** Whether a block is written for the Effect 4 package. */
const isEffect4 = (code) => /from\s+"@effect-signalfx\/effect4(?:\/\w+)?"/.test(code)

const COMPILE_ONLY = /<!--\s*snippet:\s*compile-only,\s*([\s\S]*?)-->\s*$/

/** The code with its string literals and comments blanked, so that only its own names remain. */
const namesOnly = (code) =>
  code
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "\"\"")
    .replace(/\/\/.*$/gm, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")

const declares = (code, name) =>
  new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b`).test(code) ||
  new RegExp(`\\bimport\\s+(?:\\*\\s+as\\s+${name}\\b|${name}\\b|\\{[^}]*\\b${name}\\b[^}]*\\})`).test(code)

/** The prelude lines a block needs, in the prelude's order, each name's own needs included. */
const preludeOf = (code) => {
  const names = namesOnly(code)
  const needed = new Set()
  const need = (name) => {
    const entry = PRELUDE.find(([entryName]) => entryName === name)
    if (entry === undefined || needed.has(name) || declares(names, name)) return
    needed.add(name)
    for (const dependency of entry[2] ?? []) need(dependency)
  }
  for (const [name] of PRELUDE) {
    if (new RegExp(`(?<![.\\w$])${name}\\b`).test(names)) need(name)
  }
  return PRELUDE.filter(([name]) => needed.has(name)).map(([, line]) => line)
}

/** The markdown files whose blocks are checked, relative to the repository's root: README.md and docs/*.md. */
export const markdownFiles = (root) => [
  "README.md",
  ...fs.readdirSync(path.join(root, "docs")).filter((file) => file.endsWith(".md")).sort().map((file) => `docs/${file}`)
]

/** The prefix of the modules written for a markdown file's blocks: `readme`, `docs_testing`. */
const modulePrefix = (source) => source.replace(/\.md$/, "").replace(/[/\\-]/g, "_").toLowerCase()

/**
 * A markdown file's ```ts, ```typescript and ```sh blocks: `{ source, line, language, code }`
 * (`source` is the file's path as given, `line` the fence's, 1-based), with, for ts blocks,
 * `kind` ("program", "fragment", "test" or "compile-only"), the `prelude` lines a fragment needs,
 * the compile-only `reason`, and `file`, the name of the module it is written to.
 */
export const markdownSnippets = (text, source = "README.md") => {
  const lines = text.split("\n")
  const snippets = []
  for (let index = 0; index < lines.length; index++) {
    const fence = /^```(\w*)\s*$/.exec(lines[index])
    if (fence === null) continue
    const end = lines.findIndex((line, at) => at > index && /^```\s*$/.test(line))
    if (end === -1) throw new Error(`${source} line ${index + 1}: a code block that never ends`)
    const language = fence[1] === "typescript" ? "ts" : fence[1]
    const code = lines.slice(index + 1, end).join("\n") + "\n"
    const line = index + 1
    index = end
    if (language === "sh") {
      snippets.push({ source, line, language, code })
      continue
    }
    if (language !== "ts") continue
    const mark = COMPILE_ONLY.exec(lines.slice(Math.max(0, line - 4), line - 1).join("\n"))
    const prelude = preludeOf(code)
    const kind = /from\s+"(?:vitest|@effect\/vitest)"/.test(code)
      ? "test"
      : prelude.length > 0
      ? "fragment"
      : mark !== null
      ? "compile-only"
      : "program"
    if (isEffect4(code) && kind === "fragment") {
      throw new Error(`${source} line ${line}: an Effect 4 block must import what it uses (${prelude.join("; ")})`)
    }
    if (mark !== null && kind !== "compile-only") {
      throw new Error(`${source} line ${line}: marked compile-only, but it is a ${kind}, which is never run anyway`)
    }
    const file = `${modulePrefix(source)}_${String(line).padStart(4, "0")}${kind === "test" ? ".test.ts" : ".ts"}`
    snippets.push({
      source,
      line,
      language,
      code,
      kind,
      effect: isEffect4(code) ? 4 : 3,
      prelude,
      file,
      ...(mark === null ? {} : { reason: mark[1].trim() })
    })
  }
  return snippets
}

/** The text of a ts block's module: where it comes from, the prelude it needs, the block. */
const moduleText = (snippet) =>
  [
    `// ${snippet.source} line ${snippet.line} (${snippet.kind})`,
    ...snippet.prelude,
    snippet.code.trimEnd(),
    // Each block is a module of its own, so that the names of different blocks never collide.
    "export {}",
    ""
  ].join("\n")

/** The blocks of every checked markdown file under `root`, as `markdownSnippets` gives them. */
export const allSnippets = (root) =>
  markdownFiles(root).flatMap((source) => markdownSnippets(fs.readFileSync(path.join(root, source), "utf8"), source))

/** Where the modules of a flavour's blocks go: doc-examples/markdown, or the Effect 4 package's. */
export const snippetFolder = (root, effect) =>
  effect === 4
    ? path.join(root, "packages", "effect4", "doc-examples", "markdown")
    : path.join(root, "doc-examples", "markdown")

/**
 * Writes the ts blocks of the README and the guides under `root`, one module each, to the folder
 * of their flavour (`snippetFolder`, emptied first); returns the snippets, as `allSnippets` gives
 * them.
 */
export const writeSnippets = (root) => {
  const snippets = allSnippets(root)
  for (const effect of [3, 4]) {
    const folder = snippetFolder(root, effect)
    fs.rmSync(folder, { recursive: true, force: true })
    fs.mkdirSync(folder, { recursive: true })
  }
  for (const snippet of snippets) {
    if (snippet.language !== "ts") continue
    fs.writeFileSync(path.join(snippetFolder(root, snippet.effect), snippet.file), moduleText(snippet))
  }
  return snippets
}
