/**
 * The `HttpClient` that goes through a proxy: `FetchHttpClient` running the core's `fetch`
 * (`core/proxy/fetch.ts`: undici's, a dispatcher chosen per request). The services' own hooks on
 * `FetchHttpClient` (no redirects followed) work unchanged, since only the `fetch` underneath is
 * replaced. Without a proxy or a `ca` it is `FetchHttpClient` as it is, and undici is not even
 * loaded.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { explainReason, refusedReason } from "../../core/proxy/explain.js"
import type { ProxyRoute } from "../../core/proxy/fetch.js"
import { makeProxyFetch } from "../../core/proxy/fetch.js"
import type { Trust } from "../../core/proxy/options.js"
import * as core from "../../core/proxy/options.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { ProxyError } from "../../SignalFxError.js"
import type { Given, ProxyEndpoint, ResolvedOptions } from "./options.js"
import { extraCertificates, fromEnvironment, fromOptions } from "./options.js"

/**
 * Set by a request that must reach its host directly, whatever the proxy settings: a cloud's
 * metadata server answers only on the host's own link-local network.
 */
const directConnection: FiberRef.FiberRef<boolean> = FiberRef.unsafeMake(false)

/** Runs requests straight to their hosts when the client is this module's. @internal */
export const direct = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(effect, directConnection, true)

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
 * The client. `directFetch`, when given, is the Promise facade's: it runs the requests when
 * there is neither a proxy nor a `ca`, and its sockets never hold the process open; undici's
 * sockets, for a proxy or a `ca`, then don't either. Node's `fetch` runs the requests otherwise.
 * @internal
 */
export const make = (
  options: ResolvedOptions,
  directFetch?: typeof globalThis.fetch
): Effect.Effect<HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const plain = yield* Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)
    if (options.httpProxy === undefined && options.httpsProxy === undefined && options.ca === undefined) {
      return directFetch === undefined
        ? plain
        : HttpClient.transform(plain, (request) => Effect.provideService(request, FetchHttpClient.Fetch, directFetch))
    }
    const { routed, straight } = makeProxyFetch({
      httpProxy: routeOf(options.httpProxy),
      httpsProxy: routeOf(options.httpsProxy),
      noProxy: options.noProxy,
      trust: yield* trustOf(options.ca),
      unref: directFetch !== undefined,
      explain
    })
    return HttpClient.transform(plain, (request) =>
      Effect.flatMap(
        FiberRef.get(directConnection),
        (isDirect) => Effect.provideService(request, FetchHttpClient.Fetch, isDirect ? straight : routed)
      ))
  })

/**
 * The client as a layer, the options over the environment's proxy variables (what
 * `ProxyHttpClient.layerConfig` is); `directFetch` runs the requests that go neither through a
 * proxy nor with a `ca` (the Promise facade's `fetch`).
 * @internal
 */
export const layerFromEnvironment = (
  options: Given,
  directFetch?: typeof globalThis.fetch
): Layer.Layer<HttpClient.HttpClient, ConfigurationError> =>
  Layer.effect(HttpClient.HttpClient, makeFromEnvironment(options, directFetch))

/**
 * The client of {@link layerFromEnvironment}, made at once.
 * @internal
 */
export const makeFromEnvironment = (
  options: Given,
  directFetch?: typeof globalThis.fetch
): Effect.Effect<HttpClient.HttpClient, ConfigurationError> =>
  Effect.flatMap(
    fromEnvironment,
    (environment) => Effect.flatMap(fromOptions(options, environment), (resolved) => make(resolved, directFetch))
  )
