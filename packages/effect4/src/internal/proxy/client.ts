/**
 * The `HttpClient` that goes through a proxy: `FetchHttpClient` running the core's `fetch`
 * (`core/proxy/fetch.ts`: undici's, a dispatcher chosen per request). The services' own hooks on
 * `FetchHttpClient` (no redirects followed) work unchanged, since only the `fetch` underneath is
 * replaced. Without a proxy or a `ca` it is `FetchHttpClient` as it is, and undici is not even
 * loaded.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { explainReason, refusedReason } from "../../core/proxy/explain.js"
import type { ProxyRoute } from "../../core/proxy/fetch.js"
import { makeProxyFetch } from "../../core/proxy/fetch.js"
import type { Trust } from "../../core/proxy/options.js"
import * as core from "../../core/proxy/options.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { ProxyError } from "../../SignalFxError.js"
import { DirectConnection } from "../http/transport.js"
import type { Given, ProxyEndpoint, ResolvedOptions } from "./options.js"
import { extraCertificates, fromEnvironment, fromOptions } from "./options.js"

/**
 * A tunnel the proxy refused with `status`: 407 without or with wrong credentials, or another.
 * @internal
 */
export const refused = (proxy: ProxyEndpoint, target: URL, status: number): ProxyError =>
  new ProxyError({ proxy: proxy.display, reason: refusedReason(proxy, target, status) })

/**
 * Why a request through `proxy` failed, said of the proxy (see `core/proxy/explain.ts`).
 * @internal
 */
export const explain = (proxy: ProxyEndpoint, target: URL, error: unknown): ProxyError =>
  new ProxyError({ proxy: proxy.display, reason: explainReason(proxy, target, error) })

/**
 * The TLS trust for a `ca`, NODE_EXTRA_CA_CERTS given again beside it (see `core/proxy/options.ts`).
 * @internal
 */
export const trustOf = (ca: ReadonlyArray<string> | undefined): Effect.Effect<Trust | undefined> =>
  ca === undefined ? Effect.succeed(undefined) : Effect.map(extraCertificates, (extra) => core.trustOf(ca, extra))

const routeOf = (proxy: ProxyEndpoint | undefined): ProxyRoute<ProxyEndpoint> | undefined =>
  proxy === undefined ? undefined : {
    endpoint: proxy,
    url: proxy.url,
    authorization: proxy.authorization === undefined ? undefined : Redacted.value(proxy.authorization)
  }

/**
 * The client: `FetchHttpClient`, its `fetch` the core's when there is a proxy or a `ca`.
 * @internal
 */
export const make = (options: ResolvedOptions): Effect.Effect<HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const plain = yield* Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)
    if (options.httpProxy === undefined && options.httpsProxy === undefined && options.ca === undefined) return plain
    const { routed, straight } = makeProxyFetch({
      httpProxy: routeOf(options.httpProxy),
      httpsProxy: routeOf(options.httpsProxy),
      noProxy: options.noProxy,
      trust: yield* trustOf(options.ca),
      unref: false,
      explain
    })
    return HttpClient.transform(plain, (request) =>
      Effect.gen(function*() {
        const isDirect = yield* DirectConnection
        return yield* Effect.provideService(request, FetchHttpClient.Fetch, isDirect ? straight : routed)
      }))
  })

/**
 * The client of `ProxyHttpClient.layerConfig`: the options over the environment's proxy variables.
 * @internal
 */
export const makeFromEnvironment = (options: Given): Effect.Effect<HttpClient.HttpClient, ConfigurationError> =>
  Effect.flatMap(
    fromEnvironment,
    (environment) => Effect.flatMap(Effect.fromResult(fromOptions(options, environment)), make)
  )

/** @internal */
export const layerFromEnvironment = (options: Given): Layer.Layer<HttpClient.HttpClient, ConfigurationError> =>
  Layer.effect(HttpClient.HttpClient, makeFromEnvironment(options))
