import { afterAll, afterEach, assert, beforeAll, beforeEach, describe, it, vi } from "@effect/vitest"
import { Redacted } from "effect"
import * as util from "node:util"
import {
  ClosedError,
  ConfigurationError,
  SignalFx,
  type SignalFxOptions,
  ValidationError,
  ValidationIssue
} from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"

const TOKEN = "s3cr3t-t0ken-value"

let server: FakeSignalFx.Server
const clients: Array<SignalFx> = []

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: [TOKEN] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()))
})

const client = (options: SignalFxOptions = {}): SignalFx => {
  const sfx = new SignalFx(TOKEN, { ingestEndpoint: server.url, ...options })
  clients.push(sfx)
  return sfx
}

/** A `logger` option that keeps the client's lines, for the test to assert on, instead of printing them. */
const keptLines = () => {
  const lines: Array<string> = []
  return { lines, logger: { warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) } }
}

/** The rejection of a promise that must reject. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  return assert.fail("expected the promise to reject")
}

/**
 * Runs `body` with what the client could print captured: stderr, where its default logger writes
 * plain lines, and console.log, where Effect's default logger would.
 */
const capturingConsole = async (body: () => Promise<void>): Promise<Array<string>> => {
  const printed: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => {
    printed.push(args.map(String).join(" "))
  })
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk))
    return true
  })
  try {
    await body()
  } finally {
    log.mockRestore()
    stderr.mockRestore()
  }
  return printed
}

/** The error a function must throw. */
const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  return assert.fail("expected a throw")
}

describe("sending", () => {
  it("delivers gauges, counters and both spellings of cumulative counters", async () => {
    const sfx = client()
    await sfx.send({
      gauges: [{ metric: "g", value: 1.5, dimensions: { host: "a" } }],
      counters: [{ metric: "c", value: 2 }],
      cumulative_counters: [{ metric: "cc1", value: 10 }],
      cumulativeCounters: [{ metric: "cc2", value: 20n }]
    })
    await sfx.flush()
    const received = server.datapoints().map(({ metric, type, value }) => [metric, type, value])
    assert.sameDeepMembers(received, [
      ["g", "gauge", 1.5],
      ["c", "counter", 2],
      ["cc1", "cumulative_counter", 10],
      ["cc2", "cumulative_counter", 20]
    ])
    assert.deepStrictEqual(sfx.stats().datapoints.delivered, 4)
  })

  it("delivers events", async () => {
    const sfx = client()
    await sfx.sendEvent({
      eventType: "deployments",
      category: "USER_DEFINED",
      dimensions: { service: "checkout" },
      properties: { version: "1.2.3" }
    })
    await sfx.sendEvents([{ eventType: "a" }, { eventType: "b", category: "ALERT" }])
    await sfx.flush()
    assert.deepStrictEqual(server.events().map((event) => [event.eventType, event.category]), [
      ["deployments", "USER_DEFINED"],
      ["a", "USER_DEFINED"],
      ["b", "ALERT"]
    ])
    assert.deepStrictEqual(server.events()[0]?.properties, { version: "1.2.3" })
    assert.strictEqual(sfx.stats().events.delivered, 3)
  })

  it("resolves send as soon as the data is accepted, before it is delivered", async () => {
    const sfx = client({ flushInterval: 60_000 })
    await sfx.send({ gauges: [{ metric: "queued", value: 1 }] })
    assert.strictEqual(sfx.stats().datapoints.pending, 1)
    assert.strictEqual(server.datapoints().length, 0)
    await sfx.flush()
    assert.strictEqual(server.datapoints().length, 1)
  })

  it("never rejects send for network trouble: it retries and counts", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(503), FakeSignalFx.resetConnection("beforeBody")])
    const { lines, logger } = keptLines()
    const sfx = client({ retry: { initialDelay: 10, maxDelay: 20 }, logger })
    await sfx.send({ gauges: [{ metric: "retried", value: 1 }] })
    await sfx.flush()
    const stats = sfx.stats().datapoints
    assert.strictEqual(stats.delivered, 1)
    assert.strictEqual(stats.retries, 2)
    assert.strictEqual(server.datapoints().length, 1)
    assert.strictEqual(lines.length, 2, lines.join("\n"))
    assert.include(lines[0], "HTTP 503")
    assert.include(lines[1], "recovered after 2 failed attempts")
  })

  it("accounts what the service refuses instead of rejecting", async () => {
    const { lines, logger } = keptLines()
    const sfx = new SignalFx("not-the-token", { ingestEndpoint: server.url, logger })
    clients.push(sfx)
    await sfx.send({ gauges: [{ metric: "refused", value: 1 }] })
    await sfx.flush()
    assert.strictEqual(sfx.stats().datapoints.dropped.rejected, 1)
    assert.strictEqual(lines.length, 1, lines.join("\n"))
    assert.include(lines[0], "the access token was refused")
  })
})

describe("the logger option", () => {
  it("receives the warnings of the background fiber and of send, without the token", async () => {
    const warnings: Array<string> = []
    const errors: Array<string> = []
    const printed = await capturingConsole(async () => {
      const sfx = new SignalFx("wrong-token-value", {
        ingestEndpoint: server.url,
        queueCapacity: 10,
        flushInterval: 3_600_000,
        logger: { warn: (message) => warnings.push(message), error: (message) => errors.push(message) }
      })
      clients.push(sfx)
      // 30 into a queue of 10: a full-queue warning from send itself; then a refused batch (401)
      // from the background fiber.
      await sfx.send({ gauges: Array.from({ length: 30 }, (_, i) => ({ metric: "logged", value: i })) })
      await sfx.flush()
    })
    assert.isTrue(warnings.some((line) => line.includes("queue is full")), warnings.join("\n"))
    assert.isTrue(warnings.some((line) => line.includes("the access token was refused")), warnings.join("\n"))
    assert.isTrue(warnings.every((line) => line.startsWith("effect-signalfx: ")))
    assert.isFalse([...warnings, ...errors].some((line) => line.includes("wrong-token-value")))
    assert.deepStrictEqual(printed, [])
  })

  it("false silences the client", async () => {
    const printed = await capturingConsole(async () => {
      const sfx = new SignalFx("wrong-token-value", { ingestEndpoint: server.url, logger: false })
      clients.push(sfx)
      await sfx.send({ gauges: [{ metric: "silenced", value: 1 }] })
      await sfx.flush()
      assert.strictEqual(sfx.stats().datapoints.dropped.rejected, 1)
    })
    assert.deepStrictEqual(printed, [])
  })

  it("is plain lines on stderr when not given, not Effect's logfmt on stdout", async () => {
    const printed: Array<string> = []
    const log = vi.spyOn(console, "log")
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk))
      return true
    })
    try {
      const sfx = new SignalFx("wrong-token-value", { ingestEndpoint: server.url })
      clients.push(sfx)
      await sfx.send({ gauges: [{ metric: "printed", value: 1 }] })
      await sfx.flush()
      assert.strictEqual(log.mock.calls.length, 0)
    } finally {
      log.mockRestore()
      stderr.mockRestore()
    }
    assert.deepStrictEqual(printed, [
      "effect-signalfx: SignalFx rejected 1 datapoint, dropped: HTTP 401: invalid X-SF-Token: the access token was refused\n"
    ])
  })

  it("that throws never breaks the client: its lines go to stderr, stop() resolves, sends still work", async () => {
    const printed = await capturingConsole(async () => {
      const sfx = new SignalFx(TOKEN, {
        ingestEndpoint: server.url,
        shutdownTimeout: 100,
        retry: { initialDelay: 10, maxDelay: 10 },
        logger: {
          warn: () => {
            throw new Error("the logger is broken")
          },
          error: () => {
            throw new Error("the logger is broken")
          }
        }
      })
      server.fault("/v2/datapoint", [FakeSignalFx.respond(503)])
      await sfx.send({ gauges: [{ metric: "through.a.broken.logger", value: 1 }] })
      assert.isTrue(await sfx.flush())
      await sfx.send({ gauges: [{ metric: "through.a.broken.logger", value: 2 }] })
      server.fault("/v2/datapoint", [FakeSignalFx.hang])
      await sfx.stop()
      assert.instanceOf(await rejection(sfx.send({ gauges: [{ metric: "late", value: 1 }] })), ClosedError)
    })
    assert.deepStrictEqual(server.datapoints().map((point) => point.value), [1])
    assert.isTrue(printed.some((line) => line.includes("Cannot deliver datapoints")), printed.join("\n"))
    assert.isTrue(printed.some((line) => line.includes("Shutdown deadline of 100ms reached")), printed.join("\n"))
  })
})

describe("errors are the library's own classes", () => {
  it("rejects invalid datapoints with a ValidationError listing every problem, and sends nothing", async () => {
    const sfx = client()
    const error = await rejection(sfx.send({ gauges: [{ metric: "", value: Number.NaN }, { metric: "ok", value: 1 }] }))
    assert.instanceOf(error, ValidationError)
    assert.instanceOf(error, Error)
    assert.strictEqual(error.issues.length, 2)
    assert.instanceOf(error.issues[0], ValidationIssue)
    assert.deepStrictEqual(error.issues.map((issue) => issue.path), ["gauges[0].metric", "gauges[0].value"])
    await sfx.flush()
    assert.strictEqual(server.datapoints().length, 0)
    assert.strictEqual(sfx.stats().datapoints.accepted, 0)
  })

  it("rejects, rather than throws, when reading the input throws", async () => {
    const sfx = client()
    const failure = new Error("a getter that throws")
    const input = {
      get gauges(): Array<{ metric: string; value: number }> {
        throw failure
      }
    }
    let sent: Promise<void> | undefined
    assert.doesNotThrow(() => {
      sent = sfx.send(input)
    })
    assert.strictEqual(await rejection(sent!), failure)
  })

  it("resolves send when a full queue drops, counts the drop and logs it once", async () => {
    const logged = await capturingConsole(async () => {
      const sfx = client({ queueCapacity: 10, flushInterval: 3_600_000 })
      const gauges = Array.from({ length: 30 }, (_, i) => ({ metric: "full", value: i }))
      await sfx.send({ gauges })
      await sfx.send({ gauges })
      // The first send drops 20; what the second drops depends on the batch the turn let out.
      const { accepted, dropped } = sfx.stats().datapoints
      assert.strictEqual(accepted, 60)
      assert.isAtLeast(dropped.queueFull, 20)
    })
    assert.strictEqual(logged.filter((line) => line.includes("queue is full")).length, 1)
  })

  it("rejects an invalid event with a ValidationError", async () => {
    const error = await rejection(client().sendEvent({ eventType: "" }))
    assert.instanceOf(error, ValidationError)
  })

  it("throws a ValidationError from addDimensions for a bad key", () => {
    const error = thrown(() => client().addDimensions({ "1host": "a" }))
    assert.instanceOf(error, ValidationError)
  })

  it("throws a ConfigurationError from the constructor for unusable options", () => {
    const cases: ReadonlyArray<[string, SignalFxOptions, string]> = [
      ["", {}, "token"],
      [TOKEN, { realm: "not a realm" }, "realm"],
      [TOKEN, { ingestEndpoint: "nope" }, "ingestEndpoint"],
      [TOKEN, { ingestEndpoint: "http://collector.example:9943" }, "ingestEndpoint"],
      [TOKEN, { maxBatchSize: 0 }, "maxBatchSize"],
      [TOKEN, { requestTimeout: Infinity }, "requestTimeout"]
    ]
    for (const [token, options, option] of cases) {
      const error = thrown(() => new SignalFx(token, options))
      assert.instanceOf(error, ConfigurationError, option)
      assert.strictEqual(error.option, option)
    }
  })
})

describe("stop", () => {
  it("delivers what is queued, is idempotent, and makes send reject with a ClosedError", async () => {
    const sfx = client({ flushInterval: 60_000 })
    await sfx.send({ gauges: [{ metric: "before.stop", value: 1 }] })
    const stopping = sfx.stop()
    assert.strictEqual(sfx.stop(), stopping)
    // Not awaited: a send after stop() is refused even while the stop is still draining.
    const refused = rejection(sfx.send({ gauges: [{ metric: "after.stop", value: 1 }] }))
    await stopping
    const error = await refused
    assert.instanceOf(error, ClosedError)
    assert.strictEqual(error.count, 1)
    assert.instanceOf(await rejection(sfx.sendEvent({ eventType: "late" })), ClosedError)
    assert.deepStrictEqual(server.datapoints().map((point) => point.metric), ["before.stop"])
    const stats = sfx.stats()
    assert.strictEqual(stats.datapoints.delivered, 1)
    assert.strictEqual(stats.datapoints.dropped.closed, 1)
    assert.strictEqual(stats.events.dropped.closed, 1)
    await sfx.flush()
    await sfx.stop()
  })

  it("gives up at the shutdown deadline and counts what is left", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.hang])
    const { lines, logger } = keptLines()
    const sfx = client({ shutdownTimeout: 200, requestTimeout: 60_000, logger })
    await sfx.send({ gauges: [{ metric: "stuck", value: 1 }] })
    await sfx.stop()
    assert.strictEqual(sfx.stats().datapoints.dropped.shutdownDeadline, 1)
    assert.deepStrictEqual(lines, ["effect-signalfx: Shutdown deadline of 200ms reached: 1 datapoint not delivered"])
  })

  it("removes the beforeExit listener when the last client stops", async () => {
    const before = process.listenerCount("beforeExit")
    const a = client()
    const b = client()
    assert.strictEqual(process.listenerCount("beforeExit"), before + 1)
    await a.stop()
    assert.strictEqual(process.listenerCount("beforeExit"), before + 1)
    await b.stop()
    assert.strictEqual(process.listenerCount("beforeExit"), before)
  })
})

describe("global dimensions", () => {
  it("are added to datapoints and events until removed; a datapoint's own dimension wins", async () => {
    const sfx = client({ dimensions: { env: "test" } })
    sfx.addDimensions({ host: "server1", region: "eu" })
    assert.deepStrictEqual(sfx.dimensions(), { env: "test", host: "server1", region: "eu" })
    await sfx.send({ gauges: [{ metric: "with", value: 1, dimensions: { host: "mine" } }] })
    await sfx.sendEvent({ eventType: "with" })
    sfx.removeDimensions(["region", "env"])
    await sfx.send({ gauges: [{ metric: "without", value: 1 }] })
    await sfx.flush()
    assert.deepStrictEqual(server.datapoints().map((point) => [point.metric, point.dimensions]), [
      ["with", { env: "test", host: "mine", region: "eu" }],
      ["without", { host: "server1" }]
    ])
    assert.deepStrictEqual(server.events()[0]?.dimensions, { env: "test", host: "server1", region: "eu" })
  })
})

describe("the token", () => {
  it("never shows in String, util.inspect, JSON.stringify or the object's keys", async () => {
    const sfx = client()
    await sfx.send({ gauges: [{ metric: "a", value: 1 }] })
    const views = [
      String(sfx),
      `${sfx}`,
      util.inspect(sfx),
      util.inspect(sfx, { showHidden: true, depth: Infinity, getters: true }),
      JSON.stringify(sfx),
      JSON.stringify(Object.entries(sfx)),
      util.format("%o", sfx)
    ]
    for (const view of views) assert.notInclude(view, TOKEN)
    assert.include(util.inspect(sfx), "SignalFx")
    assert.include(util.inspect(sfx), server.url)
    assert.deepStrictEqual(JSON.parse(JSON.stringify(sfx)).endpoint, `${server.url}/`)
  })

  it("never shows in errors", async () => {
    const badEndpoint = thrown(() => new SignalFx(TOKEN, { ingestEndpoint: "http://remote.example" }))
    assert.instanceOf(badEndpoint, ConfigurationError)
    assert.notInclude(util.inspect(badEndpoint), TOKEN)
    const sfx = client()
    await sfx.stop()
    const closed = await rejection(sfx.send({ gauges: [{ metric: "a", value: 1 }] }))
    assert.instanceOf(closed, ClosedError)
    assert.notInclude(util.inspect(closed), TOKEN)
  })

  it("may be given as a Redacted", async () => {
    const sfx = new SignalFx(Redacted.make(TOKEN), { ingestEndpoint: server.url })
    clients.push(sfx)
    await sfx.send({ gauges: [{ metric: "redacted", value: 1 }] })
    await sfx.flush()
    assert.strictEqual(sfx.stats().datapoints.delivered, 1)
  })
})

describe("fromEnv", () => {
  const names = ["SPLUNK_ACCESS_TOKEN", "SIGNALFX_ACCESS_TOKEN", "SPLUNK_REALM", "SIGNALFX_REALM", "SPLUNK_INGEST_URL"]
  let saved: Record<string, string | undefined>
  beforeEach(() => {
    saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
    for (const name of names) delete process.env[name]
  })
  afterEach(() => {
    for (const name of names) {
      const value = saved[name]
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  it("reads the token and the ingest URL from the environment", async () => {
    process.env.SPLUNK_ACCESS_TOKEN = TOKEN
    process.env.SPLUNK_INGEST_URL = server.url
    const sfx = SignalFx.fromEnv({ dimensions: { from: "env" } })
    clients.push(sfx)
    await sfx.send({ gauges: [{ metric: "env", value: 1 }] })
    await sfx.flush()
    assert.deepStrictEqual(server.datapoints().map((point) => point.dimensions), [{ from: "env" }])
  })

  it("builds the realm's URL", () => {
    process.env.SPLUNK_ACCESS_TOKEN = TOKEN
    process.env.SPLUNK_REALM = "eu0"
    const sfx = SignalFx.fromEnv()
    clients.push(sfx)
    assert.strictEqual(sfx.endpoint, "https://ingest.eu0.signalfx.com/")
  })

  it("throws a ConfigurationError without a token", () => {
    const error = thrown(() => SignalFx.fromEnv())
    assert.instanceOf(error, ConfigurationError)
    assert.include(error.message, "SPLUNK_ACCESS_TOKEN")
  })
})
