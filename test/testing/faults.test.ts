import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { api, postJson } from "./support.js"

const server = await FakeSignalFx.start()
afterAll(() => server.close())
beforeEach(() => server.reset())

const batch = { gauge: [{ metric: "m", value: 1 }] }

/** Waits until the server has seen `count` requests. */
const requestsSeen = async (target: FakeSignalFx.Server, count: number): Promise<void> => {
  while (target.requests().length < count) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe("scripted faults", () => {
  it("applies a route's faults to its next requests in order, then serves normally", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(503), FakeSignalFx.respond(500, { body: "boom" })])
    const first = await postJson(server, "/v2/datapoint", batch)
    const second = await postJson(server, "/v2/datapoint", batch)
    const third = await postJson(server, "/v2/datapoint", batch)
    assert.deepStrictEqual([first.status, second.status, third.status], [503, 500, 200])
    assert.strictEqual(await second.text(), "boom")
    assert.strictEqual(server.datapoints().length, 1, "faulted requests record nothing")
    assert.deepStrictEqual(server.requests().map((r) => [r.status, r.fault]), [
      [503, "Respond"],
      [500, "Respond"],
      [200, undefined]
    ])
  })

  it("leaves other routes alone and appends a second script to the first", async () => {
    server.fault("/v2/event", [FakeSignalFx.respond(502)])
    server.fault("/v2/event", [FakeSignalFx.respond(504)])
    assert.strictEqual((await postJson(server, "/v2/datapoint", batch)).status, 200)
    assert.strictEqual((await postJson(server, "/v2/event", [{ eventType: "e" }])).status, 502)
    assert.strictEqual((await postJson(server, "/v2/event", [{ eventType: "e" }])).status, 504)
    assert.strictEqual((await postJson(server, "/v2/event", [{ eventType: "e" }])).status, 200)
  })

  it("answers with Retry-After in seconds, as a date, and any other headers", async () => {
    const date = new Date("2030-01-02T03:04:05Z")
    server.fault("/v2/datapoint", [
      FakeSignalFx.respond(429, { retryAfter: 2, headers: { "Throttle-Type": "burst" } }),
      FakeSignalFx.respond(429, { retryAfter: date })
    ])
    const seconds = await postJson(server, "/v2/datapoint", batch)
    assert.strictEqual(seconds.status, 429)
    assert.strictEqual(seconds.headers.get("retry-after"), "2")
    assert.strictEqual(seconds.headers.get("throttle-type"), "burst")
    const asDate = await postJson(server, "/v2/datapoint", batch)
    assert.strictEqual(asDate.headers.get("retry-after"), "Wed, 02 Jan 2030 03:04:05 GMT")
  })

  it("faults come before the token check", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(503)])
    const response = await fetch(`${server.url}/v2/datapoint`, { method: "POST", body: "{}" })
    assert.strictEqual(response.status, 503)
  })

  it("delays, then serves the request", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.delay(200)])
    const started = performance.now()
    const response = await postJson(server, "/v2/datapoint", batch)
    assert.isAtLeast(performance.now() - started, 190)
    assert.strictEqual(response.status, 200)
    assert.strictEqual(server.datapoints().length, 1)
    assert.strictEqual(server.requests()[0]?.fault, "Delay")
  })

  it("hangs until the client gives up, then serves normally", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.hang])
    const hung = await fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": "t", "Content-Type": "application/json" },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(200)
    }).then(() => "answered", (error: unknown) => error instanceof Error ? error.name : String(error))
    assert.strictEqual(hung, "TimeoutError")
    assert.deepStrictEqual(server.datapoints(), [])
    assert.strictEqual((await postJson(server, "/v2/datapoint", batch)).status, 200)
    assert.deepStrictEqual(server.requests().map((r) => [r.status, r.fault]), [[undefined, "Hang"], [200, undefined]])
  })

  for (const when of ["beforeBody", "afterBody"] as const) {
    it(`resets the connection ${when === "beforeBody" ? "before" : "after"} reading the body`, async () => {
      server.fault("/v2/datapoint", [FakeSignalFx.resetConnection(when)])
      const body = JSON.stringify(batch)
      const outcome = await postJson(server, "/v2/datapoint", batch).then(
        (response) => `status ${response.status}`,
        (error: unknown) => error instanceof TypeError ? "network error" : String(error)
      )
      assert.strictEqual(outcome, "network error")
      assert.deepStrictEqual(server.datapoints(), [])
      const [request] = server.requests()
      assert.strictEqual(request?.fault, "Reset")
      assert.strictEqual(request?.status, undefined)
      assert.strictEqual(request?.bodySize, when === "afterBody" ? body.length : 0)
      assert.strictEqual((await postJson(server, "/v2/datapoint", batch)).status, 200)
    })
  }

  it("redirects", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.redirect("http://127.0.0.1:1/v2/datapoint")])
    const response = await fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": "t", "Content-Type": "application/json" },
      body: JSON.stringify(batch),
      redirect: "manual"
    })
    assert.strictEqual(response.status, 307)
    assert.strictEqual(response.headers.get("location"), "http://127.0.0.1:1/v2/datapoint")
    assert.deepStrictEqual(server.datapoints(), [])
  })

  it("a route covers the paths below it", async () => {
    server.fault("/v2/dimension", [FakeSignalFx.respond(503)])
    assert.strictEqual((await api(server, "GET", "/v2/dimension/host/a")).status, 503)
    assert.strictEqual((await api(server, "GET", "/v2/dimension/host/a")).status, 404)
    assert.strictEqual((await api(server, "GET", "/v2/dimensions")).status, 404, "a sibling is not below it")
  })

  it("reset forgets the scripts", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(503)])
    server.reset()
    assert.strictEqual((await postJson(server, "/v2/datapoint", batch)).status, 200)
  })

  it("rejects a route that is not a path", () => {
    assert.throws(() => server.fault("v2/datapoint", [FakeSignalFx.hang]), TypeError)
  })
})

describe("close", () => {
  it("does not wait for hung or delayed requests, and ends them", async () => {
    const closing = await FakeSignalFx.start()
    closing.fault("/v2/datapoint", [FakeSignalFx.hang, FakeSignalFx.delay(60_000)])
    const hung = postJson(closing, "/v2/datapoint", batch).then(() => "answered", () => "failed")
    const delayed = postJson(closing, "/v2/datapoint", batch).then(() => "answered", () => "failed")
    await requestsSeen(closing, 1)
    // The delayed request is recorded only once served; give it time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = performance.now()
    await closing.close()
    assert.isBelow(performance.now() - started, 1_000)
    assert.deepStrictEqual(await Promise.all([hung, delayed]), ["failed", "failed"])
    await closing.close()
  })
})
