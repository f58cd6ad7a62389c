/**
 * Bodies sent to hurt the local server: a gzip bomb, an endless upload, a body of a million tiny
 * datapoints. Each is refused with a 413 within the server's bounds, and the server serves the
 * next request.
 */
import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import * as http from "node:http"
import * as zlib from "node:zlib"
import { FakeSignalFx } from "../../src/testing/index.js"
import { post } from "./support.js"

const MiB = 1024 * 1024

const server = await FakeSignalFx.start()
afterAll(() => server.close())
beforeEach(() => server.reset())

const json = { "Content-Type": "application/json" }

/** The server still answers: a datapoint sent after the attack is recorded. */
const stillServes = async (): Promise<void> => {
  const response = await post(server, "/v2/datapoint", JSON.stringify({ gauge: [{ metric: "after", value: 1 }] }), json)
  assert.strictEqual(response.status, 200)
  assert.deepStrictEqual(server.datapoints().map((point) => point.metric), ["after"])
}

/** The peak resident memory of this process so far, in bytes. */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024

describe("a gzip bomb", () => {
  // First in the file, so that the peak memory measured is this test's.
  it("of 1 MB inflating to 1 GiB is refused with a 413, and memory stays far below the inflated size", async () => {
    // Sixteen gzip members of 64 MiB of zeros each: gunzip reads them as one body of 1 GiB.
    const member = zlib.gzipSync(Buffer.alloc(64 * MiB))
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member))
    const inflated = 16 * 64 * MiB
    assert.isBelow(bomb.length, 2 * MiB)
    const before = peakRss()
    const response = await post(server, "/v2/datapoint", bomb, { ...json, "Content-Encoding": "gzip" })
    assert.strictEqual(response.status, 413)
    assert.include(await response.text(), "inflates to more than")
    const growth = peakRss() - before
    assert.isBelow(growth, inflated / 4, `the peak memory grew by ${Math.round(growth / MiB)} MiB`)
    await stillServes()
  })
})

describe("an upload that does not end", () => {
  it("is answered 413 once it passes the default bound, while the client is still sending", async () => {
    const chunk = Buffer.alloc(MiB, " ")
    const most = 200
    const url = new URL(`${server.url}/v2/datapoint`)
    const { status, sent } = await new Promise<{ readonly status: number; readonly sent: number }>(
      (resolve, reject) => {
        let sent = 0
        let answered = false
        // Chunked, with no length announced: the server must count what arrives.
        const request = http.request(url, { method: "POST", headers: { ...json, "X-SF-Token": "test-token" } })
        request.on("response", (response) => {
          answered = true
          response.resume()
          resolve({ status: response.statusCode ?? 0, sent })
          request.destroy()
        })
        request.on("error", (error) => {
          if (!answered) reject(error)
        })
        const write = () => {
          if (answered) return
          if (sent === most) {
            request.end()
            return
          }
          sent++
          request.write(chunk, write)
        }
        write()
      }
    )
    assert.strictEqual(status, 413)
    assert.isBelow(sent, most, `the answer came only after all ${sent} MiB were sent`)
    await stillServes()
  })
})

/** `count` datapoints as small as protobuf writes them: field 1 holding a metric "a" and an int value 1. */
const tinyProtobufDatapoints = (count: number): Buffer => {
  const one = Buffer.from([0x0a, 0x07, 0x12, 0x01, 0x61, 0x22, 0x02, 0x18, 0x01])
  return Buffer.concat(Array.from({ length: count }, () => one))
}

describe("a body of more datapoints or events than a request may carry", () => {
  it("is refused with a 413 before it is decoded, in JSON and in protobuf; as many are accepted", async () => {
    const points = `{"gauge":[${Array.from({ length: 100_001 }, () => "{\"metric\":\"a\",\"value\":1}").join(",")}]}`
    const fromJson = await post(server, "/v2/datapoint", points, json)
    assert.strictEqual(fromJson.status, 413)
    assert.include(await fromJson.text(), "more than the 100000 datapoints a request may carry")
    const fromProtobuf = await post(server, "/v2/datapoint", tinyProtobufDatapoints(100_001), {
      "Content-Type": "application/x-protobuf"
    })
    assert.strictEqual(fromProtobuf.status, 413)
    const events = `[${Array.from({ length: 100_001 }, () => "{\"eventType\":\"e\"}").join(",")}]`
    const fromEvents = await post(server, "/v2/event", events, json)
    assert.strictEqual(fromEvents.status, 413)
    assert.include(await fromEvents.text(), "more than the 100000 events a request may carry")
    assert.strictEqual(server.datapoints().length, 0)
    assert.strictEqual(server.events().length, 0)
    await stillServes()
    // The count is exact: a body of as many as a request may carry is accepted.
    const atTheLimit = await post(server, "/v2/datapoint", tinyProtobufDatapoints(100_000), {
      "Content-Type": "application/x-protobuf"
    })
    assert.strictEqual(atTheLimit.status, 200)
    assert.strictEqual(server.datapoints().length, 100_001)
  })
})
