/**
 * The request core as a REST service builds it, for tests that run it against a local server
 * without a service of their own.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type { RetryOption } from "../../src/core/http/options.js"
import type { Client, ClientOptions } from "../../src/internal/http/client.js"
import { makeClient } from "../../src/internal/http/client.js"
import { connection, resolving } from "../../src/internal/http/options.js"
import type { RetrySettings } from "../../src/internal/http/retry.js"
import type { ConfigurationError } from "../../src/SignalFxError.js"

export const TOKEN = "test-token-5e1f"

/** No retries: one attempt, its failure as it came. */
export const noRetries = { initialDelay: 1, maxDelay: 1, maxElapsed: 0 } as const

const defaultRetry: RetrySettings = {
  initialDelay: Duration.millis(10),
  maxDelay: Duration.millis(50),
  maxElapsed: Duration.seconds(2),
  maxRetryAfter: Duration.seconds(1)
}

/** The options a REST service resolves, for `endpoint`. */
export const clientOptions = (
  endpoint: string,
  options: { readonly token?: string; readonly retry?: RetryOption<Duration.Input>; readonly userAgent?: string } = {}
): Result.Result<ClientOptions, ConfigurationError> =>
  resolving(() => ({
    ...connection(
      {
        token: Redacted.make(options.token ?? TOKEN),
        retry: options.retry,
        userAgent: options.userAgent
      },
      { option: "apiEndpoint", url: endpoint, host: (realm) => `api.${realm}.signalfx.com` },
      { requestTimeout: Duration.seconds(10), retry: defaultRetry }
    ),
    maxResponseBytes: 1_000_000
  }))

/** The REST client for `endpoint`, over `httpClient` (fetch by default). */
export const restClient = (
  endpoint: string,
  options: { readonly retry?: RetryOption<Duration.Input> } = {},
  httpClient: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
): Effect.Effect<Client> =>
  makeClient(Result.getOrThrow(clientOptions(endpoint, options))).pipe(Effect.provide(httpClient))

/** What the tests read of a metric. */
export const Metric = Schema.Struct({ name: Schema.String })

/** `GET /v2/metric/cpu`, as the metadata service asks it. */
export const getMetric = (client: Client) => client.json({ method: "GET", segments: ["metric", "cpu"] }, Metric)
