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

/** The documentation a reader is sent to: the README, the guides (docs/api is generated) and the bench results. */
const documents = (): Array<string> => [
  "README.md",
  ...fs.readdirSync(path.join(root, "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`),
  "bench/RESULTS.md"
]

const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8")

/** The text outside fenced code blocks: what the prose names. */
const prose = (text: string): string => text.replace(/^```[\s\S]*?^```/gm, "")

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")

const anchorsOf = (file: string): Set<string> =>
  new Set([...prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchorOf(heading!)))

/** Every identifier that src defines as a member, function, constant or property. */
const definedInSrc = (() => {
  const text = fs.readdirSync(path.join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => read(path.join("src", file)))
    .join("\n")
  return (name: string): boolean => new RegExp(`(?:\\bget |\\b)${name}\\b\\s*[?]?[:(=<]`).test(text)
})()

describe("the README and the guides name only what exists", () => {
  it("every relative link leads to a file, and every #anchor to a heading", () => {
    const problems: Array<string> = []
    let anchors = 0
    for (const file of documents()) {
      for (const [, target] of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue
        if (target!.includes("#")) anchors++
        const [linked = "", anchor] = target!.split("#")
        const resolved = linked === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), linked))
        if (!fs.existsSync(path.join(root, resolved))) problems.push(`${file}: ${target} does not exist`)
        else if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) {
          problems.push(`${file}: ${target} names no heading of ${resolved}`)
        }
      }
    }
    assert.deepStrictEqual(problems, [])
    assert.isAbove(anchors, 5)
  })

  it("every `npm run` script they mention is in package.json", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts)
    const problems = documents().flatMap((file) =>
      [...read(file).matchAll(/\bnpm run ([\w:-]+)/g)].map(([, script]) => script!)
        .filter((script) => !scripts.includes(script))
        .map((script) => `${file}: npm run ${script}`)
    )
    assert.deepStrictEqual(problems, [])
  })

  it("every file of the repository they name exists", () => {
    const problems = documents().flatMap((file) =>
      [...prose(read(file)).matchAll(/`((?:src|test|examples|bench|scripts|docs)\/[\w./-]+)`/g)]
        .map(([, named]) => named!)
        // What a build writes is not in the repository.
        .filter((named) => !named.startsWith("bench/.build") && !fs.existsSync(path.join(root, named)))
        .map((named) => `${file}: ${named}`)
    )
    assert.deepStrictEqual(problems, [])
  })

  it("every error they name is one the library exports, and the README lists them all", () => {
    const source = read("src/SignalFxError.ts")
    const errors = [...source.matchAll(/^export class (\w+Error) /gm)].map(([, name]) => name!)
    assert.isAtLeast(errors.length, 10)
    // Named but not ours: the Python client's exception, and the module of the errors.
    const known = new Set([...errors, "HTTPError", "SignalFxError"])
    const problems = documents().flatMap((file) =>
      [...read(file).matchAll(/\b[A-Z]\w+Error\b/g)].map(([name]) => name)
        .filter((name) => !known.has(name))
        .map((name) => `${file}: ${name}`)
    )
    assert.deepStrictEqual(problems, [])
    const table = read("README.md").split("## Errors")[1]!.split("\n## ")[0]!
    assert.deepStrictEqual(errors.filter((name) => !table.includes(`| \`${name}\` |`)), [])
  })

  it("the README's module table lists every public module", () => {
    const table = read("README.md").split("## Modules")[1]!.split("\n## ")[0]!
    const modules = [
      ...fs.readdirSync(path.join(root, "src")).filter((file) => /^[A-Z]\w*\.ts$/.test(file)).map((file) =>
        `src/${file}`
      ),
      ...["promise", "testing"].map((folder) => `src/${folder}/index.ts`),
      ...fs.readdirSync(path.join(root, "src", "bin")).map((file) => `src/bin/${file}`)
    ]
    assert.deepStrictEqual(modules.filter((module) => !table.includes(`](${module})`)), [])
    const entries = Object.keys(JSON.parse(read("package.json")).exports)
    const imported = [...table.matchAll(/`(effect-signalfx(?:\/\w+)?)`/g)].map(([, entry]) => entry!)
    assert.deepStrictEqual(imported.filter((entry) => !entries.includes(entry.replace("effect-signalfx", "."))), [])
  })

  it("every method of the Promise client and every environment variable they name is in src", () => {
    const problems: Array<string> = []
    for (const file of documents()) {
      const text = read(file)
      // A snake_case name is the Python client's, in the migration guide's tables.
      for (const [, name] of text.matchAll(/\bsfx\.([a-zA-Z]\w*)/g)) {
        if (!name!.includes("_") && !definedInSrc(name!)) problems.push(`${file}: sfx.${name}`)
      }
      for (const [name] of text.matchAll(/\b(?:SPLUNK|SIGNALFX|AWS|ECS)_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (!read("src/index.ts").includes(name) && !sourceMentions(name)) problems.push(`${file}: ${name}`)
      }
    }
    assert.deepStrictEqual(problems, [])
  })
})

/** Whether any file of src holds this text. */
const sourceMentions = (text: string): boolean =>
  fs.readdirSync(path.join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .some((file) => read(path.join("src", file)).includes(text))
