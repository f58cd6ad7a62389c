/**
 * A user hears within seconds when nothing gets through, once per incident; `stats()` carries
 * the last error; `bytesSent` counts only what surely left; `flush` can be bounded.
 */
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import * as net from "node:net"
import { SignalFx, type SignalFxOptions, ValidationError } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"

let server: FakeSignalFx.Server
const clients: Array<SignalFx> = []
beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())
afterEach(async () => {
  server.reset()
  await Promise.all(clients.splice(0).map((client) => client.stop()))
})

/** A port nothing listens on: connections to it are refused. */
const refusingUrl = (): Promise<string> =>
  new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(`http://127.0.0.1:${port}`))
    })
  })

const until = async (check: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 20_000
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resume) => setTimeout(resume, 20))
  }
}

const client = (endpoint: string, warnings: Array<string>, options: SignalFxOptions = {}) => {
  const sfx = new SignalFx("test-token", {
    ingestEndpoint: endpoint,
    retry: { initialDelay: 20, maxDelay: 40, maxElapsed: 60_000 },
    shutdownTimeout: 200,
    logger: { warn: (line) => warnings.push(line), error: (line) => warnings.push(line) },
    ...options
  })
  clients.push(sfx)
  return sfx
}

describe("when nothing gets through", () => {
  it("warns at the first failure with the cause, once, and stats() carries it; no bytes count as sent", async () => {
    const warnings: Array<string> = []
    const sfx = client(await refusingUrl(), warnings)
    const before = Date.now()
    await sfx.send({ gauges: [{ metric: "refused", value: 1 }] })
    await until(() => warnings.length > 0, "the first warning")
    await until(() => sfx.stats().datapoints.retries >= 5, "five retries")
    assert.strictEqual(warnings.length, 1, warnings.join("\n"))
    assert.include(warnings[0], "Cannot deliver datapoints to 127.0.0.1")
    assert.include(warnings[0], "ECONNREFUSED")
    const { bytesSent, lastError, requests } = sfx.stats().datapoints
    assert.isAtLeast(requests, 6)
    assert.strictEqual(bytesSent, 0)
    assert.isDefined(lastError)
    assert.include(lastError!.message, "ECONNREFUSED")
    assert.instanceOf(lastError!.at, Date)
    assert.isAtLeast(lastError!.at.getTime(), before)
    assert.strictEqual(sfx.stats().events.lastError, undefined)
  })

  it("says once more when delivery recovers, and then only for a new incident", async () => {
    const warnings: Array<string> = []
    const sfx = client(server.url, warnings)
    server.fault("/v2/datapoint", [FakeSignalFx.respond(503, { body: "busy" }), FakeSignalFx.respond(503)])
    await sfx.send({ gauges: [{ metric: "recovers", value: 1 }] })
    await sfx.flush()
    assert.strictEqual(warnings.length, 2, warnings.join("\n"))
    assert.include(warnings[0], "Cannot deliver datapoints")
    assert.include(warnings[0], "HTTP 503: busy")
    assert.include(warnings[1], "recovered after 2 failed attempts")
    const { bytesSent, delivered, lastError, requests } = sfx.stats().datapoints
    assert.strictEqual(delivered, 1)
    // Answered, so sent: all three requests, each the same body.
    assert.strictEqual(requests, 3)
    assert.strictEqual(bytesSent % 3, 0)
    assert.isAbove(bytesSent, 0)
    assert.include(lastError!.message, "HTTP 503")
    await sfx.send({ gauges: [{ metric: "healthy", value: 2 }] })
    await sfx.flush()
    assert.strictEqual(warnings.length, 2)
  })
})

describe("flush({ timeout })", () => {
  it("resolves false at the timeout when the server is unreachable, true once all is settled", async () => {
    const warnings: Array<string> = []
    const sfx = client(await refusingUrl(), warnings)
    await sfx.send({ gauges: [{ metric: "unreachable", value: 1 }] })
    assert.isFalse(await sfx.flush({ timeout: 100 }))
    assert.strictEqual(sfx.stats().datapoints.pending, 1)
    const healthy = client(server.url, warnings)
    await healthy.send({ gauges: [{ metric: "reachable", value: 1 }] })
    assert.isTrue(await healthy.flush({ timeout: "10 seconds" }))
    assert.isTrue(await healthy.flush())
  })

  it("rejects a timeout that is not a duration with a ValidationError naming it", async () => {
    const sfx = client(server.url, [])
    for (const timeout of [-1, Number.NaN, Infinity, "soon"]) {
      const error = await sfx.flush({ timeout: timeout as number }).then(() => undefined, (error: unknown) => error)
      assert.instanceOf(error, ValidationError, String(timeout))
      assert.strictEqual(error.issues[0]!.path, "timeout")
    }
  })
})
