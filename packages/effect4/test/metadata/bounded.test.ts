/**
 * Metadata reads are capped: an endless 2xx answer ends in a `RestRequestError` of reason
 * `"TooLarge"` naming the cap, instead of growing the process without bound.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Redacted from "effect/Redacted"
import * as http from "node:http"
import { afterAll, assert, beforeAll, describe } from "vitest"
import * as Metadata from "../../src/Metadata.js"
import { effect } from "../support.js"

let endless: http.Server
let url: string
beforeAll(async () => {
  endless = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" })
    const chunk = Buffer.alloc(64 * 1024, "[")
    const more = () => {
      while (!res.destroyed && res.write(chunk)) continue
      if (!res.destroyed) res.once("drain", more)
    }
    more()
  })
  await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve))
  const address = endless.address()
  url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})
afterAll(() => {
  endless.closeAllConnections()
  return new Promise<void>((resolve) => endless.close(() => resolve()))
})

const metadata = (options: Partial<Metadata.Options> = {}) =>
  Metadata.make({ token: Redacted.make("test-token"), apiEndpoint: url, ...options }).pipe(
    Effect.provide(FetchHttpClient.layer)
  )

describe("an endless answer", () => {
  effect(
    "fails with TooLarge at maxResponseBytes, naming the cap, and is not read further",
    () =>
      Effect.gen(function*() {
        const service = yield* metadata({ maxResponseBytes: 1024 * 1024 })
        const error = yield* Effect.flip(service.getMetric("cpu"))
        assert.strictEqual(error._tag, "RestRequestError")
        assert.strictEqual(error._tag === "RestRequestError" ? error.reason : undefined, "TooLarge")
        assert.include(error.message, "maxResponseBytes (1,048,576 bytes)")
      })
  )

  effect("fails at the default cap of 16 MiB", () =>
    Effect.gen(function*() {
      const service = yield* metadata()
      const error = yield* Effect.flip(service.getMetric("cpu"))
      assert.include(error.message, "maxResponseBytes (16,777,216 bytes)")
    }))

  effect("maxResponseBytes must be a positive integer", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(metadata({ maxResponseBytes: 0 }))
      assert.strictEqual(error.option, "maxResponseBytes")
    }))
})
