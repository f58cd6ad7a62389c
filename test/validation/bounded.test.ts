/**
 * Validation costs a bounded amount per call: a huge or sparse bad input is described by its
 * first problems and a count of the rest, and a hole of a sparse array costs no work of its own.
 * Before, `{ gauges: new Array(1e7) }` had not finished after two minutes; these finish within
 * the test's timeout on a loaded machine.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { MAX_LISTED_ISSUES } from "../../src/core/validation.js"
import { validateDatapoints, validateEvents } from "../../src/internal/validated.js"
import { SignalFx, ValidationError } from "../../src/promise/index.js"

const failure = <A>(result: Either.Either<A, ValidationError>): ValidationError => {
  if (Either.isRight(result)) return assert.fail("expected a ValidationError")
  return result.left
}

describe("a huge sparse array", () => {
  it("of ten million holes lists the first problems and counts the rest", () => {
    const error = failure(validateDatapoints({ gauges: new Array(1e7) }))
    assert.strictEqual(error.issues.length, MAX_LISTED_ISSUES)
    assert.strictEqual(error.omitted, 1e7 - MAX_LISTED_ISSUES)
    assert.strictEqual(error.issues[0]!.path, "gauges[0]")
    assert.strictEqual(error.issues[99]!.path, "gauges[99]")
    assert.include(error.message, "10,000,000 problems in the input")
    assert.include(error.message, "… and 9,999,900 more")
    assert.isBelow(error.message.length, 20_000)
  })

  it("with a few elements far apart reports the holes around them, in order", () => {
    const gauges: Array<{ metric: string; value: number }> = []
    gauges[5_000_000] = { metric: "present", value: 1 }
    gauges[9_999_999] = { metric: "", value: 1 }
    const error = failure(validateDatapoints({ gauges }))
    assert.strictEqual(error.issues.length, MAX_LISTED_ISSUES)
    // 9,999,998 holes and one bad metric name.
    assert.strictEqual(error.issues.length + (error.omitted ?? 0), 9_999_999)
  })

  it("of events: the same", () => {
    const error = failure(validateEvents(new Array(1e7)))
    assert.strictEqual(error.issues.length, MAX_LISTED_ISSUES)
    assert.strictEqual(error.omitted, 1e7 - MAX_LISTED_ISSUES)
    assert.strictEqual(error.issues[0]!.path, "[0]")
  })

  it("through the facade rejects with the bounded ValidationError and queues nothing", async () => {
    const sfx = new SignalFx("test-token", { ingestEndpoint: "http://127.0.0.1:9", logger: false })
    try {
      const error = await sfx.send({ gauges: new Array(1e6) }).then(() => undefined, (error: unknown) => error)
      assert.instanceOf(error, ValidationError)
      assert.strictEqual(error.issues.length, MAX_LISTED_ISSUES)
      assert.strictEqual(sfx.stats().datapoints.accepted, 0)
    } finally {
      await sfx.stop()
    }
  })
})

describe("many bad datapoints", () => {
  it("list a hundred problems and count the rest", () => {
    const error = failure(validateDatapoints({ gauges: Array.from({ length: 100_000 }, () => ({})) }))
    assert.strictEqual(error.issues.length, MAX_LISTED_ISSUES)
    // Each {} lacks a metric and a value.
    assert.strictEqual(error.issues.length + (error.omitted ?? 0), 200_000)
    assert.include(error.message, "… and 199,900 more")
  })

  it("and a valid input is not held to the cap", () => {
    const gauges = Array.from({ length: 10_000 }, (_, i) => ({ metric: "fine", value: i }))
    const result = validateDatapoints({ gauges })
    assert.isTrue(Either.isRight(result))
    assert.strictEqual(Either.getOrThrow(result).length, 10_000)
  })
})
