/**
 * Bad input to the global-dimension operations is a typed failure naming what is wrong: never a
 * defect from inside the service, never taken silently for nothing, never globals that would
 * make every later send fail.
 */
import * as Effect from "effect/Effect"
import { assert, describe } from "vitest"
import { ValidationError } from "../../src/SignalFxError.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { startIngest } from "./support.js"

/** Called through `Reflect.apply`, as plain JavaScript would call them, types aside. */
const badKeys: ReadonlyArray<readonly [unknown, string, string]> = [
  [undefined, "keys", "must be an array of dimension keys, got undefined"],
  [null, "keys", "must be an array of dimension keys, got null"],
  [5, "keys", "must be an array of dimension keys, got a number"],
  [new Set(["host"]), "keys", "must be an array of dimension keys, got an object"],
  ["host", "keys", "got a string; did you mean [\"host\"]?"],
  [["host", 1], "keys[1]", "a dimension key must be a string, got a number"]
]

const badDimensions: ReadonlyArray<readonly [unknown, string]> = [
  [undefined, "got undefined"],
  [null, "got null"],
  ["host=a", "got a string"],
  [["host"], "got an array"],
  [new Map([["host", "a"]]), "got a Map"]
]

const assertNames = (error: unknown, path: string, message: string): void => {
  assert.instanceOf(error, ValidationError)
  assert.strictEqual(error.issues[0]?.path, path)
  assert.include(error.issues[0]?.message, message)
}

/** 36 dimensions, a datapoint's most. */
const full = Object.fromEntries(Array.from({ length: 36 }, (_, i) => [`k${i}`, "v"]))

describe("the global dimensions, given bad input (Effect 4)", () => {
  effect("fail with a ValidationError naming it, and the globals stay as they were", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const { close, ingest } = yield* startIngest(server, { dimensions: { host: "a" } })
      // Closed before the server is (finalizers run in reverse): it delivers, then stops.
      yield* Effect.addFinalizer(() => close)
      const removeDimensions = (keys: unknown): Effect.Effect<void, ValidationError> =>
        Reflect.apply(ingest.removeDimensions, ingest, [keys])
      const addDimensions = (dimensions: unknown): Effect.Effect<void, ValidationError> =>
        Reflect.apply(ingest.addDimensions, ingest, [dimensions])
      for (const [keys, path, message] of badKeys) {
        // A typed failure: a defect would fail the test from `flip`.
        assertNames(yield* Effect.flip(removeDimensions(keys)), path, message)
      }
      for (const [dimensions, message] of badDimensions) {
        assertNames(yield* Effect.flip(addDimensions(dimensions)), "dimensions", message)
      }
      assert.deepStrictEqual(yield* ingest.dimensions, { host: "a" })

      // More global dimensions than a datapoint may carry would make every send fail: refused.
      yield* ingest.addDimensions(Object.fromEntries(Object.entries(full).slice(1)))
      const tooMany = yield* Effect.flip(ingest.addDimensions({ one: "more" }))
      assertNames(tooMany, "dimensions", "there would be 37; at most 36 are allowed")
      // At the limit, a datapoint without dimensions of its own is still sent.
      yield* ingest.send({ gauges: [{ metric: "m", value: 1 }] })
      yield* ingest.removeDimensions(["host"])
      assert.strictEqual(Object.keys(yield* ingest.dimensions).length, 35)
      yield* ingest.flush
      assert.strictEqual(server.datapoints().length, 1)
    }))
})
