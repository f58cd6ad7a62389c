/**
 * A `fetch` that goes through a proxy, for both Effect majors' `FetchHttpClient`: undici's own
 * `fetch` with an undici dispatcher chosen per request: a `ProxyAgent` (a CONNECT tunnel for
 * https, the request forwarded as is for plain http, as curl does), or a plain `Agent` for hosts
 * that `NO_PROXY` lists and for cloud metadata lookups. undici is loaded on first use only: its
 * 200 ms of start-up are paid only by a process that needs a proxy or a `ca`.
 */
import { createRequire } from "node:module"
import * as net from "node:net"
import type * as Undici from "undici"
import type { NoProxy } from "./noProxy.js"
import type { Trust } from "./options.js"

/** A proxy to route through, `endpoint` being the package's own description of it. @internal */
export interface ProxyRoute<P> {
  readonly endpoint: P
  /** The proxy's URL without credentials. */
  readonly url: URL
  /** The `Proxy-Authorization` value, if the proxy takes credentials. */
  readonly authorization: string | undefined
}

/** @internal */
export interface ProxyFetchSettings<P> {
  readonly httpProxy: ProxyRoute<P> | undefined
  readonly httpsProxy: ProxyRoute<P> | undefined
  readonly noProxy: NoProxy
  readonly trust: Trust | undefined
  /** Sockets that never hold the process open (the Promise facade's). */
  readonly unref: boolean
  /** What a request that failed through `endpoint` rejects with: the package's `ProxyError`. */
  readonly explain: (endpoint: P, target: URL, error: unknown) => unknown
}

/** @internal */
export interface ProxyFetch {
  /** Through the proxy for the URL's scheme, unless `NO_PROXY` lists its host. */
  readonly routed: typeof globalThis.fetch
  /** Straight to the host, whatever the proxy settings: a cloud's metadata server. */
  readonly straight: typeof globalThis.fetch
}

/** undici, loaded on first use: synchronously, since the Promise facade builds its client so. */
const loadUndici = (): typeof Undici => createRequire(import.meta.url)("undici")

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

interface Dispatch<P> {
  readonly dispatcher: Undici.Dispatcher
  readonly proxy: ProxyRoute<P> | undefined
}

/**
 * The two fetches. Their agents are not closed with a scope: a client made with
 * `Effect.provide(layer)` outlives the layer's scope, as it does with FetchHttpClient. Idle
 * sockets are unref'd and time out on their own.
 * @internal
 */
export const makeProxyFetch = <P>(settings: ProxyFetchSettings<P>): ProxyFetch => {
  const undici = loadUndici()
  const { Agent, fetch: undiciFetch, Pool, ProxyAgent } = undici
  const { trust, unref } = settings
  const straightAgent = new Agent({ connect: connectorOf(undici, trust ?? {}, unref) })
  const through = (proxy: ProxyRoute<P>): Undici.ProxyAgent => {
    // One connector, as undici's own ProxyAgent has: its TLS sessions are shared by both pools.
    const connect = connectorOf(undici, trust ?? {}, unref)
    const toProxy = (origin: string | URL) => new Pool(origin, { connect })
    return new ProxyAgent({
      uri: proxy.url.href,
      ...(proxy.authorization === undefined ? {} : { token: proxy.authorization }),
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
  const httpAgent = settings.httpProxy === undefined ? undefined : through(settings.httpProxy)
  const httpsAgent = settings.httpsProxy === undefined ? undefined : through(settings.httpsProxy)

  const straightRoute: Dispatch<P> = { dispatcher: straightAgent, proxy: undefined }
  const route = (url: URL): Dispatch<P> => {
    const [proxy, agent] = url.protocol === "https:"
      ? [settings.httpsProxy, httpsAgent]
      : [settings.httpProxy, httpAgent]
    if (proxy === undefined || agent === undefined || settings.noProxy.bypasses(url)) return straightRoute
    return { dispatcher: agent, proxy }
  }
  const fetchVia = (pick: (url: URL) => Dispatch<P>): typeof globalThis.fetch => async (input, init) => {
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
      throw settings.explain(proxy.endpoint, url, error)
    }
  }
  return { routed: fetchVia(route), straight: fetchVia(() => straightRoute) }
}
