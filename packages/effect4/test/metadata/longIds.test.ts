/**
 * An id of any length makes an error message of bounded length: the error's fields keep it whole,
 * its message quotes a bounded excerpt on one line.
 */
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { RestNotFoundError, RestRejectedError, RestRequestError } from "../../src/SignalFxError.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { restFor } from "../rest/support.js"
import { effect } from "../support.js"
import { metadataFor } from "./support.js"

const long = "x".repeat(100_000)
const forged = `cpu\n2026-01-01 WARN forged ${"y".repeat(1000)}`

const expectBounded = (error: Error) => {
  expect(error.message.length).toBeLessThan(1000)
  expect(error.message).not.toContain("\n")
}

describe("errors about a very long id", () => {
  it("quote a bounded excerpt of it, on one line, and keep it whole in their fields", () => {
    const notFound = new RestNotFoundError({ kind: "metric", id: forged })
    expectBounded(notFound)
    expect(notFound.id).toBe(forged)
    expectBounded(new RestNotFoundError({ kind: "detector", id: long }))
    const path = `/v2/detector/${long}`
    const request = new RestRequestError({ reason: "StatusCode", method: "GET", path, description: "HTTP 414" })
    expectBounded(request)
    expect(request.path).toBe(path)
    expectBounded(
      new RestRejectedError({ method: "PUT", path, status: 400, serviceMessage: "bad", kind: "detector" })
    )
  })

  effect("from the local server, for Metadata and Rest alike", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* metadataFor(server)
      expectBounded(yield* Effect.flip(metadata.getMetric(long)))
      const rest = yield* restFor(server)
      expectBounded(yield* Effect.flip(rest.detectors.get(long)))
    }))
})
