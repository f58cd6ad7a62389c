import { describe, expect, it } from "@effect/vitest"
import { ComputationFailedError } from "../../src/SignalFxError.js"

const nested = (depth: number): unknown => {
  let value: unknown = "bottom"
  for (let i = 0; i < depth; i++) value = { inner: value }
  return value
}

describe("ComputationFailedError's message", () => {
  it("shows a context nested deeper than the stack allows without throwing", () => {
    const error = new ComputationFailedError({ errors: [{ code: 400, context: nested(200_000) }] })
    expect(error.message).toBe("the SignalFlow computation failed: 400 (a context that cannot be shown)")
  })

  it("shows a context with a bigint without throwing", () => {
    const error = new ComputationFailedError({ errors: [{ errorType: "X", context: { limit: 10n } }] })
    expect(error.message).toBe("the SignalFlow computation failed: X (a context that cannot be shown)")
  })

  it("shows a plain context as JSON", () => {
    const error = new ComputationFailedError({ errors: [{ code: 400, context: { line: 1 } }] })
    expect(error.message).toBe("the SignalFlow computation failed: 400 {\"line\":1}")
  })
})
