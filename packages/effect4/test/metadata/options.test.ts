import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { describe, expect } from "vitest"
import * as Metadata from "../../src/Metadata.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { seed, TOKEN } from "./support.js"

const token = Redacted.make(TOKEN)

/** An HttpClient that records the URL asked for and fails without touching the network. */
const recordingClient = () => {
  const urls: Array<string> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) => {
      urls.push(request.url)
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.TransportError({ request, description: "offline" })
        })
      )
    })
  )
  return { urls, layer }
}

const configurationError = (options: Metadata.Options) =>
  Effect.flip(Metadata.make(options).pipe(Effect.provide(FetchHttpClient.layer)))

describe("Metadata options", () => {
  effect("unusable options are ConfigurationErrors naming the option", () =>
    Effect.gen(function*() {
      const insecure = yield* configurationError({ token, apiEndpoint: "http://api.example.com" })
      expect(insecure).toMatchObject({ _tag: "ConfigurationError", option: "apiEndpoint" })
      expect(insecure.message).toContain("would send the token unencrypted")
      expect(yield* configurationError({ token, apiEndpoint: "ftp://example.com" })).toMatchObject({
        option: "apiEndpoint"
      })
      expect(yield* configurationError({ token, apiEndpoint: "https://user:pw@example.com" })).toMatchObject({
        option: "apiEndpoint"
      })
      expect(yield* configurationError({ token, realm: "api.us1" })).toMatchObject({ option: "realm" })
      expect(yield* configurationError({ token: Redacted.make(" ") })).toMatchObject({ option: "token" })
      expect(yield* configurationError({ token, requestTimeout: 0 })).toMatchObject({ option: "requestTimeout" })
      expect(yield* configurationError({ token, retry: { maxElapsed: -1 } })).toMatchObject({
        option: "retry.maxElapsed"
      })
    }))

  effect("plain http to another host is allowed when asked for", () =>
    Effect.gen(function*() {
      const { layer, urls } = recordingClient()
      const metadata = yield* Metadata.make({
        token,
        apiEndpoint: "http://collector.internal:8080",
        allowInsecureHttp: true,
        retry: { maxElapsed: 0 }
      }).pipe(Effect.provide(layer))
      yield* Effect.flip(metadata.getMetric("cpu"))
      expect(urls).toEqual(["http://collector.internal:8080/v2/metric/cpu"])
    }))

  effect("the realm names the host; an endpoint's path is kept as a prefix", () =>
    Effect.gen(function*() {
      const { layer, urls } = recordingClient()
      const noRetries = { maxElapsed: 0 }
      const byRealm = yield* Metadata.make({ token, realm: "eu0", retry: noRetries }).pipe(Effect.provide(layer))
      const byDefault = yield* Metadata.make({ token, retry: noRetries }).pipe(Effect.provide(layer))
      const proxied = yield* Metadata.make({
        token,
        apiEndpoint: "https://proxy.example.com/signalfx/",
        retry: noRetries
      })
        .pipe(Effect.provide(layer))
      yield* Effect.flip(byRealm.getDimension("host", "a b"))
      yield* Effect.flip(byDefault.searchTags({ query: "name:x", limit: 5 }))
      yield* Effect.flip(proxied.getTag("t"))
      expect(urls).toEqual([
        "https://api.eu0.signalfx.com/v2/dimension/host/a%20b",
        "https://api.us0.signalfx.com/v2/tag?query=name%3Ax&limit=5",
        "https://proxy.example.com/signalfx/v2/tag/t"
      ])
    }))

  effect(
    "layerConfig reads the token and the endpoint from Config, SPLUNK_* or SIGNALFX_*",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make({ tokens: [TOKEN] })
        yield* seed(server)
        const fromEnv = ConfigProvider.fromEnvRecord({ SIGNALFX_ACCESS_TOKEN: TOKEN, SPLUNK_API_URL: server.url })
        const metric = yield* Effect.flatMap(Metadata.Metadata, (metadata) => metadata.getMetric("memory.free")).pipe(
          Effect.provide(
            Metadata.layerConfig({ userAgent: "my-tool/1.0" }).pipe(Layer.provide(FetchHttpClient.layer))
          ),
          Effect.provideService(ConfigProvider.ConfigProvider, fromEnv)
        )
        expect(metric.name).toBe("memory.free")
        expect(server.requests().at(-1)!.headers["user-agent"]).toBe("effect-signalfx/0.2.0 my-tool/1.0")

        const missing = yield* Effect.flip(
          Layer.build(Metadata.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))).pipe(
            Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord({}))
          )
        )
        expect(missing._tag).not.toBe("ConfigurationError")
        // Effect 4's ConfigError names the last variable tried (SIGNALFX_…), Effect 3's the first.
        expect(String(missing)).toMatch(/(SPLUNK|SIGNALFX)_ACCESS_TOKEN/)
      })
  )
})
