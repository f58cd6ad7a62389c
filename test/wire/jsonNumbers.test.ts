/**
 * JSON carries large numbers exactly, as protobuf does: an integral number within int64 is
 * written as its exact integer, any other number as a double; and the local server records a
 * JSON literal as an int only when it is an integer literal within int64.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as json from "../../src/core/wire/json.js"
import * as DatapointModule from "../../src/Datapoint.js"
import * as EventModule from "../../src/Event.js"
import { decodedError, decodedValue } from "./decoded.js"

const body = (value: number) =>
  json.encodeDatapoints(Either.getOrThrow(DatapointModule.validate({ gauges: [{ metric: "m", value }] })))

const decoded = (text: string) => {
  const [point] = decodedValue(json.decodeDatapoints(text))
  return { valueType: point!.valueType, value: point!.value }
}

describe("the JSON encoder", () => {
  it.each([
    [-(2 ** 63), "-9223372036854775808"],
    [2 ** 60, "1152921504606846976"],
    [2 ** 53 + 2, "9007199254740994"],
    [2 ** 63, "9.223372036854776e+18"],
    [1e21, "1e+21"],
    [-1.5e300, "-1.5e+300"],
    [42, "42"],
    [0.5, "0.5"]
  ])("writes %s as %s", (value, literal) => {
    expect(body(value)).toContain(`"value":${literal},`)
  })

  it("agrees with protobuf on the type: int64 exactly, anything else a double", () => {
    expect(decoded(body(-(2 ** 63)))).toEqual({ valueType: "int", value: -(2n ** 63n) })
    expect(decoded(body(2 ** 60))).toEqual({ valueType: "int", value: 2n ** 60n })
    expect(decoded(body(2 ** 63))).toEqual({ valueType: "double", value: 2 ** 63 })
    expect(decoded(body(1e21))).toEqual({ valueType: "double", value: 1e21 })
  })

  it("writes event properties the same way", () => {
    const event = Either.getOrThrow(EventModule.validate({ eventType: "e", properties: { big: 2 ** 60, huge: 1e21 } }))
    const text = json.encodeEvents([event])
    expect(text).toContain("\"big\":1152921504606846976")
    expect(text).toContain("\"huge\":1e+21")
  })
})

describe("the decoder of the local server", () => {
  it.each(
    [
      ["-1.5e300", "double", -1.5e300],
      ["1e21", "double", 1e21],
      ["2.0", "double", 2],
      ["9223372036854775808", "double", 2 ** 63],
      ["-9223372036854775809", "double", -(2 ** 63)],
      ["9223372036854775807", "int", 2n ** 63n - 1n],
      ["-9223372036854775808", "int", -(2n ** 63n)],
      ["12", "int", 12]
    ] as const
  )("records the literal %s as %s", (literal, valueType, value) => {
    expect(decoded(`{"gauge":[{"metric":"m","value":${literal}}]}`)).toEqual({ valueType, value })
  })

  it("still reads timestamps, and refuses one that is not an integer literal", () => {
    const [point] = decodedValue(
      json.decodeDatapoints(`{"gauge":[{"metric":"m","value":1,"timestamp":1700000000000}]}`)
    )
    expect(point!.timestamp).toBe(1_700_000_000_000)
    expect(decodedError(json.decodeDatapoints(`{"gauge":[{"metric":"m","value":1,"timestamp":1.5}]}`))._tag).toBe(
      "WireDecodeError"
    )
  })
})
