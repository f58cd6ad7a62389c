import { describe, expect, it } from "vitest"
import { MAX_PEER_TEXT_LENGTH, peerText } from "../../src/core/peerText.js"
import { describeBody } from "../../src/internal/http/transport.js"

describe("peerText", () => {
  it("writes newlines and terminal escapes as escapes, on one line", () => {
    const text = peerText("line one\nWARN forged\r\u001b[31mred\u2028")
    expect(text).toBe("line one\\nWARN forged\\r\\u001b[31mred\\u2028")
    expect([...text].some((character) => character.charCodeAt(0) < 0x20)).toBe(false)
  })

  it("cuts a long text and says how much was left out", () => {
    const text = peerText("x".repeat(100_000))
    expect(text).toBe(`${"x".repeat(MAX_PEER_TEXT_LENGTH)}… (${100_000 - MAX_PEER_TEXT_LENGTH} more characters)`)
  })

  it("leaves a short plain text as it is", () => {
    expect(peerText("cpu.utilization", 20)).toBe("cpu.utilization")
  })
})

describe("describeBody", () => {
  it("quotes a service's body on one line, cut at 300 characters", () => {
    expect(describeBody("first line\nWARN forged")).toBe(": first line\\nWARN forged")
    expect(describeBody("y".repeat(1000))).toBe(`: ${"y".repeat(300)}… (700 more characters)`)
    expect(describeBody("  \n ")).toBe("")
  })
})
