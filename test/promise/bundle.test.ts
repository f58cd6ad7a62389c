/**
 * The published `effect-signalfx/promise` is the bundle `scripts/bundle.mjs` writes (see
 * package.json's `exports`). These tests build it from the sources, as `npm run build` does, and
 * run a script against it in a fresh `node` process, sending to the local server over loopback.
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { bundleFacade } from "../../scripts/bundle.mjs"
import { FakeSignalFx } from "../../src/testing/index.js"
import { root } from "./runScript.js"

let server: FakeSignalFx.Server
let dir: string
let bundle: string

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: ["TOKEN"] })
  // Under the project's node_modules, so that the bundle finds its dependencies (ws, undici) as an installed package would.
  const cache = path.join(root, "node_modules", ".cache")
  fs.mkdirSync(cache, { recursive: true })
  dir = fs.mkdtempSync(path.join(cache, "effect-signalfx-bundle-"))
  bundle = path.join(dir, "promise.js")
  // An ES module as in the published package, whose package.json says so: Node 20.18.1 (the oldest
  // supported) does not tell ES modules by their syntax, and no package.json is found past node_modules.
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }))
  await bundleFacade(bundle)
})
afterAll(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => server.reset())

/** Runs an ES module script beside the bundle with plain `node` (no TypeScript loader). */
const runBesideBundle = (source: string): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const script = path.join(dir, `script-${Date.now()}.mjs`)
  fs.writeFileSync(script, source)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, FAKE_SIGNALFX_URL: server.url },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** The specifiers a bundle file imports, statically (`from "x"`, `import "x"`) or dynamically. */
const importsOf = (file: string, kind: "static" | "all" = "all"): Array<string> =>
  [
    ...fs.readFileSync(path.join(dir, file), "utf8").matchAll(
      kind === "static" ? /(?:\bfrom|\bimport)\s*"([^"]+)"/g : /(?:\bfrom|\bimport)\s*\(?\s*"([^"]+)"/g
    )
  ].map((match) => match[1]!)

/** The bundle's own files that loading `file` loads: it and its static imports, transitively. */
const loadedBy = (file: string, seen: Set<string> = new Set()): Set<string> => {
  seen.add(file)
  for (const specifier of importsOf(file, "static")) {
    const chunk = specifier.startsWith("./") ? specifier.slice(2) : undefined
    if (chunk !== undefined && !seen.has(chunk)) loadedBy(chunk, seen)
  }
  return seen
}

describe("the bundled facade", () => {
  it("imports nothing but Node's modules, the package's dependencies and its own chunks: effect is inside", () => {
    const files = fs.readdirSync(dir).filter((file) => file.endsWith(".js") && !file.startsWith("script-"))
    assert.include(files, "promise.js")
    const imported = files.flatMap((file) => importsOf(file))
    const manifest: { readonly dependencies: Record<string, string> } = JSON.parse(
      fs.readFileSync(path.join(root, "package.json"), "utf8")
    )
    const { dependencies } = manifest
    const allowed = (specifier: string) =>
      specifier.startsWith("node:") ||
      (specifier.startsWith("./") && files.includes(specifier.slice(2))) ||
      Object.keys(dependencies).some((name) => specifier === name || specifier.startsWith(`${name}/`))
    assert.deepStrictEqual(imported.filter((specifier) => !allowed(specifier)), [])
    // The encoder is our own: sending loads no protobuf runtime (the decoder is the local server's).
    assert.deepStrictEqual(imported.filter((specifier) => specifier.startsWith("protobufjs")), [])
  })

  it("loads the REST services, SignalFlow and HostIdentity only on first use", () => {
    const files = fs.readdirSync(dir).filter((file) => file.endsWith(".js") && !file.startsWith("script-"))
    const loaded = loadedBy("promise.js")
    // Each service's Context key is in the bundle, and in no file that importing the facade loads.
    for (const service of ["Metadata", "Rest", "SignalFlow", "HostIdentity"]) {
      const key = `"effect-signalfx/${service}"`
      const holders = files.filter((file) => fs.readFileSync(path.join(dir, file), "utf8").includes(key))
      assert.isNotEmpty(holders, service)
      assert.deepStrictEqual(holders.filter((file) => loaded.has(file)), [], service)
    }
    // The Ingest service is loaded with the facade.
    assert.isTrue(
      [...loaded].some((file) => fs.readFileSync(path.join(dir, file), "utf8").includes(`"effect-signalfx/Ingest"`))
    )
  })

  it("loads the metadata and REST services from their chunks on the first call", async () => {
    const result = await runBesideBundle(`
      import { ClosedError, SignalFx } from "./promise.js"
      const url = process.env.FAKE_SIGNALFX_URL
      const sfx = new SignalFx("TOKEN", { ingestEndpoint: url, apiEndpoint: url })
      const tag = await sfx.updateTag("bundle_tag", { description: "from the bundle" })
      let streamed = 0
      for await (const _ of sfx.streamTags({ query: "name:bundle_*" })) streamed++
      const detector = await sfx.rest.detectors.create({
        name: "bundle detector",
        programText: "detect(when(data('cpu').mean() > 90)).publish('cpu high')",
        rules: [{ detectLabel: "cpu high", severity: "Critical" }]
      })
      const read = await sfx.rest.detectors.get(detector.id)
      await sfx.stop()
      const closed = await sfx.getTag("bundle_tag").then(() => false, (error) => error instanceof ClosedError)
      console.log(JSON.stringify({ tag: tag.name, streamed, detector: read.name, closed }))
    `)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(JSON.parse(result.stdout), {
      tag: "bundle_tag",
      streamed: 1,
      detector: "bundle detector",
      closed: true
    })
  })

  it("sends datapoints and an event, rejects bad input with its own error class, and stops", async () => {
    // The token is a Redacted of the application's own effect, not of the copy inside the bundle.
    const result = await runBesideBundle(`
      import { Redacted } from "effect"
      import { SignalFx, ValidationError } from "./promise.js"
      const sfx = new SignalFx(Redacted.make("TOKEN"), { ingestEndpoint: process.env.FAKE_SIGNALFX_URL, dimensions: { app: "bundle" } })
      await sfx.send({ gauges: [{ metric: "bundle.gauge", value: 1.5, dimensions: { host: "a" } }],
        cumulative_counters: [{ metric: "bundle.total", value: 7 }] })
      await sfx.sendEvent({ eventType: "bundle.deployed", properties: { version: "1" } })
      let rejected
      try {
        await sfx.send({ gauges: [{ metric: "", value: 1 }] })
      } catch (error) {
        rejected = { validationError: error instanceof ValidationError, tag: error._tag }
      }
      await sfx.stop()
      const { datapoints, events } = sfx.stats()
      console.log(JSON.stringify({ rejected, delivered: datapoints.delivered, events: events.delivered }))
    `)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(JSON.parse(result.stdout), {
      rejected: { validationError: true, tag: "ValidationError" },
      delivered: 2,
      events: 1
    })
    assert.deepStrictEqual(
      server.datapoints().map((point) => [point.metric, point.type, point.value, point.dimensions]),
      [
        ["bundle.gauge", "gauge", 1.5, { app: "bundle", host: "a" }],
        ["bundle.total", "cumulative_counter", 7, { app: "bundle" }]
      ]
    )
    assert.deepStrictEqual(server.events().map((event) => [event.eventType, event.dimensions]), [
      ["bundle.deployed", { app: "bundle" }]
    ])
  })

  it("delivers what a script sent when it simply ends, without stop()", async () => {
    const result = await runBesideBundle(`
      import { SignalFx } from "./promise.js"
      const sfx = new SignalFx("TOKEN", { ingestEndpoint: process.env.FAKE_SIGNALFX_URL, flushInterval: 60_000 })
      void sfx.send({ gauges: [{ metric: "bundle.ended", value: 1 }] })
    `)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(server.datapoints().map((point) => point.metric), ["bundle.ended"])
  })
})
