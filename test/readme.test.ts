/**
 * The code of the README and of the guides in docs/ as a newcomer runs it. `npm run typecheck`
 * writes every ts block to doc-examples/markdown/ and compiles it (scripts/readme-snippets.mjs);
 * here each complete Effect 3 program runs against the local server, unedited (test/readme/programs.ts;
 * the Effect 4 package's test runs its own), the test blocks pass under vitest, and every
 * `npm install` of a block installs versions this release works with.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { root, runNode } from "./promise/runScript.js"
import { describePrograms, noAccount, snippets, where } from "./readme/programs.js"

describePrograms({
  effect: 3,
  packageName: "effect-signalfx",
  sources: path.join(root, "src"),
  calls: ["POST /v2/datapoint", "POST /v2/event", "GET /v2/metric/cpu.utilization", "POST /v2/detector"]
})

describe("the blocks of the README and the guides", () => {
  it("are mostly programs, which run: compile-only marks are rare, and say why", () => {
    const typescript = snippets.filter((snippet) => snippet.language === "ts")
    assert.isAtLeast(typescript.filter((snippet) => snippet.kind === "program").length, 10)
    assert.isAtLeast(
      typescript.filter((snippet) => snippet.kind === "program" && snippet.source === "README.md").length,
      5
    )
    const compileOnly = typescript.filter((snippet) => snippet.kind === "compile-only")
    assert.isAtMost(compileOnly.length, 4, compileOnly.map(where).join(", "))
    for (const snippet of compileOnly) assert.isAbove(snippet.reason?.length ?? 0, 10, where(snippet))
  })
})

describe("the test blocks of the README and the guides", () => {
  it("pass under vitest", async () => {
    const vitest = await runNode(
      [
        path.join(root, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "--config",
        path.join(root, "test", "readme", "vitest.config.mjs")
      ],
      { ...noAccount, NO_COLOR: "1" },
      60_000
    )
    const output = `${vitest.stdout}\n${vitest.stderr}`
    assert.strictEqual(vitest.code, 0, output)
    const tests = snippets.filter((snippet) => snippet.kind === "test")
    assert.isAtLeast(tests.length, 2)
    assert.include(output, `Test Files  ${tests.length} passed`)
  }, 90_000)
})

/** A version as numbers, `[major, minor, patch]`. */
type Version = readonly [number, number, number]
/** The versions a range allows, from `min` (included) to `max` (excluded; `undefined`: no end). */
interface Range {
  readonly min: Version
  readonly max: Version | undefined
}

const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

/**
 * The ranges these checks need to read: none or `latest` (any version), `x`, `x.y`, `x.y.z`, and
 * `^` or `~` before them, as npm reads them.
 */
const parseRange = (spec: string): Range => {
  if (spec === "" || spec === "*" || spec === "latest") return { min: [0, 0, 0], max: undefined }
  const match = /^([\^~]?)(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(spec)
  if (match === null) throw new Error(`a version range these checks cannot read: ${spec}`)
  const [, operator, major, minor, patch] = match
  const min: Version = [Number(major), Number(minor ?? 0), Number(patch ?? 0)]
  const given = [major, minor, patch].filter((part) => part !== undefined).length
  // The last part that may not change: for ^, the first non-zero one (of those given).
  const fixed = operator === "^"
    ? Math.min(min.findIndex((part, at) => part !== 0 || at === given - 1), given - 1)
    : operator === "~"
    ? Math.min(1, given - 1)
    : given - 1
  const max: Version = fixed === 0
    ? [min[0] + 1, 0, 0]
    : fixed === 1
    ? [min[0], min[1] + 1, 0]
    : [min[0], min[1], min[2] + 1]
  return { min, max }
}

const within = (version: Version, range: Range): boolean =>
  compare(version, range.min) >= 0 && (range.max === undefined || compare(version, range.max) < 0)

/** A peer range, which may be a union: `^3.22.4 || ^4.1.5`. */
const parseRanges = (spec: string): ReadonlyArray<Range> => spec.split("||").map((part) => parseRange(part.trim()))

interface Manifest {
  readonly name: string
  readonly version: string
  readonly peerDependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
}

/** This repository's packages: the Effect 3 package at the root, the Effect 4 package in its workspace. */
const ownPackages: ReadonlyMap<string, string> = new Map([
  ["effect-signalfx", "."],
  ["@effect-signalfx/effect4", "packages/effect4"]
])

const manifestOf = (name: string): Manifest =>
  JSON.parse(fs.readFileSync(path.join(root, ownPackages.get(name) ?? `node_modules/${name}`, "package.json"), "utf8"))

/**
 * What is wrong with the packages one `npm install` names: each must be one of this repository's
 * packages or one it is tested with (a devDependency of the root or of the package the command
 * installs, which says which Effect it is tested on), in a range that holds the tested version and
 * no later major (npm picks the highest version a range allows: `vitest` alone is a vitest this
 * release was never run with); and where a package the command installs (ours included) has
 * another as a peer, the highest version the command allows must be one that peer range allows,
 * or npm refuses the install (ERESOLVE).
 */
const installProblems = (packages: ReadonlyArray<string>): Array<string> => {
  const parsed = packages.map((argument) => {
    const [, name = argument, spec = ""] = /^(@?[^@]+)(?:@(.*))?$/.exec(argument) ?? []
    return { argument, name, spec }
  })
  const ours = parsed.map(({ name }) => name).filter((name) => ownPackages.has(name))
  const tested: Record<string, string> = Object.assign(
    {},
    manifestOf("effect-signalfx").devDependencies,
    ...ours.map((name) => manifestOf(name).devDependencies)
  )
  const problems: Array<string> = []
  const ranges = new Map<string, Range>()
  for (const { argument, name, spec } of parsed) {
    if (ownPackages.has(name)) continue
    const version = tested[name]
    if (version === undefined) {
      problems.push(`${name}: not a package this project is tested with`)
      continue
    }
    const range = parseRange(spec)
    ranges.set(name, range)
    const testedVersion = parseRange(version).min
    if (!within(testedVersion, range)) problems.push(`${argument}: does not allow ${version}, the version tested`)
    const sameMajor = parseRange(`^${version}`).max!
    if (range.max === undefined || compare(range.max, sameMajor) > 0) {
      problems.push(`${argument}: allows versions past ${version}'s major, which this release was never tested with`)
    }
  }
  for (const name of [...ours, ...ranges.keys()]) {
    for (const [peer, peerSpec] of Object.entries(manifestOf(name).peerDependencies ?? {})) {
      const range = ranges.get(peer)
      if (range === undefined) continue
      const fits = parseRanges(peerSpec).some((peerRange) => {
        const pastPeer = range.max === undefined ||
          (peerRange.max !== undefined && compare(range.max, peerRange.max) > 0)
        const beforePeer = range.max !== undefined && compare(range.max, peerRange.min) <= 0
        return !pastPeer && !beforePeer
      })
      if (!fits) problems.push(`${peer}: the install allows versions that ${name}'s peer range ${peerSpec} does not`)
    }
  }
  return problems
}

/** The package arguments of every `npm install` (or `npm i`, `npm add`) in a shell block. */
const npmInstalls = (code: string): Array<{ readonly command: string; readonly packages: ReadonlyArray<string> }> =>
  code.split("\n").flatMap((line) => {
    const command = /\bnpm\s+(?:install|i|add)\b([^#&;|]*)/.exec(line)
    if (command === null) return []
    const packages = command[1]!.trim().split(/\s+/).filter((word) => word !== "" && !word.startsWith("-"))
    return packages.length === 0 ? [] : [{ command: command[0].trim(), packages }]
  })

describe("the npm installs of the README and the guides", () => {
  const installs = snippets.filter((snippet) => snippet.language === "sh").flatMap((snippet) =>
    npmInstalls(snippet.code).map((install) => ({ ...install, where: where(snippet) }))
  )

  it("install versions this release is tested with, that npm can install together", () => {
    assert.isAtLeast(installs.length, 2)
    for (const install of installs) {
      assert.deepStrictEqual(
        installProblems(install.packages),
        [],
        `${install.where}: ${install.command}`
      )
    }
  })

  it("are checked: an unpinned install, or one npm would refuse, is caught", () => {
    assert.deepStrictEqual(installProblems(["effect-signalfx", "effect@^3.22", "@effect/platform@^0.97"]), [])
    assert.deepStrictEqual(installProblems(["vitest@^3.2", "@effect/vitest@^0.30"]), [])
    assert.includeMembers(installProblems(["vitest", "@effect/vitest"]), [
      "vitest: allows versions past 3.2.7's major, which this release was never tested with",
      "@effect/vitest: allows versions past 0.30.0's major, which this release was never tested with",
      "vitest: the install allows versions that @effect/vitest's peer range ^3.2.0 does not"
    ])
    assert.deepStrictEqual(installProblems(["effect-signalfx", "effect@^3.23"]), [
      "effect@^3.23: does not allow 3.22.4, the version tested"
    ])
    assert.deepStrictEqual(installProblems(["effect-signalfx", "effect@3.21"]), [
      "effect@3.21: does not allow 3.22.4, the version tested",
      "effect: the install allows versions that effect-signalfx's peer range ^3.22.4 || ^4.1.5 does not"
    ])
    assert.deepStrictEqual(installProblems(["pino"]), ["pino: not a package this project is tested with"])
  })

  it("are checked against the Effect the package they install is tested on", () => {
    assert.deepStrictEqual(installProblems(["@effect-signalfx/effect4", "effect@~4.1.5"]), [])
    // effect/http is unstable: a caret range lets npm pick a 4.x minor this release never ran on.
    assert.deepStrictEqual(installProblems(["@effect-signalfx/effect4", "effect@^4.1"]), [
      "effect: the install allows versions that @effect-signalfx/effect4's peer range ~4.1.5 does not"
    ])
    assert.deepStrictEqual(installProblems(["@effect-signalfx/effect4", "effect@^3.22"]), [
      "effect@^3.22: does not allow 4.1.5, the version tested",
      "effect: the install allows versions that @effect-signalfx/effect4's peer range ~4.1.5 does not"
    ])
  })
})
