/**
 * The one retry policy of the request core, on Effect 4's Schedule: what it retries, how often,
 * and how long it waits, `Retry-After` honoured within its cap.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { afterAll, assert, beforeAll, beforeEach, describe } from "vitest"
import { makeRequests } from "../../src/internal/http/request.js"
import type { Retriable, RetrySettings } from "../../src/internal/http/retry.js"
import { parseRetryAfter, retryPolicy } from "../../src/internal/http/retry.js"
import { TOKEN_HEADER } from "../../src/internal/http/transport.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { getMetric, restClient, TOKEN } from "./support.js"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const settings: RetrySettings = {
  initialDelay: Duration.millis(100),
  maxDelay: Duration.millis(150),
  maxElapsed: Duration.seconds(10),
  maxRetryAfter: Duration.seconds(2)
}

const failure = (retryable: boolean, retryAfter?: Duration.Duration): Retriable => ({
  retryable,
  retryAfter: Option.fromNullishOr(retryAfter)
})

/** The delays the policy asks for, one failure after another; `undefined` once it gives up. */
const delays = (failures: ReadonlyArray<Retriable>, retry: RetrySettings = settings) =>
  Effect.gen(function*() {
    const step = yield* Schedule.toStep(retryPolicy<Retriable>(retry))
    const found: Array<number | undefined> = []
    for (const [i, each] of failures.entries()) {
      const next = yield* Effect.option(step(i * 10, each))
      found.push(Option.isSome(next) ? Duration.toMillis(next.value[1]) : undefined)
    }
    return found
  })

describe("the retry policy", () => {
  effect("backs off with jitter, never beyond maxDelay", () =>
    Effect.gen(function*() {
      const found = yield* delays(Array.from({ length: 6 }, () => failure(true)))
      for (const delay of found) {
        assert.isDefined(delay)
        assert.isAtMost(delay!, 150)
        assert.isAbove(delay!, 0)
      }
    }))

  effect("waits as long as Retry-After asks, up to maxRetryAfter", () =>
    Effect.gen(function*() {
      const [short, long] = yield* delays([
        failure(true, Duration.seconds(1)),
        failure(true, Duration.hours(1))
      ])
      assert.strictEqual(short, 1_000)
      assert.strictEqual(long, 2_000)
    }))

  effect("gives up at once on a failure that is not retryable", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* delays([failure(false)]), [undefined])
    }))

  effect("gives up once maxElapsed has passed", () =>
    Effect.gen(function*() {
      const found = yield* delays([failure(true), failure(true)], { ...settings, maxElapsed: Duration.millis(5) })
      assert.isDefined(found[0])
      assert.isUndefined(found[1])
    }))

  effect("reads Retry-After as seconds or an HTTP date", () =>
    Effect.sync(() => {
      const now = Date.parse("2026-01-01T00:00:00Z")
      assert.deepStrictEqual(parseRetryAfter("3", now), Option.some(Duration.seconds(3)))
      assert.deepStrictEqual(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), Option.some(Duration.seconds(5)))
      assert.deepStrictEqual(parseRetryAfter("soon", now), Option.none())
      assert.deepStrictEqual(parseRetryAfter(undefined, now), Option.none())
    }))
})

describe("the request core's retries, against the local server", () => {
  const fast = { initialDelay: 1, maxDelay: 5, maxElapsed: 5_000 } as const

  effect("an idempotent call is retried on 503 and 500, until it succeeds", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [
        FakeSignalFx.respond(503),
        FakeSignalFx.respond(500),
        FakeSignalFx.respond(200, { body: JSON.stringify({ name: "cpu" }) })
      ])
      const client = yield* restClient(server.url, { retry: fast })
      const metric = yield* getMetric(client)
      assert.strictEqual(metric.name, "cpu")
      assert.strictEqual(server.requests().length, 3)
    }))

  effect("a refused call (400) is not retried", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [FakeSignalFx.respond(400, { body: "no" })])
      const client = yield* restClient(server.url, { retry: fast })
      const error = yield* Effect.flip(getMetric(client))
      assert.strictEqual(error.status, 400)
      assert.strictEqual(server.requests().length, 1)
    }))

  effect("a call that must not be repeated is retried on 429 only", () =>
    Effect.gen(function*() {
      const { send } = yield* makeRequests({
        base: new URL(server.url),
        headers: { [TOKEN_HEADER]: TOKEN },
        secretHeader: TOKEN_HEADER,
        secret: Redacted.make(TOKEN)
      }).pipe(Effect.provide(FetchHttpClient.layer))
      const post = HttpClientRequest.post("/v2/datapoint").pipe(
        HttpClientRequest.bodyJsonUnsafe({ gauge: [{ metric: "once", value: 1 }] })
      )
      const attempt = send(post, { idempotent: false, read: () => Effect.void })
      server.fault("/v2/datapoint", [FakeSignalFx.respond(503)])
      const unavailable = yield* Effect.flip(attempt)
      assert.isFalse(unavailable.retryable)
      server.fault("/v2/datapoint", [FakeSignalFx.respond(429, { retryAfter: 1 })])
      const throttled = yield* Effect.flip(attempt)
      assert.isTrue(throttled.retryable)
      assert.deepStrictEqual(throttled.retryAfter, Option.some(Duration.seconds(1)))
    }))
})
