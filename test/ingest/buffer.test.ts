/**
 * The queue of encoded sends: consecutive small sends become one segment (so the queue holds one
 * object per batch rather than per send), and every cut between datapoints, a batch's boundary or
 * a drop, keeps each datapoint exactly once and in order.
 */
import { describe, expect, it } from "@effect/vitest"
import { countItems, SegmentBuffer } from "../../src/core/ingest/buffer.js"
import type { EncodedDatapoints } from "../../src/core/wire/protobuf.js"
import { DatapointEncoder, joinDatapoints } from "../../src/core/wire/protobuf.js"
import { decodeDatapoints } from "../../src/core/wire/protobufDecode.js"
import type * as Datapoint from "../../src/Datapoint.js"
import { decodedValue } from "../wire/decoded.js"

const globals: Datapoint.Dimensions = { env: "test" }

const queue = () => new SegmentBuffer<EncodedDatapoints>(1_000, (last, next) => last.absorb(next))

/** Sends `metric.from` … `metric.(from + count - 1)`, one datapoint each. */
const sendEach = (
  buffer: SegmentBuffer<EncodedDatapoints>,
  encoder: DatapointEncoder,
  from: number,
  count: number,
  sendGlobals = globals
) => {
  for (let i = from; i < from + count; i++) {
    const encoded = encoder.encodeValid({ gauges: [{ metric: `metric.${i}`, value: i }] }, sendGlobals)
    if (encoded === undefined) throw new Error("a valid send was refused")
    buffer.offer(encoded, sendGlobals, () => 0)
  }
}

const metricsOf = (segments: ReadonlyArray<{ readonly items: EncodedDatapoints }>) =>
  decodedValue(decodeDatapoints(joinDatapoints(segments))).map(({ metric }) => metric)

const range = (from: number, count: number) => Array.from({ length: count }, (_, k) => `metric.${from + k}`)

describe("the queue of encoded sends", () => {
  it("holds consecutive sends as one segment, and a batch takes them whole", () => {
    const buffer = queue()
    const encoder = new DatapointEncoder()
    sendEach(buffer, encoder, 0, 300)
    expect(buffer.size).toBe(300)
    const batch = buffer.take(1_000)
    expect(batch).toHaveLength(1)
    expect(countItems(batch)).toBe(300)
    expect(metricsOf(batch)).toEqual(range(0, 300))
  })

  it("cuts a batch's boundary between datapoints, and the rest goes on absorbing later sends", () => {
    const buffer = queue()
    const encoder = new DatapointEncoder()
    sendEach(buffer, encoder, 0, 250)
    const first = buffer.take(100)
    sendEach(buffer, encoder, 250, 50)
    const second = buffer.take(1_000)
    expect(metricsOf(first)).toEqual(range(0, 100))
    expect(second).toHaveLength(1)
    expect(metricsOf(second)).toEqual(range(100, 200))
    expect(buffer.size).toBe(0)
  })

  it("starts a new segment after a take, for new global dimensions, and in a new buffer", () => {
    const buffer = queue()
    const encoder = new DatapointEncoder()
    sendEach(buffer, encoder, 0, 10)
    const taken = buffer.take(1_000)
    sendEach(buffer, encoder, 10, 10)
    // The segment taken is not grown by later sends: its batch is in flight.
    expect(countItems(taken)).toBe(10)
    sendEach(buffer, encoder, 20, 10, { env: "other" })
    // Some 40 bytes each: 3,000 sends fill more than one 64 KiB buffer.
    sendEach(buffer, encoder, 30, 3_000, { env: "other" })
    const rest = buffer.take(10_000)
    expect(rest.length).toBeGreaterThanOrEqual(3)
    expect(rest.map(({ globals }) => globals.env).slice(0, 2)).toEqual(["test", "other"])
    expect(metricsOf(rest)).toEqual(range(10, 3_020))
  })

  it("drops the oldest between datapoints and keeps the rest in order", () => {
    const buffer = queue()
    const encoder = new DatapointEncoder()
    sendEach(buffer, encoder, 0, 100)
    expect(buffer.dropOldest(30)).toBe(30)
    sendEach(buffer, encoder, 100, 5)
    expect(metricsOf(buffer.take(1_000))).toEqual(range(30, 75))
  })
})
