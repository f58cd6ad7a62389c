import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import * as protobuf from "../../src/core/wire/protobuf.js"
import type * as Datapoint from "../../src/Datapoint.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { post, postJson } from "./support.js"

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "interop")

const server = await FakeSignalFx.start()
afterAll(() => server.close())
beforeEach(() => server.reset())

const sortKeys = (record: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)))

/** A recorded value in the canonical shape of the fixtures' README. */
const canonicalValue = (
  value: string | number | bigint | boolean,
  valueType: "int" | "double" | "string" | "bool",
  json: boolean
): Record<string, unknown> => ({ [json ? "json" : valueType === "string" ? "str" : valueType]: value })

const canonicalDatapoint = (point: FakeSignalFx.RecordedDatapoint, json: boolean) => ({
  kind: point.type,
  metric: point.metric,
  value: canonicalValue(point.value, point.valueType, json),
  timestamp: point.timestamp ?? null,
  dimensions: sortKeys(point.dimensions)
})

const canonicalEvent = (event: FakeSignalFx.RecordedEvent, json: boolean) => ({
  eventType: event.eventType,
  category: event.category,
  timestamp: event.timestamp ?? null,
  dimensions: sortKeys(event.dimensions),
  properties: Object.fromEntries(
    Object.entries(event.properties).map((
      [key, value]
    ) => [key, canonicalValue(value, event.propertyTypes[key]!, json)])
  )
})

const readExpected = (file: string): Array<Record<string, unknown>> =>
  readFileSync(path.join(fixtures, `${file}.expected.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line))

const vectors = readdirSync(fixtures).filter((file) => file.endsWith(".pb") || file.endsWith(".body.json"))

describe("interop vectors from the official Node.js client", () => {
  it("has vectors to check", () => {
    assert.isAtLeast(vectors.length, 10)
  })

  for (const file of vectors) {
    const json = file.endsWith(".json")
    for (const gzip of [false, true]) {
      it(`${file}${gzip ? " (gzip)" : ""} decodes to its expected records`, async () => {
        const raw = readFileSync(path.join(fixtures, file))
        const route = file.startsWith("dp-") ? "/v2/datapoint" : "/v2/event"
        const response = await post(server, route, gzip ? zlib.gzipSync(raw) : raw, {
          "Content-Type": json ? "application/json" : "application/x-protobuf",
          ...(gzip ? { "Content-Encoding": "gzip" } : {})
        })
        assert.strictEqual(response.status, 200)
        assert.strictEqual(await response.text(), "\"OK\"")
        const expected = readExpected(file)
        if (route === "/v2/datapoint") {
          for (const record of expected) {
            // `dimension_count` guards the fixture itself: no duplicate keys were folded.
            if ("dimension_count" in record) {
              assert.strictEqual(record.dimension_count, Object.keys(record.dimensions as object).length)
              delete record.dimension_count
            }
          }
          assert.deepStrictEqual(server.datapoints().map((point) => canonicalDatapoint(point, json)), expected)
          assert.deepStrictEqual(server.events(), [])
        } else {
          assert.deepStrictEqual(server.events().map((event) => canonicalEvent(event, json)), expected)
          assert.deepStrictEqual(server.datapoints(), [])
        }
        const [request] = server.requests()
        assert.strictEqual(request?.bodySize, gzip ? zlib.gzipSync(raw).length : raw.length)
        assert.strictEqual(request?.encoding, gzip ? "gzip" : undefined)
      })
    }
  }
})

describe("recorded records", () => {
  it("keeps an int64 beyond 2^53 exact as a bigint, from protobuf and from JSON", async () => {
    const big = 2n ** 62n + 1n
    const points: ReadonlyArray<Datapoint.Validated> = [
      { type: "cumulative_counter", metric: "bytes", value: big, timestamp: undefined, dimensions: {} }
    ]
    const pb = await post(server, "/v2/datapoint", protobuf.encodeDatapoints(points), {
      "Content-Type": "application/x-protobuf"
    })
    assert.strictEqual(pb.status, 200)
    const json = await post(server, "/v2/datapoint", `{"counter":[{"metric":"bytes","value":${big}}]}`, {
      "Content-Type": "application/json; charset=utf-8"
    })
    assert.strictEqual(json.status, 200)
    assert.deepStrictEqual(server.datapoints(), [
      { metric: "bytes", type: "cumulative_counter", value: big, valueType: "int", dimensions: {} },
      { metric: "bytes", type: "counter", value: big, valueType: "int", dimensions: {} }
    ])
  })

  it("records an event with the default category, plain property values and their wire types", async () => {
    const response = await postJson(server, "/v2/event", [
      {
        eventType: "deploy",
        dimensions: { host: "a" },
        properties: { version: "1.2", replicas: 3, ratio: 0.5, canary: true }
      }
    ])
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(server.events(), [{
      eventType: "deploy",
      category: "USER_DEFINED",
      dimensions: { host: "a" },
      properties: { version: "1.2", replicas: 3, ratio: 0.5, canary: true },
      propertyTypes: { version: "string", replicas: "int", ratio: "double", canary: "bool" }
    }])
  })

  it("treats the Go client's timestamp 0 as no timestamp", async () => {
    await postJson(server, "/v2/datapoint", { gauge: [{ metric: "m", value: 1, timestamp: 0 }] })
    assert.deepStrictEqual(server.datapoints(), [{
      metric: "m",
      type: "gauge",
      value: 1,
      valueType: "int",
      dimensions: {}
    }])
  })

  it("records every request with the token redacted, and reset forgets them", async () => {
    await post(server, "/v2/datapoint", "{}", { "Content-Type": "application/json", "X-SF-Token": "s3cret-token" })
    const [request] = server.requests()
    assert.strictEqual(request?.method, "POST")
    assert.strictEqual(request?.path, "/v2/datapoint")
    assert.strictEqual(request?.status, 200)
    assert.strictEqual(request?.bodySize, 2)
    assert.strictEqual(request?.headers["x-sf-token"], FakeSignalFx.redacted)
    assert.notInclude(JSON.stringify(server.requests()), "s3cret-token")
    server.reset()
    assert.deepStrictEqual(server.requests(), [])
  })

  it("hands each accepted batch to onBatch", async () => {
    const batches: Array<FakeSignalFx.Batch> = []
    const watched = await FakeSignalFx.start({ onBatch: (batch) => batches.push(batch) })
    try {
      await postJson(watched, "/v2/datapoint", { gauge: [{ metric: "a", value: 1 }, { metric: "b", value: 2 }] })
      await postJson(watched, "/v2/event", [{ eventType: "e" }])
      await postJson(watched, "/v2/event", "not an array")
      assert.deepStrictEqual(batches.map((batch) => batch._tag), ["Datapoints", "Events"])
      assert.deepStrictEqual(batches[0]?._tag === "Datapoints" && batches[0].datapoints.map((p) => p.metric), [
        "a",
        "b"
      ])
    } finally {
      await watched.close()
    }
  })
})

describe("bad input", () => {
  const good = JSON.stringify({ gauge: [{ metric: "kept", value: 1 }] })

  /** Posts `good`, then the bad request, and checks that only `good` is recorded. */
  const rejects = async (
    status: number,
    route: string,
    body: string | Uint8Array,
    headers: Record<string, string>
  ): Promise<unknown> => {
    assert.strictEqual((await post(server, "/v2/datapoint", good, { "Content-Type": "application/json" })).status, 200)
    const response = await post(server, route, body, headers)
    assert.strictEqual(response.status, status)
    const error: unknown = await response.json()
    assert.propertyVal(error, "code", status)
    assert.property(error, "message")
    assert.deepStrictEqual(server.datapoints().map((point) => point.metric), ["kept"])
    assert.deepStrictEqual(server.events(), [])
    assert.strictEqual(server.requests()[1]?.status, status)
    return error
  }

  it("answers 400 to a protobuf body that does not decode", async () => {
    await rejects(400, "/v2/datapoint", new Uint8Array([0x0a, 0xff, 0xff, 0x01]), {
      "Content-Type": "application/x-protobuf"
    })
  })

  it("answers 400 to an event without its required eventType", async () => {
    // EventUploadMessage { events: [ Event { category: ALERT } ] }: field 1 of Event is missing.
    await rejects(400, "/v2/event", new Uint8Array([0x0a, 0x04, 0x20, 0xa0, 0x8d, 0x06]), {
      "Content-Type": "application/x-protobuf"
    })
  })

  it("answers 400 to bad JSON and to JSON of the wrong shape", async () => {
    await rejects(400, "/v2/datapoint", "{\"gauge\": [", { "Content-Type": "application/json" })
    server.reset()
    await rejects(400, "/v2/datapoint", "{\"gauges\": []}", { "Content-Type": "application/json" })
    server.reset()
    await rejects(400, "/v2/event", "[{\"eventType\": \"x\", \"category\": \"NOPE\"}]", {
      "Content-Type": "application/json"
    })
  })

  it("answers 400 to a body that is not gzip though it says so", async () => {
    await rejects(400, "/v2/datapoint", good, { "Content-Type": "application/json", "Content-Encoding": "gzip" })
  })

  it("answers 415 to an unsupported Content-Type or Content-Encoding", async () => {
    await rejects(415, "/v2/datapoint", good, { "Content-Type": "text/plain" })
    server.reset()
    await rejects(415, "/v2/datapoint", zlib.deflateSync(good), {
      "Content-Type": "application/json",
      "Content-Encoding": "deflate"
    })
  })

  it("answers 401 to a missing token", async () => {
    const error = await rejects(401, "/v2/datapoint", good, { "Content-Type": "application/json", "X-SF-Token": "" })
    assert.propertyVal(error, "message", "missing X-SF-Token")
  })

  it("answers 401 to a token not in the server's list, and never records the token", async () => {
    const strict = await FakeSignalFx.start({ tokens: ["right"] })
    try {
      const wrong = await post(strict, "/v2/datapoint", good, {
        "Content-Type": "application/json",
        "X-SF-Token": "wrong"
      })
      assert.strictEqual(wrong.status, 401)
      assert.deepStrictEqual(strict.datapoints(), [])
      const right = await post(strict, "/v2/datapoint", good, {
        "Content-Type": "application/json",
        "X-SF-Token": "right"
      })
      assert.strictEqual(right.status, 200)
      assert.strictEqual(strict.datapoints().length, 1)
      const recorded = JSON.stringify(strict.requests())
      assert.notInclude(recorded, "wrong")
      assert.notInclude(recorded, "right")
    } finally {
      await strict.close()
    }
  })

  it("answers 405 to a GET on an ingest route and 404 to an unknown path", async () => {
    const get = await fetch(`${server.url}/v2/datapoint`, { headers: { "X-SF-Token": "t" } })
    assert.strictEqual(get.status, 405)
    const unknown = await fetch(`${server.url}/v1/datapoint`, { headers: { "X-SF-Token": "t" } })
    assert.strictEqual(unknown.status, 404)
    assert.deepStrictEqual(await unknown.json(), { code: 404, message: "no such endpoint" })
  })
})

describe("a throwing onBatch", () => {
  it("answers 500 with the listener's message and records the request", async () => {
    const failing = await FakeSignalFx.start({
      onBatch: () => {
        throw new Error("listener broke")
      }
    })
    try {
      const response = await postJson(failing, "/v2/event", [{ eventType: "e" }])
      assert.strictEqual(response.status, 500)
      assert.include(await response.text(), "listener broke")
      assert.deepStrictEqual(failing.requests().map((request) => request.status), [500])
    } finally {
      await failing.close()
    }
  })
})
