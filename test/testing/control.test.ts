import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { post, postJson } from "./support.js"

const refusals: Array<[number | undefined, string]> = []
const server = await FakeSignalFx.start({
  tokens: ["test-token"],
  onRefused: (request, reason) => refusals.push([request.status, reason])
})
afterAll(() => server.close())
beforeEach(() => {
  server.reset()
  refusals.length = 0
})

/** A control request, as a shell script would make it: no token. */
const control = (method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${server.url}/_fake${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })

const json = async (path: string): Promise<unknown> => {
  const response = await control("GET", path)
  assert.strictEqual(response.status, 200)
  assert.strictEqual(response.headers.get("content-type"), "application/json")
  return response.json()
}

describe("the control endpoints (/_fake/…)", () => {
  it("give the recorded datapoints, events and requests in the JavaScript API's shapes", async () => {
    await postJson(server, "/v2/datapoint", {
      gauge: [{ metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: 1_700_000_000_000 }],
      counter: [{ metric: "calls", value: 3 }]
    })
    await postJson(server, "/v2/event", [{ eventType: "deploy", properties: { version: "1.2", canary: true } }])
    await post(server, "/v2/datapoint", "{}", { "Content-Type": "application/json", "X-SF-Token": "wrong" })

    assert.deepStrictEqual(await json("/datapoints"), server.datapoints())
    assert.deepStrictEqual(await json("/events"), server.events())
    const requests = server.requests()
    assert.deepStrictEqual(requests.map((request) => request.status), [200, 200, 401], "control calls are not recorded")
    // `undefined` in JavaScript is `null` in JSON.
    assert.deepStrictEqual(
      await json("/requests"),
      requests.map((request) => ({ ...request, encoding: null, fault: null }))
    )
  })

  it("write an int64 beyond 2^53 exactly", async () => {
    await post(server, "/v2/datapoint", "{\"cumulative_counter\":[{\"metric\":\"big\",\"value\":9007199254740993}]}", {
      "Content-Type": "application/json"
    })
    assert.strictEqual(server.datapoints()[0]?.value, 9007199254740993n)
    const text = await (await control("GET", "/datapoints")).text()
    assert.include(text, "\"value\":9007199254740993,")
  })

  it("reset what was recorded", async () => {
    await postJson(server, "/v2/datapoint", { gauge: [{ metric: "cpu", value: 1 }] })
    const response = await control("POST", "/reset")
    assert.strictEqual(response.status, 204)
    assert.deepStrictEqual(await json("/datapoints"), [])
    assert.deepStrictEqual(server.requests(), [])
  })

  it("script faults, which never apply to the control endpoints themselves", async () => {
    const scripted = await control("POST", "/faults", {
      route: "/",
      faults: [
        { _tag: "Respond", status: 429, retryAfter: 2, headers: { "Throttle-Type": "burst" } },
        { _tag: "Redirect", location: "http://127.0.0.1:1/v2/datapoint" }
      ]
    })
    assert.strictEqual(scripted.status, 204)
    assert.strictEqual((await control("GET", "/datapoints")).status, 200)

    const throttled = await postJson(server, "/v2/datapoint", { gauge: [{ metric: "cpu", value: 1 }] })
    assert.strictEqual(throttled.status, 429)
    assert.strictEqual(throttled.headers.get("retry-after"), "2")
    assert.strictEqual(throttled.headers.get("throttle-type"), "burst")
    const redirected = await fetch(`${server.url}/v2/event`, { method: "POST", redirect: "manual" })
    assert.strictEqual(redirected.status, 307)
    assert.strictEqual((await postJson(server, "/v2/datapoint", { gauge: [{ metric: "cpu", value: 1 }] })).status, 200)
    assert.deepStrictEqual(server.requests().map((request) => request.fault), ["Respond", "Redirect", undefined])
  })

  it("raise an incident on a detector, cleared through the API; an unknown detector is a 404", async () => {
    const headers = { "X-SF-Token": "test-token", "Content-Type": "application/json" }
    const created = await fetch(`${server.url}/v2/detector`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        name: "cpu",
        programText: "detect(when(data('cpu') > 90)).publish('cpu high')",
        rules: [{ detectLabel: "cpu high", severity: "Critical" }]
      })
    })
    assert.strictEqual(created.status, 200)
    const { id: detectorId } = (await created.json()) as { id: string }
    const raised = await control("POST", "/incidents", { detectorId })
    assert.strictEqual(raised.status, 200)
    const { id } = (await raised.json()) as { id: string }
    const incidents = await fetch(`${server.url}/v2/detector/${detectorId}/incidents`, { headers })
    assert.deepStrictEqual(((await incidents.json()) as Array<{ incidentId: string }>).map((i) => i.incidentId), [id])
    assert.strictEqual((await fetch(`${server.url}/v2/incident/${id}/clear`, { method: "PUT", headers })).status, 204)

    const unknown = await control("POST", "/incidents", { detectorId: "nope" })
    assert.strictEqual(unknown.status, 404)
    assert.include(((await unknown.json()) as { message: string }).message, "nope")
    assert.strictEqual((await control("POST", "/incidents", { detector: "x" })).status, 400)
  })

  it("take an HTTP date for Retry-After", async () => {
    const date = new Date("2030-01-02T03:04:05Z")
    await control("POST", "/faults", {
      route: "/v2/event",
      faults: [{ _tag: "Respond", status: 503, retryAfter: date.toUTCString() }]
    })
    const response = await postJson(server, "/v2/event", [{ eventType: "e" }])
    assert.strictEqual(response.status, 503)
    assert.strictEqual(response.headers.get("retry-after"), date.toUTCString())
  })

  it("answer a mistake with a status and a message that names it", async () => {
    const unknownTag = await control("POST", "/faults", { route: "/v2/datapoint", faults: [{ _tag: "Explode" }] })
    assert.strictEqual(unknownTag.status, 400)
    assert.include(((await unknownTag.json()) as { message: string }).message, "faults.0._tag")

    const relative = await control("POST", "/faults", { route: "v2/datapoint", faults: [] })
    assert.strictEqual(relative.status, 400)
    assert.include(((await relative.json()) as { message: string }).message, "route")

    assert.strictEqual((await control("POST", "/faults", "not json")).status, 400)
    assert.strictEqual((await control("POST", "/datapoints")).status, 405)
    assert.strictEqual((await control("GET", "/reset")).status, 405)
    const unknown = await control("GET", "/nothing")
    assert.strictEqual(unknown.status, 404)
    assert.include(((await unknown.json()) as { message: string }).message, "/_fake/datapoints")
    // Nothing was scripted by the mistakes.
    assert.strictEqual((await postJson(server, "/v2/datapoint", { gauge: [{ metric: "m", value: 1 }] })).status, 200)
  })
})

describe("onRefused", () => {
  it("is told of every refused or faulted request, with the reason, and of nothing else", async () => {
    server.fault("/v2/event", [FakeSignalFx.hang, FakeSignalFx.respond(503)])
    await post(server, "/v2/datapoint", "{}", { "Content-Type": "application/json", "X-SF-Token": "wrong" })
    await post(server, "/v2/datapoint", "{", { "Content-Type": "application/json" })
    await postJson(server, "/v2/datapoint", { gauge: [{ metric: "m", value: 1 }] })
    // The hung request is given up once the server has it, however long that takes.
    const giveUp = new AbortController()
    const hung = fetch(`${server.url}/v2/event`, { method: "POST", signal: giveUp.signal }).catch(() => undefined)
    while (server.requests().length < 4) await new Promise((resolve) => setTimeout(resolve, 5))
    giveUp.abort()
    await hung
    await postJson(server, "/v2/event", [{ eventType: "e" }])
    assert.deepStrictEqual(refusals.map(([status]) => status), [401, 400, undefined, 503])
    assert.strictEqual(refusals[0]?.[1], "invalid X-SF-Token")
    assert.match(refusals[1]?.[1] ?? "", /JSON/)
    assert.strictEqual(refusals[2]?.[1], "scripted fault: Hang")
    assert.strictEqual(refusals[3]?.[1], "scripted fault: Respond")
  })
})
