/**
 * The `HttpClient` that goes through a proxy: `FetchHttpClient` running undici's own `fetch`,
 * with an undici dispatcher chosen per request: a `ProxyAgent` (a CONNECT tunnel for https, the
 * request forwarded as is for plain http, as curl does), or a plain `Agent` for hosts that
 * `NO_PROXY` lists and for cloud metadata lookups. The services' own hooks on `FetchHttpClient`
 * (no redirects followed) work unchanged, since only the `fetch` underneath is replaced.
 *
 * Without a proxy or a `ca` it is `FetchHttpClient` as it is, and undici is not even loaded: its
 * 200 ms of start-up are paid only by a process that needs it.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createRequire } from "node:module"
import * as net from "node:net"
import type * as Undici from "undici"
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

interface Route {
  readonly dispatcher: Undici.Dispatcher
  readonly proxy: ProxyEndpoint | undefined
}

/** The errors and their causes under a failure, outermost first. */
const chain = (error: unknown): ReadonlyArray<unknown> => {
  const found: Array<unknown> = []
  for (let current = error; current !== undefined && found.length < 8; current = causeOf(current)) {
    found.push(current)
  }
  return found
}

const causeOf = (error: unknown): unknown => error instanceof Error ? error.cause : undefined

const codeOf = (error: unknown): string | undefined =>
  error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined

const messageOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

/** Failures to connect: with a proxy, the only host we connect to is the proxy. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT"
])

/** Certificate failures inside the tunnel: usually a proxy that inspects TLS with its own CA. */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED"
])

/**
 * A tunnel the proxy refused with `status`: 407 without or with wrong credentials, or another.
 * @internal
 */
export const refused = (proxy: ProxyEndpoint, target: URL, status: number): ProxyError =>
  new ProxyError({
    proxy: proxy.display,
    reason: status !== 407
      ? `refused to open a tunnel to ${target.host} (it answered the CONNECT with ${status})`
      : proxy.authorization === undefined
      ? "asks for credentials (407 Proxy Authentication Required); give them in the proxy URL: http://user:password@host:port"
      : "refused the credentials in the proxy URL (407 Proxy Authentication Required)"
  })

/**
 * Why a request through `proxy` failed, said of the proxy: refused or unreachable, a tunnel
 * refused (407 without or with wrong credentials, another status), or a certificate the tunnel's
 * far end showed that is not trusted.
 * @internal
 */
export const explain = (proxy: ProxyEndpoint, target: URL, error: unknown): ProxyError => {
  const errors = chain(error)
  const innermost = errors[errors.length - 1]
  // undici says "Proxy response (403) !== 200 when HTTP Tunneling" for a refused CONNECT, and
  // "Proxy Authentication Required (407)" for a 407 to a forwarded plain-http request.
  const tunnelStatus = errors.flatMap((item) => {
    const match = /Proxy response \((\d{3})\)/.exec(messageOf(item))
    return match === null ? [] : [Number(match[1])]
  })[0]
  const authRequired = errors.some((item) => /Proxy Authentication Required/.test(messageOf(item)))
  const status = tunnelStatus ?? (authRequired ? 407 : undefined)
  if (status !== undefined) return refused(proxy, target, status)
  const fail = (reason: string) => new ProxyError({ proxy: proxy.display, reason })
  const code = errors.map(codeOf).find((found) => found !== undefined)
  if (code !== undefined && UNTRUSTED.has(code)) {
    return fail(
      `${proxy.url.protocol === "https:" ? "connection or " : ""}tunnel to ${target.host}: ` +
        `the certificate shown is not trusted (${messageOf(innermost)}); ` +
        "a proxy that inspects TLS needs its certificate authority in `ca` or NODE_EXTRA_CA_CERTS"
    )
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return fail(`could not be reached (${messageOf(innermost)})`)
  }
  return fail(`failed the request to ${target.host} (${messageOf(innermost)})`)
}

/**
 * The RequestInit for undici's fetch. Node's FormData is not undici's class, so a form travels as
 * the multipart body Node encodes it to.
 */
const undiciInit = async (
  init: RequestInit | undefined,
  dispatcher: Undici.Dispatcher
): Promise<Undici.RequestInit> => {
  const { body, headers, ...rest } = init ?? {}
  // Node's Headers is not undici's class either; a record is what both take.
  const record: Record<string, string> = headers === undefined ? {} : Object.fromEntries(new Headers(headers))
  if (!(body instanceof FormData)) {
    return { ...rest, headers: record, ...(body === undefined ? {} : { body }), dispatcher }
  }
  const encoded = new Response(body)
  record["content-type"] = encoded.headers.get("content-type") ?? "multipart/form-data"
  return { ...rest, headers: record, body: new Uint8Array(await encoded.arrayBuffer()), dispatcher }
}

/**
 * The TLS trust for a `ca`: it replaces Node's trust for a connection, so Node's own roots and
 * NODE_EXTRA_CA_CERTS are given again beside it; without a `ca`, Node's trust as it is.
 * Verification stays on: no option here turns it off.
 * @internal
 */
export const trustOf = (
  ca: ReadonlyArray<string> | undefined
): Effect.Effect<{ readonly ca: Array<string> } | undefined> =>
  ca === undefined
    ? Effect.succeed(undefined)
    : Effect.map(extraCertificates, (extra) => ({
      // node:tls is loaded here, for a `ca` only.
      ca: [...process.getBuiltinModule("node:tls").rootCertificates, ...extra, ...ca]
    }))

/** undici, loaded on first use: synchronously, since the Promise facade builds its client so. */
const loadUndici = (): typeof Undici => createRequire(import.meta.url)("undici")

/**
 * undici's connector over `tls`; with `unref`, its sockets never hold the process open, as the
 * Promise facade's own `fetch` does not: a script that sent and ended then exits at its shutdown
 * deadline through a proxy or with a `ca` too, whatever the server does with an open request.
 *
 * An IP address is never sent as the TLS server name: undici gives an https proxy's host as the
 * name, and SNI has no place for an address (Node warns, DEP0123). Without a name the proxy's
 * certificate is still checked against the address.
 */
const connectorOf = (
  undici: typeof Undici,
  tls: Undici.buildConnector.BuildOptions,
  unref: boolean
): Undici.buildConnector.connector => {
  const connect = undici.buildConnector(tls)
  return (given, callback) => {
    const { servername, ...rest } = given
    const options = servername === undefined || net.isIP(servername) === 0 ? given : rest
    if (!unref) {
      connect(options, callback)
      return
    }
    // undici's connector returns the socket it opens (its type says nothing): unref'd at once, a
    // TLS handshake that never completes does not hold the process either. The socket it
    // connects with is unref'd too, in case a later undici stops returning it.
    const opened: unknown = connect(options, (...outcome: Parameters<Undici.buildConnector.Callback>) => {
      outcome[1]?.unref()
      callback(...outcome)
    })
    if (opened instanceof net.Socket) opened.unref()
  }
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
    const undici = loadUndici()
    const { Agent, fetch: undiciFetch, Pool, ProxyAgent } = undici
    const trust = yield* trustOf(options.ca)
    const unref = directFetch !== undefined
    // Not closed with a scope: a service made with `Effect.provide(layer)` outlives the layer's
    // scope, as it does with FetchHttpClient. Idle sockets are unref'd and time out on their own.
    const straight = new Agent({ connect: connectorOf(undici, trust ?? {}, unref) })
    const through = (proxy: ProxyEndpoint): Undici.ProxyAgent => {
      // One connector, as undici's own ProxyAgent has: its TLS sessions are shared by both pools.
      const connect = connectorOf(undici, trust ?? {}, unref)
      const toProxy = (origin: string | URL) => new Pool(origin, { connect })
      return new ProxyAgent({
        uri: proxy.url.href,
        ...(proxy.authorization === undefined ? {} : { token: Redacted.value(proxy.authorization) }),
        // Plain http is forwarded to the proxy as curl does; https always goes through CONNECT.
        proxyTunnel: false,
        ...(trust === undefined ? {} : { requestTls: trust }),
        // The connections to the proxy are on our connector: the one CONNECT tunnels run over
        // (`clientFactory`), and the one plain http is forwarded over (undici asks `factory` for
        // it by the proxy's own URL). The target origins' pools are undici's own.
        clientFactory: toProxy,
        factory: (origin, options) => String(origin) === proxy.url.href ? toProxy(origin) : new Pool(origin, options)
      })
    }
    const httpAgent = options.httpProxy === undefined ? undefined : through(options.httpProxy)
    const httpsAgent = options.httpsProxy === undefined ? undefined : through(options.httpsProxy)

    const straightRoute: Route = { dispatcher: straight, proxy: undefined }
    const route = (url: URL): Route => {
      const [proxy, agent] = url.protocol === "https:"
        ? [options.httpsProxy, httpsAgent]
        : [options.httpProxy, httpAgent]
      if (proxy === undefined || agent === undefined || options.noProxy.bypasses(url)) return straightRoute
      return { dispatcher: agent, proxy }
    }
    const fetchVia = (pick: (url: URL) => Route): typeof globalThis.fetch => async (input, init) => {
      // FetchHttpClient passes a URL and a RequestInit; a Request object would carry its own
      // method, headers and body that undici's fetch cannot take from Node's Request class.
      if (typeof input !== "string" && !(input instanceof URL)) {
        throw new TypeError("effect-signalfx's fetch takes a URL and a RequestInit, as FetchHttpClient calls it")
      }
      const url = new URL(input)
      const { dispatcher, proxy } = pick(url)
      try {
        return await undiciFetch(url, await undiciInit(init, dispatcher))
      } catch (error) {
        if (proxy === undefined || init?.signal?.aborted === true) throw error
        throw explain(proxy, url, error)
      }
    }
    const routed = fetchVia(route)
    const straightOnly = fetchVia(() => straightRoute)

    return HttpClient.transform(plain, (request) =>
      Effect.flatMap(
        FiberRef.get(directConnection),
        (isDirect) => Effect.provideService(request, FetchHttpClient.Fetch, isDirect ? straightOnly : routed)
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
