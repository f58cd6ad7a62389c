/**
 * An `HttpClient` for networks where enterprises run: through an HTTP(S) proxy, trusting a
 * private certificate authority. Provide it where `FetchHttpClient.layer` would go, and every
 * service of this library (ingest, metadata, host identity) talks through it.
 *
 * - `layerConfig()` honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either case) as curl and
 *   the OpenTelemetry Collector do: https goes through a CONNECT tunnel, so the proxy never sees
 *   the token; plain http is forwarded; `NO_PROXY` takes domains (which match their subdomains),
 *   `.domain` for subdomains only, IP addresses, CIDR blocks, ports and `*`.
 * - `proxy` (a URL, credentials allowed) overrides the environment's proxies. Its credentials
 *   never appear in a log line, an error or `toString()`.
 * - `ca` (PEM, one or more) adds certificate authorities to Node's own, `NODE_EXTRA_CA_CERTS`
 *   included. Certificates are always verified.
 * - Cloud metadata lookups (`HostIdentity`) never go through a proxy.
 * - A request that fails because of the proxy fails with a `SignalFxError.ProxyError` as its cause,
 *   naming the proxy and the reason (unreachable, 407, tunnel refused, untrusted certificate).
 *
 * Built on undici's `ProxyAgent` and its `fetch`, run by Effect's `FetchHttpClient`.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Ingest, ProxyHttpClient } from "@effect-signalfx/effect4"
 *
 * // HTTPS_PROXY=http://proxy.corp:3128 NO_PROXY=localhost SPLUNK_ACCESS_TOKEN=... node app.js
 * const IngestLive = Ingest.layerConfig().pipe(Layer.provide(ProxyHttpClient.layerConfig()))
 *
 * const program = Effect.flatMap(Ingest.Ingest, (ingest) => ingest.send({ gauges: [{ metric: "up", value: 1 }] }))
 * Effect.runPromise(program.pipe(Effect.provide(IngestLive)))
 * ```
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as client from "./internal/proxy/client.js"
import * as options_ from "./internal/proxy/options.js"
import type { ConfigurationError } from "./SignalFxError.js"

/**
 * How requests leave the process.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { ProxyHttpClient } from "@effect-signalfx/effect4"
 * import * as fs from "node:fs"
 *
 * const options: ProxyHttpClient.Options = {
 *   proxy: Redacted.make("http://user:secret@proxy.corp:3128"),
 *   noProxy: "localhost,.internal.corp",
 *   ca: fs.readFileSync("/etc/ssl/corp-root-ca.pem", "utf8")
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /**
   * The proxy for every request, http and https: `http://host:port`, `https://host:port`, or
   * `host:port`; `http://user:password@host:port` for a proxy that asks for credentials (Basic),
   * percent-encoded. Overrides `HTTPS_PROXY` and `HTTP_PROXY`; `""` goes without a proxy
   * whatever they say.
   */
  readonly proxy?: string | Redacted.Redacted<string> | undefined
  /** The hosts reached directly, in `NO_PROXY`'s syntax. Overrides `NO_PROXY`. */
  readonly noProxy?: string | undefined
  /**
   * Certificate authorities to trust beside Node's own (and `NODE_EXTRA_CA_CERTS`): PEM text,
   * each string holding one or more certificates. For a private CA, or a proxy that inspects
   * TLS with its own.
   */
  readonly ca?: string | ReadonlyArray<string> | undefined
}

/**
 * The client, configured by the options alone: the environment's proxy variables are not read
 * (see {@link layerConfig}). Fails with a `ConfigurationError` for a malformed `proxy` or `ca`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ProxyHttpClient } from "@effect-signalfx/effect4"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* ProxyHttpClient.make({ proxy: "http://proxy.corp:3128" })
 *   const response = yield* client.get("https://api.us1.signalfx.com/v2/metric?limit=1")
 *   return response.status
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<HttpClient.HttpClient, ConfigurationError> =>
  Effect.flatMap(Effect.fromResult(options_.fromOptions(options, options_.noEnvironment)), client.make)

/**
 * The client as a layer, configured by the options alone (see {@link layerConfig} to honour the
 * environment's proxy variables).
 *
 * @example
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { Metadata, ProxyHttpClient } from "@effect-signalfx/effect4"
 *
 * const MetadataLive = Metadata.layer({ token: Redacted.make("API_TOKEN"), realm: "us1" }).pipe(
 *   Layer.provide(ProxyHttpClient.layer({ proxy: "http://proxy.corp:3128", noProxy: "localhost" }))
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, ConfigurationError> =>
  Layer.effect(HttpClient.HttpClient, make(options))

/**
 * The client as a layer that honours the environment: `https_proxy` / `HTTPS_PROXY` for https
 * URLs, `http_proxy` / `HTTP_PROXY` for http ones (the lower-case name first, as curl reads
 * them), `no_proxy` / `NO_PROXY`, and `NODE_EXTRA_CA_CERTS`. Options given here win over the
 * environment. A malformed variable is a `ConfigurationError` naming it.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { Ingest, ProxyHttpClient } from "@effect-signalfx/effect4"
 * import * as fs from "node:fs"
 *
 * const IngestLive = Ingest.layerConfig().pipe(
 *   Layer.provide(ProxyHttpClient.layerConfig({ ca: fs.readFileSync("corp-ca.pem", "utf8") }))
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, ConfigurationError> =>
  client.layerFromEnvironment(options)
