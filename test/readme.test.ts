/**
 * The code of the README and of the guides in docs/ as a newcomer runs it. `npm run typecheck`
 * writes every ts block to doc-examples/markdown/ and compiles it (scripts/readme-snippets.mjs);
 * here each complete program runs against the local server, unedited, the test blocks pass under
 * vitest, and every `npm install` of a block installs versions this release works with.
 *
 * A program names a realm (`realm: "us1"`), so it connects to `ingest.us1.signalfx.com` and the
 * like: test/readme/realmsToLoopback.mjs sends those connections to the local server on
 * 127.0.0.1, which serves TLS with a certificate for the realms' names, trusted through
 * NODE_EXTRA_CA_CERTS. Any other address is refused by the loopback-only guard.
 *
 * The programs are bundled with esbuild (the package's name resolved to the sources, as tsx does
 * for the examples; node_modules imported as they are) and run by plain `node`: under tsx each
 * would spend some 3 CPU-seconds compiling the sources again.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as https from "node:https"
import * as os from "node:os"
import * as path from "node:path"
import { generate } from "selfsigned"
import { allSnippets, writeSnippets } from "../scripts/readme-snippets.mjs"
import { FakeSignalFx } from "../src/testing/index.js"
import { root, runNode } from "./promise/runScript.js"

const folder = path.join(root, "doc-examples", "markdown")
const bundles = path.join(folder, "run")
const snippets = allSnippets(root)
/** Where a block is, for a failure's message: `docs/testing.md line 42`. */
const where = (snippet: { readonly source: string; readonly line: number }): string =>
  `${snippet.source} line ${snippet.line}`

/** The realms the blocks name, and the default one. */
const realms = [
  ...new Set([
    "us0",
    ...snippets.flatMap((snippet) => [...snippet.code.matchAll(/realm: "(\w+)"/g)].map(([, realm]) => realm!))
  ])
]
const realmHosts = realms.map((realm) => `*.${realm}.signalfx.com`)

/** Names the environment could use to send a program elsewhere than its code says. */
const noAccount = Object.fromEntries(
  [
    "SPLUNK_ACCESS_TOKEN",
    "SIGNALFX_ACCESS_TOKEN",
    "SPLUNK_REALM",
    "SIGNALFX_REALM",
    "SPLUNK_INGEST_URL",
    "SIGNALFX_INGEST_URL",
    "SIGNALFX_INGEST_ENDPOINT",
    "SPLUNK_API_URL",
    "SIGNALFX_API_URL",
    "SPLUNK_STREAM_URL",
    "SIGNALFX_STREAM_URL",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy"
  ].map((name) => [name, undefined])
)

/** `effect-signalfx` and `effect-signalfx/<entry>` resolved to the sources, as tsconfig.json's paths say. */
const packageToSources: esbuild.Plugin = {
  name: "effect-signalfx to the sources",
  setup: (build) => {
    build.onResolve({ filter: /^effect-signalfx(\/\w+)?$/ }, ({ path: name }) => ({
      path: path.join(root, "src", name.replace(/^effect-signalfx\/?/, ""), "index.ts")
    }))
  }
}

let server: FakeSignalFx.Server
let certificate: string
let scratch: string
let feeding: NodeJS.Timeout | undefined

/**
 * Sends a datapoint to the local server as a realm's ingest host: the metadata blocks then find
 * `cpu.utilization` and the dimension `host:server1`, and a live SignalFlow computation has a
 * value in every window.
 */
const feed = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const request = https.request({
      host: "127.0.0.1",
      port: server.port,
      servername: "ingest.us1.signalfx.com",
      ca: certificate,
      method: "POST",
      path: "/v2/datapoint",
      headers: { "Content-Type": "application/json", "X-SF-Token": "ORG_ACCESS_TOKEN" }
    }, (response) => {
      response.resume()
      response.on("end", () =>
        response.statusCode === 200 ? resolve() : reject(new Error(`the feed got ${response.statusCode}`)))
    })
    request.on("error", reject)
    request.end(
      JSON.stringify({ gauge: [{ metric: "cpu.utilization", value: 42.5, dimensions: { host: "server1" } }] })
    )
  })

const programs = snippets.filter((snippet) => snippet.kind === "program")

beforeAll(async () => {
  writeSnippets(root, folder)
  await esbuild.build({
    entryPoints: programs.map((snippet) => path.join(folder, snippet.file!)),
    outdir: bundles,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    plugins: [packageToSources],
    logLevel: "error"
  })
  const pems = await generate([{ name: "commonName", value: `README realms ${process.pid}` }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: realmHosts.map((host) => ({ type: 2, value: host })) }
    ]
  })
  certificate = pems.cert
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-readme-"))
  fs.writeFileSync(path.join(scratch, "realms.pem"), certificate)
  server = await FakeSignalFx.start({ tls: { cert: pems.cert, key: pems.private } })
  await feed()
  feeding = setInterval(() => void feed().catch(() => undefined), 250)
})

afterAll(async () => {
  clearInterval(feeding)
  await server?.close()
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true })
})

/** Two programs at a time: the rest of the suite runs beside them, on as few as two cores. */
const oneOfTwo = (() => {
  let free = 2
  const waiting: Array<() => void> = []
  return async <A>(run: () => Promise<A>): Promise<A> => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve))
    else free--
    try {
      return await run()
    } finally {
      const next = waiting.shift()
      if (next === undefined) free++
      else next()
    }
  }
})()

describe.concurrent("the programs of the README and the guides, against the local server", () => {
  it.each(programs.map((snippet) => [where(snippet), snippet] as const))("%s", async (_, snippet) => {
    const guardAndRealms = `${process.env["NODE_OPTIONS"] ?? ""} --import=${
      new URL("./readme/realmsToLoopback.mjs", import.meta.url).href
    }`
    const result = await oneOfTwo(() =>
      runNode([path.join(bundles, snippet.file!.replace(/\.ts$/, ".mjs"))], {
        ...noAccount,
        NODE_OPTIONS: guardAndRealms.trim(),
        NODE_EXTRA_CA_CERTS: path.join(scratch, "realms.pem"),
        README_REALMS_PORT: String(server.port)
      }, 60_000)
    )
    assert.strictEqual(result.code, 0, `${where(snippet)}:\n${result.stdout}\n${result.stderr}`)
    assert.strictEqual(result.stderr, "", where(snippet))
    // Effect's logger writes to stdout: a warning there is a program that did not work.
    assert.notMatch(result.stdout, /level=(WARN|ERROR|FATAL)/, where(snippet))
  }, 120_000)

  it("are most of their blocks: compile-only marks are rare, and say why", () => {
    const typescript = snippets.filter((snippet) => snippet.language === "ts")
    assert.isAtLeast(typescript.filter((snippet) => snippet.kind === "program").length, 10)
    assert.isAtLeast(programs.filter((snippet) => snippet.source === "README.md").length, 5)
    const compileOnly = typescript.filter((snippet) => snippet.kind === "compile-only")
    assert.isAtMost(compileOnly.length, 4, compileOnly.map(where).join(", "))
    for (const snippet of compileOnly) assert.isAbove(snippet.reason?.length ?? 0, 10, where(snippet))
  })
})

describe("the programs, together", () => {
  it("reached the local server by their realm's names, and every request they made succeeded", () => {
    // The feed's requests carry no User-Agent; the library's name theirs.
    const made = server.requests().filter((request) => request.headers["user-agent"]?.startsWith("effect-signalfx/"))
    assert.deepStrictEqual(made.filter((request) => (request.status ?? 0) >= 300), [])
    const calls = new Set(made.map((request) => `${request.method} ${request.path.split("?")[0]}`))
    for (
      const call of ["POST /v2/datapoint", "POST /v2/event", "GET /v2/metric/cpu.utilization", "POST /v2/detector"]
    ) {
      assert.isTrue(calls.has(call), `${call} in ${[...calls].join(", ")}`)
    }
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

const manifestOf = (name: string): {
  readonly name: string
  readonly version: string
  readonly peerDependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
} => JSON.parse(fs.readFileSync(path.join(root, name === "." ? "" : `node_modules/${name}`, "package.json"), "utf8"))

/**
 * What is wrong with the packages one `npm install` names: each must be this package or one it
 * is tested with (a devDependency), in a range that holds the tested version and no later major
 * (npm picks the highest version a range allows: `vitest` alone is a vitest this release was never
 * run with); and where a package the command installs (this one included) has another as a peer,
 * the highest version the command allows must be one that peer range allows, or npm refuses the
 * install (ERESOLVE).
 */
const installProblems = (packages: ReadonlyArray<string>): Array<string> => {
  const project = manifestOf(".")
  const tested = project.devDependencies ?? {}
  const problems: Array<string> = []
  const ranges = new Map<string, Range>()
  for (const argument of packages) {
    const [, name = "", spec = ""] = /^(@?[^@]+)(?:@(.*))?$/.exec(argument) ?? []
    if (name === project.name) continue
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
  const installed = [project.name, ...ranges.keys()]
  for (const name of installed) {
    for (
      const [peer, peerSpec] of Object.entries(manifestOf(name === project.name ? "." : name).peerDependencies ?? {})
    ) {
      const range = ranges.get(peer)
      if (range === undefined) continue
      const peerRange = parseRange(peerSpec)
      const pastPeer = range.max === undefined || (peerRange.max !== undefined && compare(range.max, peerRange.max) > 0)
      const beforePeer = range.max !== undefined && compare(range.max, peerRange.min) <= 0
      if (pastPeer || beforePeer) {
        problems.push(`${peer}: the install allows versions that ${name}'s peer range ${peerSpec} does not`)
      }
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
      "effect: the install allows versions that effect-signalfx's peer range ^3.22.4 does not"
    ])
    assert.deepStrictEqual(installProblems(["pino"]), ["pino: not a package this project is tested with"])
  })
})
