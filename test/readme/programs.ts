/**
 * The complete programs of the README and the guides, run against the local server, unedited: one
 * runner for the Effect 3 package's blocks (test/readme.test.ts) and the Effect 4 package's
 * (packages/effect4/test/readme.test.ts).
 *
 * A program names a realm (`realm: "us1"`), so it connects to `ingest.us1.signalfx.com` and the
 * like: realmsToLoopback.mjs sends those connections to the local server on 127.0.0.1, which
 * serves TLS with a certificate for the realms' names, trusted through NODE_EXTRA_CA_CERTS. Any
 * other address is refused by the loopback-only guard.
 *
 * The programs are bundled with esbuild (the package's name resolved to its sources, as tsx does
 * for the examples; node_modules imported as they are) and run by plain `node`: under tsx each
 * would spend some 3 CPU-seconds compiling the sources again.
 */
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as https from "node:https"
import * as os from "node:os"
import * as path from "node:path"
import { generate } from "selfsigned"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { allSnippets, snippetFolder, writeSnippets } from "../../scripts/readme-snippets.mjs"
import type { Server } from "../../src/core/testing/localServer.js"
import { start } from "../../src/core/testing/localServer.js"
import { root, runNode } from "../promise/runScript.js"

/** Every block of the README and the guides. */
export const snippets = allSnippets(root)

/** Where a block is, for a failure's message: `docs/testing.md line 42`. */
export const where = (snippet: { readonly source: string; readonly line: number }): string =>
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
export const noAccount = Object.fromEntries(
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

let server: Server
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

/** An esbuild plugin resolving `name` and `name/<entry>` to `sources/index.ts`, `sources/<entry>/index.ts`. */
const packageToSources = (name: string, sources: string): esbuild.Plugin => ({
  name: `${name} to the sources`,
  setup: (build) => {
    const escaped = name.replace(/[/]/g, "\\/")
    build.onResolve({ filter: new RegExp(`^${escaped}(\\/\\w+)?$`) }, ({ path: imported }) => ({
      path: path.join(sources, imported.slice(name.length).replace(/^\//, ""), "index.ts")
    }))
  }
})

/**
 * Runs the programs written for one Effect (`effect`), importing `packageName` (resolved to
 * `sources`), against one local server, and checks that together they made each of `calls`
 * (`"POST /v2/datapoint"`).
 */
export const describePrograms = (options: {
  readonly effect: 3 | 4
  readonly packageName: string
  readonly sources: string
  readonly calls: ReadonlyArray<string>
}): void => {
  const { calls, effect, packageName, sources } = options
  const programs = snippets.filter((snippet) => snippet.kind === "program" && snippet.effect === effect)
  const folder = snippetFolder(root, effect)
  const bundles = path.join(folder, "run")

  beforeAll(async () => {
    writeSnippets(root)
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
      plugins: [packageToSources(packageName, sources)],
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
    server = await start({ tls: { cert: pems.cert, key: pems.private } })
    await feed()
    feeding = setInterval(() => void feed().catch(() => undefined), 250)
  })

  afterAll(async () => {
    clearInterval(feeding)
    await server?.close()
    if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true })
  })

  describe.concurrent(`the Effect ${effect} programs of the README and the guides, against the local server`, () => {
    it.each(programs.map((snippet) => [where(snippet), snippet] as const))("%s", async (_, snippet) => {
      const guardAndRealms = `${process.env["NODE_OPTIONS"] ?? ""} --import=${
        new URL("./realmsToLoopback.mjs", import.meta.url).href
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
  })

  describe("the programs, together", () => {
    it("reached the local server by their realm's names, and every request they made succeeded", () => {
      // The feed's requests carry no User-Agent; the library's name theirs.
      const made = server.requests().filter((request) => request.headers["user-agent"]?.startsWith("effect-signalfx/"))
      assert.deepStrictEqual(made.filter((request) => (request.status ?? 0) >= 300), [])
      const madeCalls = new Set(made.map((request) => `${request.method} ${request.path.split("?")[0]}`))
      for (const call of calls) assert.isTrue(madeCalls.has(call), `${call} in ${[...madeCalls].join(", ")}`)
    })
  })
}
