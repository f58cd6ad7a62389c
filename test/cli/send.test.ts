/**
 * `effect-signalfx send` and `effect-signalfx event` against the local server: what lands there,
 * from the command line and from stdin in both formats; what is refused before anything is sent;
 * and the exit code and sentence for each way delivery can fail.
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import * as net from "node:net"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { CliOptions } from "./run.js"
import { localServerEnv, runCli } from "./run.js"
import { startInTerminal } from "./tmux.js"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: ["TOKEN"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const run = (args: ReadonlyArray<string>, options: CliOptions = {}) =>
  runCli(args, { ...options, env: { ...localServerEnv(server.url), ...options.env } })

/** The requests that carried datapoints or events: none when the command refused its input. */
const ingestRequests = () => server.requests().filter((request) => request.path.startsWith("/v2/"))

/** A port on 127.0.0.1 that nothing listens on: one the system just handed out and took back. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const listener = net.createServer()
    listener.on("error", reject)
    listener.listen(0, "127.0.0.1", () => {
      const address = listener.address()
      if (address === null || typeof address === "string") return reject(new Error("no port"))
      listener.close(() => resolve(address.port))
    })
  })

interface JsonStats {
  readonly kind: string
  readonly accepted: number
  readonly delivered: number
  readonly dropped: Readonly<Record<string, number>>
  readonly lastError: { readonly message: string; readonly at: string } | null
}

const parseStats = (stdout: string): JsonStats => {
  const lines = stdout.trim().split("\n")
  assert.strictEqual(lines.length, 1, `one JSON object, got: ${stdout}`)
  return JSON.parse(lines[0] ?? "")
}

describe("effect-signalfx send", () => {
  it("sends a gauge with its value, dimensions and timestamp, and prints nothing", async () => {
    const result = await run([
      "send",
      "gauge",
      "cpu.utilization",
      "42.5",
      "--dimension",
      "host=web-1",
      "--dimension",
      "env=prod",
      "--timestamp",
      "1765137600000"
    ])
    assert.deepStrictEqual(result, { code: 0, stdout: "", stderr: "" })
    assert.deepStrictEqual(server.datapoints().map(({ valueType: _, ...point }) => point), [{
      metric: "cpu.utilization",
      type: "gauge",
      value: 42.5,
      timestamp: 1765137600000,
      dimensions: { host: "web-1", env: "prod" }
    }])
  })

  it("sends a counter and a cumulative counter (also as `cumulative`), integers as integers", async () => {
    for (const type of ["counter", "cumulative_counter", "cumulative"]) {
      const { code, stderr } = await run(["send", type, `${type}.metric`, "12", "--dimension", "route=/home"])
      assert.strictEqual(code, 0, stderr)
    }
    assert.deepStrictEqual(
      server.datapoints().map(({ dimensions, metric, type, value, valueType }) => ({
        metric,
        type,
        value,
        valueType,
        dimensions
      })),
      [
        { metric: "counter.metric", type: "counter", value: 12, valueType: "int", dimensions: { route: "/home" } },
        {
          metric: "cumulative_counter.metric",
          type: "cumulative_counter",
          value: 12,
          valueType: "int",
          dimensions: { route: "/home" }
        },
        {
          metric: "cumulative.metric",
          type: "cumulative_counter",
          value: 12,
          valueType: "int",
          dimensions: { route: "/home" }
        }
      ]
    )
  })

  it("sends a negative value, and an integer beyond 2^53 exactly", async () => {
    assert.strictEqual((await run(["send", "gauge", "temperature", "-3.5"])).code, 0)
    assert.strictEqual((await run(["send", "cumulative_counter", "bytes.total", "9007199254740993"])).code, 0)
    assert.deepStrictEqual(server.datapoints().map((point) => point.value), [-3.5, 9007199254740993n])
  })

  it("reads --timestamp as an ISO time or relative to now", async () => {
    const before = Date.now()
    assert.strictEqual((await run(["send", "gauge", "iso", "1", "--timestamp", "2026-12-07T20:00:00Z"])).code, 0)
    assert.strictEqual((await run(["send", "gauge", "relative", "1", "--timestamp", "-5m"])).code, 0)
    const after = Date.now()
    const [iso, relative] = server.datapoints()
    assert.strictEqual(iso?.timestamp, Date.UTC(2026, 11, 7, 20))
    const fiveMinutes = 5 * 60_000
    assert.isAtLeast(relative?.timestamp ?? 0, before - fiveMinutes)
    assert.isAtMost(relative?.timestamp ?? Infinity, after - fiveMinutes)
  })

  it("takes the options given before the type as if given after it", async () => {
    const { code, stderr, stdout } = await run([
      "send",
      "--json",
      "--dimension",
      "a=1",
      "gauge",
      "m",
      "1",
      "--dimension",
      "b=2"
    ])
    assert.strictEqual(code, 0, stderr)
    assert.strictEqual(parseStats(stdout).delivered, 1)
    assert.deepStrictEqual(server.datapoints()[0]?.dimensions, { a: "1", b: "2" })
  })

  it("prints the stats as one JSON object with --json, and the count with --verbose", async () => {
    const json = await run(["send", "gauge", "m", "1", "--json"])
    assert.strictEqual(json.code, 0, json.stderr)
    const stats = parseStats(json.stdout)
    assert.strictEqual(stats.kind, "datapoints")
    assert.strictEqual(stats.accepted, 1)
    assert.strictEqual(stats.delivered, 1)
    assert.isTrue(Object.values(stats.dropped).every((count) => count === 0))
    assert.isNull(stats.lastError)
    const verbose = await run(["send", "gauge", "m", "1", "--verbose"])
    assert.deepStrictEqual(verbose, { code: 0, stdout: "1 datapoint delivered\n", stderr: "" })
  })

  it("refuses a datapoint that breaks SignalFx's rules with exit code 2, sending nothing", async () => {
    const empty = await run(["send", "gauge", "", "1"])
    assert.strictEqual(empty.code, 2)
    assert.strictEqual(
      empty.stderr,
      "effect-signalfx: the datapoint is not valid: metric: the metric name must not be empty\n"
    )
    const badKey = await run(["send", "gauge", "m", "1", "--dimension", "1host=a"])
    assert.strictEqual(badKey.code, 2)
    assert.include(badKey.stderr, "--dimension is not valid")
    assert.include(badKey.stderr, "a dimension key must start with a letter")
    const seconds = await run(["send", "gauge", "m", "1", "--timestamp", "1765137600"])
    assert.strictEqual(seconds.code, 2)
    assert.include(seconds.stderr, "looks like seconds")
    assert.lengthOf(ingestRequests(), 0)
  })

  it("refuses a bad value, timestamp or timeout, and a missing type, with exit code 2", async () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["send", "gauge", "m", "lots"], "the value \"lots\" is not a number"],
      [["send", "gauge", "m", "1", "--timestamp", "yesterday"], "--timestamp \"yesterday\" is not a time"],
      [["send", "gauge", "m", "1", "--timeout", "soon"], "--timeout \"soon\" is not a duration"],
      [["send"], "name the metric type"],
      [["send", "--stdin", "gauge", "m", "1"], "--stdin reads datapoints from stdin"]
    ]
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await run(args)
      assert.strictEqual(code, 2, args.join(" "))
      assert.include(stderr, message)
      assert.strictEqual(stdout, "")
    }
    assert.lengthOf(ingestRequests(), 0)
  })

  it("answers a refused token with exit code 3, never showing the token", async () => {
    const token = "WRONG-TOKEN-5f0c9e"
    const { code, stderr, stdout } = await run(["send", "gauge", "m", "1", "--verbose", "--json"], {
      env: { SPLUNK_ACCESS_TOKEN: token }
    })
    assert.strictEqual(code, 3)
    assert.match(stderr, /1 of 1 datapoint was not delivered: the server refused the token \(HTTP 401\)\n$/)
    assert.strictEqual(parseStats(stdout).dropped.rejected, 1)
    assert.notInclude(stderr + stdout, token)
  })

  it("answers a missing token with exit code 3", async () => {
    const { code, stderr } = await run(["send", "gauge", "m", "1"], { env: { SPLUNK_ACCESS_TOKEN: undefined } })
    assert.strictEqual(code, 3)
    assert.include(stderr, "no access token")
    assert.lengthOf(ingestRequests(), 0)
  })

  it("gives up on an unreachable server within --timeout, with exit code 5", async () => {
    const port = await closedPort()
    const { code, stderr, stdout } = await run(["send", "gauge", "m", "1", "--timeout", "2s", "--json"], {
      env: { SPLUNK_INGEST_URL: `http://127.0.0.1:${port}` },
      // Far beyond the timeout: killed (code null) only if the timeout did not bound the retries.
      killAfterMillis: 25_000
    })
    assert.strictEqual(code, 5, stderr)
    assert.include(stderr, "1 of 1 datapoint was not delivered within 2s, retries included: network error")
    const stats = parseStats(stdout)
    assert.strictEqual(stats.delivered, 0)
    assert.strictEqual((stats.dropped.retriesExhausted ?? 0) + (stats.dropped.shutdownDeadline ?? 0), 1)
  })

  it("answers data the server refuses (400) with exit code 7 and the server's words", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(400, { body: "bad datapoint \u001b[31mred" })])
    const { code, stderr, stdout } = await run(["send", "gauge", "m", "1", "--json"])
    assert.strictEqual(code, 7)
    assert.include(stderr, "1 of 1 datapoint was not delivered: the server refused it: HTTP 400: bad datapoint")
    // The server's text reaches the terminal with its escapes made visible, not obeyed.
    assert.notInclude(stderr, "\u001b")
    assert.include(stderr, "\\u001b[31mred")
    const stats = parseStats(stdout)
    assert.strictEqual(stats.dropped.rejected, 1)
    assert.include(stats.lastError?.message, "HTTP 400")
  })

  it("answers a body too large (413) with exit code 7, and a server failing until --timeout with 5", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(413)])
    const tooLarge = await run(["send", "gauge", "m", "1", "--json"])
    assert.strictEqual(tooLarge.code, 7)
    assert.include(tooLarge.stderr, "the server refused it: HTTP 413")
    assert.strictEqual(parseStats(tooLarge.stdout).dropped.tooLarge, 1)
    server.fault("/v2/datapoint", Array.from({ length: 50 }, () => FakeSignalFx.respond(503)))
    const failing = await run(["send", "gauge", "m", "1", "--timeout", "2s"])
    assert.strictEqual(failing.code, 5)
    assert.include(failing.stderr, "1 of 1 datapoint was not delivered within 2s, retries included: HTTP 503")
    assert.lengthOf(server.datapoints(), 0)
  })

  it("has help with examples on send and on each type", async () => {
    for (const words of [["send"], ["send", "gauge"], ["send", "cumulative_counter"]]) {
      const { code, stdout } = await run([...words, "--help"])
      assert.strictEqual(code, 0)
      assert.match(stdout, /EXAMPLES[\s\S]*\$ effect-signalfx send /, words.join(" "))
    }
  })
})

describe("effect-signalfx send --stdin", () => {
  it("reads one JSON object per line, --dimension added to each, its own dimension winning", async () => {
    const before = Date.now()
    const stdin = [
      JSON.stringify({ type: "gauge", metric: "g", value: 1.5, dimensions: { env: "own", host: "a" } }),
      "",
      JSON.stringify({ type: "counter", metric: "c", value: 2, timestamp: 1765137600000 }),
      JSON.stringify({ type: "cumulative_counter", metric: "cc", value: 3, timestamp: "-1h" }),
      JSON.stringify({ type: "cumulative", metric: "cc2", value: 4 })
    ].join("\n")
    const { code, stderr, stdout } = await run(["send", "--stdin", "--dimension", "env=prod", "--json"], { stdin })
    assert.strictEqual(code, 0, stderr)
    assert.strictEqual(parseStats(stdout).delivered, 4)
    const points = server.datapoints()
    assert.deepStrictEqual(
      points.map(({ dimensions, metric, type, value }) => ({ metric, type, value, dimensions })),
      [
        { metric: "g", type: "gauge", value: 1.5, dimensions: { env: "own", host: "a" } },
        { metric: "c", type: "counter", value: 2, dimensions: { env: "prod" } },
        { metric: "cc", type: "cumulative_counter", value: 3, dimensions: { env: "prod" } },
        { metric: "cc2", type: "cumulative_counter", value: 4, dimensions: { env: "prod" } }
      ]
    )
    assert.strictEqual(points[1]?.timestamp, 1765137600000)
    assert.isAtLeast(points[2]?.timestamp ?? 0, before - 3_600_000)
    assert.isAtMost(points[2]?.timestamp ?? Infinity, Date.now() - 3_600_000)
  })

  it("reads the ingest API's JSON body", async () => {
    const stdin = JSON.stringify(
      {
        gauge: [{ metric: "queue.depth", value: 7, dimensions: { queue: "q1" } }],
        counter: [{ metric: "requests", value: 3, timestamp: 1765137600000 }],
        cumulative_counter: [{ metric: "bytes", value: 100 }, { metric: "bytes", value: 200 }]
      },
      null,
      2
    )
    const { code, stderr } = await run(["send", "--stdin"], { stdin })
    assert.strictEqual(code, 0, stderr)
    assert.sameDeepMembers(
      server.datapoints().map(({ dimensions, metric, timestamp, type, value }) => ({
        metric,
        type,
        value,
        dimensions,
        timestamp
      })),
      [
        { metric: "queue.depth", type: "gauge", value: 7, dimensions: { queue: "q1" }, timestamp: undefined },
        { metric: "requests", type: "counter", value: 3, dimensions: {}, timestamp: 1765137600000 },
        { metric: "bytes", type: "cumulative_counter", value: 100, dimensions: {}, timestamp: undefined },
        { metric: "bytes", type: "cumulative_counter", value: 200, dimensions: {}, timestamp: undefined }
      ]
    )
  })

  it("delivers a batch larger than a request and than the library's default queue", async () => {
    const count = 25_000
    const stdin = Array.from(
      { length: count },
      (_, index) =>
        JSON.stringify({ type: "gauge", metric: "load", value: index, dimensions: { n: String(index % 7) } })
    ).join("\n")
    const { code, stderr, stdout } = await run(["send", "--stdin", "--json"], { stdin })
    assert.strictEqual(code, 0, stderr)
    assert.strictEqual(parseStats(stdout).delivered, count)
    const values = new Set(server.datapoints().map((point) => point.value))
    assert.strictEqual(values.size, count)
    assert.isAbove(ingestRequests().length, 1)
  })

  it("refuses the whole batch when one line is bad, naming every bad line, with exit code 2", async () => {
    const stdin = [
      JSON.stringify({ type: "gauge", metric: "fine", value: 1 }),
      JSON.stringify({ type: "gauge", metric: "m", value: 1, dimension: { host: "a" } }),
      "not json",
      JSON.stringify({ type: "gauges", metric: "m", value: 1 }),
      JSON.stringify({ type: "counter", metric: "", value: 1 })
    ].join("\n")
    const { code, stderr, stdout } = await run(["send", "--stdin"], { stdin })
    assert.strictEqual(code, 2)
    assert.strictEqual(stdout, "")
    const lines = stderr.trim().split("\n")
    assert.lengthOf(lines, 5, stderr)
    assert.match(lines[0] ?? "", /^effect-signalfx: line 2: unknown field "dimension"/)
    assert.match(lines[1] ?? "", /^effect-signalfx: line 3: not JSON/)
    assert.match(
      lines[2] ?? "",
      /^effect-signalfx: line 4: "type" is gauge, counter or cumulative_counter, got "gauges"/
    )
    assert.strictEqual(lines[3], "effect-signalfx: line 5: metric: the metric name must not be empty")
    assert.strictEqual(
      lines[4],
      "effect-signalfx: 4 problems in the datapoints on stdin (listed above), so none was sent"
    )
    assert.lengthOf(ingestRequests(), 0)
  })

  it("names a bad entry of the ingest body by its list and index", async () => {
    const stdin = JSON.stringify({ gauge: [{ metric: "a", value: 1 }, { metric: "b", value: null }] })
    const { code, stderr } = await run(["send", "--stdin"], { stdin })
    assert.strictEqual(code, 2)
    assert.strictEqual(
      stderr,
      "effect-signalfx: the datapoints on stdin are not valid, so none was sent: gauge[1]: value: a value must be a number, a bigint or a string, got null\n"
    )
    assert.lengthOf(ingestRequests(), 0)
  })

  it("refuses empty and oversized input", async () => {
    const empty = await run(["send", "--stdin"], { stdin: "\n\n" })
    assert.strictEqual(empty.code, 2)
    assert.include(empty.stderr, "stdin holds no datapoint")
    const line = `${JSON.stringify({ type: "gauge", metric: "m", value: 1 })}\n`
    const huge = await run(["send", "--stdin"], { stdin: line.repeat(Math.ceil((16 * 1024 * 1024 + 1) / line.length)) })
    assert.strictEqual(huge.code, 2)
    assert.include(huge.stderr, "stdin holds more than 16,777,216 bytes")
    assert.lengthOf(ingestRequests(), 0)
  })

  it("shows a progress line on a terminal while delivery takes a while, and clears it", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.delay(4_000)])
    const terminal = startInTerminal(["send", "--stdin"], { env: localServerEnv(server.url) })
    try {
      terminal.sendKeys([JSON.stringify({ type: "gauge", metric: "slow", value: 1 })], true)
      terminal.sendKeys(["Enter", "C-d"])
      await terminal.waitFor((screen) => screen.includes("0 of 1 datapoint delivered"), "the progress line")
      assert.strictEqual(await terminal.waitForExit(), 0)
      assert.notInclude(terminal.capture(), "delivered")
      assert.strictEqual(server.datapoints()[0]?.metric, "slow")
    } finally {
      terminal.close()
    }
  })
})

describe("effect-signalfx event", () => {
  it("sends an event with its category, dimensions, properties and timestamp", async () => {
    const { code, stderr, stdout } = await run([
      "event",
      "deployment",
      "--category",
      "ALERT",
      "--dimension",
      "service=checkout",
      "--property",
      "version=1.4.2",
      "--property",
      "note=a=b",
      "--timestamp",
      "2026-12-07T20:00:00Z"
    ])
    assert.deepStrictEqual({ code, stderr, stdout }, { code: 0, stderr: "", stdout: "" })
    const [event] = server.events()
    assert.deepStrictEqual(
      event && {
        eventType: event.eventType,
        category: event.category,
        dimensions: event.dimensions,
        properties: event.properties,
        timestamp: event.timestamp
      },
      {
        eventType: "deployment",
        category: "ALERT",
        dimensions: { service: "checkout" },
        properties: { version: "1.4.2", note: "a=b" },
        timestamp: Date.UTC(2026, 11, 7, 20)
      }
    )
  })

  it("reads events from stdin, one per line or as a JSON array, properties keeping their types", async () => {
    const perLine = [
      JSON.stringify({ eventType: "e1", properties: { replicas: 3, canary: true } }),
      JSON.stringify({ eventType: "e2", category: "AUDIT", timestamp: 1765137600000 })
    ].join("\n")
    const lines = await run(["event", "--stdin", "--dimension", "env=prod", "--json"], { stdin: perLine })
    assert.strictEqual(lines.code, 0, lines.stderr)
    const stats = parseStats(lines.stdout)
    assert.strictEqual(stats.kind, "events")
    assert.strictEqual(stats.delivered, 2)
    const array = await run(["event", "--stdin"], { stdin: JSON.stringify([{ eventType: "e3" }]) })
    assert.strictEqual(array.code, 0, array.stderr)
    assert.deepStrictEqual(
      server.events().map(({ category, dimensions, eventType, properties, timestamp }) => ({
        eventType,
        category,
        dimensions,
        properties,
        timestamp
      })),
      [
        {
          eventType: "e1",
          category: "USER_DEFINED",
          dimensions: { env: "prod" },
          properties: { replicas: 3, canary: true },
          timestamp: undefined
        },
        { eventType: "e2", category: "AUDIT", dimensions: { env: "prod" }, properties: {}, timestamp: 1765137600000 },
        { eventType: "e3", category: "USER_DEFINED", dimensions: {}, properties: {}, timestamp: undefined }
      ]
    )
  })

  it("refuses a bad event, on the command line or on stdin, with exit code 2, sending nothing", async () => {
    const noType = await run(["event"])
    assert.strictEqual(noType.code, 2)
    assert.include(noType.stderr, "name the event type")
    const badCategory = await run(["event", "deploy", "--category", "NOPE"])
    assert.strictEqual(badCategory.code, 2)
    const badProperty = await run(["event", "deploy", "--property", `note=${"x".repeat(300)}`])
    assert.strictEqual(badProperty.code, 2)
    assert.include(badProperty.stderr, "the event is not valid: properties")
    const stdin = await run(["event", "--stdin"], { stdin: JSON.stringify([{ eventType: "ok" }, { eventType: "" }]) })
    assert.strictEqual(stdin.code, 2)
    assert.include(stdin.stderr, "[1]: eventType: the event type must not be empty")
    assert.lengthOf(ingestRequests(), 0)
  })

  it("answers a refused token with exit code 3", async () => {
    const { code, stderr } = await run(["event", "deploy"], { env: { SPLUNK_ACCESS_TOKEN: "WRONG" } })
    assert.strictEqual(code, 3)
    assert.include(stderr, "1 of 1 event was not delivered: the server refused the token (HTTP 401)")
  })

  it("has help with examples", async () => {
    const { code, stdout } = await run(["event", "--help"])
    assert.strictEqual(code, 0)
    assert.match(stdout, /EXAMPLES[\s\S]*\$ effect-signalfx event /)
  })
})
