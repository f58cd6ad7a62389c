import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { decodeFrame, tsIdAt } from "../../src/core/signalflow/binary.js"
import { dataFrame, header, id, jsonFrame, tsIdString } from "./frames.js"

const bytes = (values: ReadonlyArray<number>) => Uint8Array.from(values)

describe("binary frames", () => {
  it("decodes the signalflow-client-js version 1 float frame", () => {
    // The bytes of the JavaScript client's own test.
    const frame = bytes([
      1,
      5,
      0,
      0,
      82,
      48,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      84,
      155,
      225,
      145,
      160,
      0,
      0,
      0,
      1,
      2,
      0,
      0,
      0,
      0,
      228,
      4,
      148,
      99,
      64,
      35,
      169,
      164,
      8,
      60,
      223,
      182
    ])
    expect(decodeFrame(frame)).toEqual({
      _tag: "Data",
      channel: "R0",
      message: {
        type: "data",
        logicalTimestampMs: 1462904132000,
        data: [{ tsId: "AAAAAOQElGM", value: 9.831329591208355 }]
      }
    })
  })

  it("decodes the Java and JavaScript clients' version 2 frames (16-bit version), longs beyond 2^53 as bigint", () => {
    const negative = bytes([
      2,
      0,
      5,
      0,
      82,
      48,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      84,
      185,
      237,
      208,
      120,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      0,
      0,
      0,
      0,
      220,
      123,
      36,
      27,
      255,
      221,
      210,
      169,
      53,
      66,
      191,
      255
    ])
    const positive = bytes([
      2,
      0,
      5,
      0,
      82,
      48,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      84,
      186,
      1,
      162,
      176,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      0,
      0,
      0,
      0,
      220,
      123,
      36,
      27,
      13,
      89,
      181,
      231,
      49,
      237,
      0,
      1
    ])
    const decodedNegative = decodeFrame(negative)
    const decodedPositive = decodeFrame(positive)
    expect(decodedNegative._tag === "Data" && decodedNegative.message).toMatchObject({
      maxDelayMs: 0,
      data: [{ tsId: "AAAAANx7JBs", value: -9620000000000001n }]
    })
    expect(decodedPositive._tag === "Data" && decodedPositive.message.data[0]!.value).toBe(962000000000000001n)
  })

  it("spells time series ids as the official clients do", () => {
    expect(tsIdAt(bytes([0, 0, 0, 0, 228, 4, 148, 99]), 0)).toBe("AAAAAOQElGM")
    expect(tsIdAt(bytes([0, 0, 0, 0, 228, 4, 248, 99]), 0)).toBe("AAAAAOQE-GM")
    fc.assert(fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (id) => {
      const spelled = tsIdAt(id, 0)
      expect(spelled).toBe(Buffer.from(id).toString("base64url"))
      expect(spelled).toHaveLength(11)
    }))
  })

  for (const version of [1, 2, 3] as const) {
    for (const gzip of [false, true]) {
      for (const layout of version === 1 ? (["narrow"] as const) : (["narrow", "wide"] as const)) {
        it(`decodes version ${version}, ${layout} header, ${gzip ? "gzip" : "plain"}: every value type`, () => {
          const frame = dataFrame({
            version,
            header: layout,
            gzip,
            channel: "channel-abcdefgh",
            timestamp: 1_700_000_060_000,
            maxDelay: 2_000,
            points: [
              { tsId: id(1), valueType: 2, value: -0.25 },
              { tsId: id(2), valueType: 1, value: -42 },
              { tsId: id(3), valueType: 3, value: 7 },
              { tsId: id(4), valueType: 0 },
              { tsId: 0xffffffffffffffffn, valueType: 1, value: 2n ** 63n - 1n }
            ]
          })
          const decoded = decodeFrame(frame)
          expect(decoded).toEqual({
            _tag: "Data",
            channel: "channel-abcdefgh",
            message: {
              type: "data",
              logicalTimestampMs: 1_700_000_060_000,
              ...(version === 1 ? {} : { maxDelayMs: 2_000 }),
              data: [
                { tsId: tsIdString(id(1)), value: -0.25 },
                { tsId: tsIdString(id(2)), value: -42 },
                { tsId: tsIdString(id(3)), value: 7 },
                { tsId: tsIdString(id(4)), value: null },
                { tsId: "__________8", value: 2n ** 63n - 1n }
              ]
            }
          })
        })
      }
    }
  }

  it("decodes JSON bodies of binary frames, gzipped or not, with the header's type and channel", () => {
    for (const gzip of [false, true]) {
      const decoded = decodeFrame(jsonFrame(4, "ch-7", { tsId: "AAAAAAAAAAE", properties: { host: "a" } }, { gzip }))
      expect(decoded).toEqual({
        _tag: "Json",
        channel: "ch-7",
        value: { type: "metadata", channel: "ch-7", tsId: "AAAAAAAAAAE", properties: { host: "a" } }
      })
    }
  })

  it("reports what it cannot read, never throws", () => {
    const cases: Array<[Uint8Array, string]> = [
      [bytes([1, 5, 0]), "shorter than its header"],
      [header(4, 5, 0, "c"), "unsupported binary message version 4"],
      [header(1, 42, 0, "c"), "unknown binary message type 42"],
      [header(1, 4, 0, "c"), "a binary metadata message has no binary encoding"],
      [Buffer.concat([header(1, 5, 1, "c"), Buffer.from("not gzip")]), "does not decompress"],
      [Buffer.concat([header(1, 5, 2, "c"), Buffer.from("{")]), "does not parse"],
      [
        dataFrame({ channel: "c", timestamp: 1, points: [{ tsId: id(1), valueType: 2, value: 1 }] }).subarray(0, 40),
        "cannot hold the 1 values"
      ],
      [Buffer.concat([header(2, 5, 0, "c"), Buffer.alloc(10)]), "shorter than its header"]
    ]
    for (const [frame, problem] of cases) {
      const decoded = decodeFrame(frame)
      expect(decoded._tag).toBe("Invalid")
      expect(decoded._tag === "Invalid" && decoded.problem).toContain(problem)
    }
    const badType = dataFrame({ channel: "c", timestamp: 1, points: [{ tsId: id(1), valueType: 2, value: 1 }] })
    badType[32] = 9
    expect(decodeFrame(badType)).toMatchObject({
      _tag: "Invalid",
      problem: expect.stringContaining("unknown value type 9")
    })
  })
})
