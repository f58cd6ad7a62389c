import { describe, expect, it } from "@effect/vitest"
import * as zlib from "node:zlib"
import { decodeFrame, MAX_BODY_BYTES } from "../../src/core/signalflow/binary.js"
import { classify } from "../../src/internal/signalflow/messages.js"
import { header, jsonFrame } from "./frames.js"
import { dataBomb, gzipBomb } from "./hostile.js"

const problemOf = (frame: Uint8Array): string => {
  const decoded = decodeFrame(frame)
  expect(decoded._tag).toBe("Invalid")
  return decoded._tag === "Invalid" ? decoded.problem : ""
}

describe("binary frames from a hostile peer", () => {
  it("refuses a gzip body that inflates beyond the bound, data or JSON, without inflating it all", () => {
    // 64 MiB from 64 KB, announcing values the zeros would spell.
    const before = process.memoryUsage()
    expect(problemOf(dataBomb("c", 1000, 1_000_000, 64))).toBe(
      `the gzip body inflates to more than ${MAX_BODY_BYTES} bytes`
    )
    // A JSON body of whitespace after an opening bracket.
    const json = Buffer.concat([header(1, 4, 3, "c"), gzipBomb(Buffer.from("["), 64)])
    expect(problemOf(json)).toBe(`the gzip body inflates to more than ${MAX_BODY_BYTES} bytes`)
    const after = process.memoryUsage()
    // Wide margin: inflating it all would take 64 MiB of buffers and a million values.
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(48 * 1024 * 1024)
  })

  it("refuses an uncompressed body over the same bound", () => {
    const frame = Buffer.concat([header(1, 4, 2, "c"), Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)])
    expect(problemOf(frame)).toBe(`a body of ${MAX_BODY_BYTES + 1} bytes is over ${MAX_BODY_BYTES} bytes`)
  })

  it("still decodes a body of exactly the bound", () => {
    const count = Math.floor((MAX_BODY_BYTES - 20) / 17)
    const body = Buffer.alloc(MAX_BODY_BYTES)
    body.writeBigInt64BE(1000n, 0)
    body.writeUInt32BE(count, 16)
    const decoded = decodeFrame(Buffer.concat([header(2, 5, 1, "c"), zlib.gzipSync(body)]))
    expect(decoded._tag).toBe("Data")
    expect(decoded._tag === "Data" && decoded.message.data.length).toBe(count)
  })

  it("quotes a body that does not parse on one bounded line", () => {
    // The parser's message quotes the text about the unexpected token.
    const text = `{"a": x${"\n\u001b[31m".repeat(10_000)}`
    const problem = problemOf(Buffer.concat([header(1, 4, 2, "c"), Buffer.from(text)]))
    expect(problem).toContain("the JSON body does not parse")
    expect(problem).not.toContain("\n")
    expect(problem).not.toContain("\u001b")
    expect(problem.length).toBeLessThan(2_000)
  })

  it("keeps a __proto__ key of a JSON body as an own property, the prototype untouched", () => {
    const body = JSON.parse(`{"tsId": "AAAAAAAAAAE", "properties": {"__proto__": {"polluted": true}, "host": "a"}}`)
    const decoded = decodeFrame(jsonFrame(4, "c", body))
    expect(decoded._tag).toBe("Json")
    const classified = classify(decoded._tag === "Json" ? decoded.value : undefined)
    expect(classified._tag).toBe("Message")
    const message = classified._tag === "Message" ? classified.message : undefined
    expect(message?.type).toBe("metadata")
    const properties = message?.type === "metadata" ? message.properties : {}
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype)
    expect(Object.keys(properties)).toEqual(["__proto__", "host"])
    expect(Object.getOwnPropertyDescriptor(properties, "__proto__")?.value).toEqual({ polluted: true })
    expect("polluted" in properties).toBe(false)
  })
})

describe("JSON messages from a hostile peer", () => {
  it("keeps __proto__ keys of information messages and events as own properties", () => {
    const info = classify(
      JSON.parse(
        `{"type": "message", "logicalTimestampMs": 1, "message": {"messageCode": "X", "__proto__": {"p": 1}, "contents": {"__proto__": {"q": 2}}}}`
      )
    )
    expect(info._tag === "Message" && info.message.type === "message").toBe(true)
    const body = info._tag === "Message" && info.message.type === "message" ? info.message.message : undefined
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype)
    expect(Object.keys(body ?? {})).toEqual(["messageCode", "__proto__", "contents"])
    expect(Object.getPrototypeOf(body?.contents)).toBe(Object.prototype)
    expect(Object.keys(body?.contents ?? {})).toEqual(["__proto__"])

    const event = classify(
      JSON.parse(
        `{"type": "event", "tsId": "E", "timestampMs": 1, "metadata": {"__proto__": {"p": 1}}, "properties": {"__proto__": {"p": 1}}}`
      )
    )
    const fields = event._tag === "Message" && event.message.type === "event" ? event.message : undefined
    expect(Object.keys(fields?.metadata ?? {})).toEqual(["__proto__"])
    expect(Object.keys(fields?.properties ?? {})).toEqual(["__proto__"])
    expect(Object.getPrototypeOf(fields?.properties)).toBe(Object.prototype)
  })

  it("names a malformed message's first problem on one bounded line, and an unknown type likewise", () => {
    const long = "\n\u001b[2J".repeat(50_000)
    const malformed = classify({ type: "metadata", tsId: "A", properties: { host: "a" }, extra: long, tsIdx: 1 })
    expect(malformed).toEqual({ _tag: "Message", message: { type: "metadata", tsId: "A", properties: { host: "a" } } })
    const bad = classify({ type: "data", logicalTimestampMs: 1, data: [{ tsId: "A", value: long }] })
    expect(bad._tag).toBe("Malformed")
    const problem = bad._tag === "Malformed" ? bad.problem : ""
    expect(problem).toMatch(/^data\.0\.value: Expected number, actual /)
    expect(problem).not.toContain("\n")
    expect(problem).not.toContain("\u001b")
    expect(problem.length).toBeLessThan(2_000)

    const unknown = classify({ type: `log-data${long}` })
    const what = unknown._tag === "Unknown" ? unknown.what : ""
    expect(what).toMatch(/^message type log-data\\n\\u001b\[2J/)
    expect(what.length).toBeLessThan(2_000)
    const control = classify({ type: "control-message", event: long })
    expect(control._tag === "Unknown" && control.what.length).toBeLessThan(2_000)
  })

  it("refuses a time series id longer than any the service makes", () => {
    const classified = classify({ type: "metadata", tsId: "A".repeat(1_000_000), properties: {} })
    expect(classified._tag).toBe("Malformed")
    expect(classified._tag === "Malformed" && classified.problem).toContain("tsId: Expected a string at most 64")
  })
})
