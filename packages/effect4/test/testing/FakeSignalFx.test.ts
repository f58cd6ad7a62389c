import * as Effect from "effect/Effect"
import { describe, expect } from "vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"

describe("FakeSignalFx (Effect 4)", () => {
  effect("serves on loopback for the scope and records what it ingests", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tokens: ["t"] })
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}/v2/datapoint`, {
          method: "POST",
          headers: { "X-SF-Token": "t", "Content-Type": "application/json" },
          body: JSON.stringify({ gauge: [{ metric: "cpu", value: 1.5 }] })
        })
      )
      expect(response.status).toBe(200)
      expect(server.datapoints().map(({ metric }) => metric)).toEqual(["cpu"])
    }))

  effect("the layer provides the service", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.FakeSignalFx
      expect(server.datapoints()).toEqual([])
    }).pipe(Effect.provide(FakeSignalFx.layer())))
})
