/**
 * Turns the proxy and certificate settings, given in code or read from the environment, into
 * checked ones, failing with a `ConfigurationError` that names the option (or the environment
 * variable) and never shows a proxy's credentials.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import type { NoProxy } from "../../core/proxy/noProxy.js"
import * as noProxy from "../../core/proxy/noProxy.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { firstOf } from "../config.js"
import { invalid, resolving } from "../http/options.js"

/** A proxy, its credentials apart so that its URL can be shown. @internal */
export interface ProxyEndpoint {
  /** The proxy's URL without credentials. */
  readonly url: URL
  /** `http://host:port`: what messages show. */
  readonly display: string
  /** The `Proxy-Authorization` value for the credentials the URL carried, if any. */
  readonly authorization: Redacted.Redacted<string> | undefined
}

/** @internal */
export interface ResolvedOptions {
  /** The proxy for `http://` URLs. */
  readonly httpProxy: ProxyEndpoint | undefined
  /** The proxy for `https://` URLs. */
  readonly httpsProxy: ProxyEndpoint | undefined
  readonly noProxy: NoProxy
  /** Certificates trusted beside Node's own; none given leaves Node's trust as it is. */
  readonly ca: ReadonlyArray<string> | undefined
}

/** A setting and the name it goes by in messages: an option, or an environment variable. @internal */
export interface Named<A> {
  readonly option: string
  readonly value: A
}

/** What {@link resolve} checks. @internal */
export interface Settings {
  readonly httpProxy: Named<Redacted.Redacted<string>> | undefined
  readonly httpsProxy: Named<Redacted.Redacted<string>> | undefined
  readonly noProxy: string | undefined
  readonly ca: Named<unknown> | undefined
}

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

const proxyEndpoint = (setting: Named<Redacted.Redacted<string>> | undefined): ProxyEndpoint | undefined => {
  if (setting === undefined) return undefined
  const { option } = setting
  const value: unknown = Redacted.value(setting.value)
  if (typeof value !== "string") return invalid(option, `must be a URL string, got ${typeof value}`)
  const raw = value.trim()
  if (raw === "") return undefined
  // `proxy.corp:3128`, as curl and the Collector take it, is an http proxy.
  const text = HAS_SCHEME.test(raw) ? raw : `http://${raw}`
  // The value is shown only when it cannot hold credentials.
  const shown = text.includes("@") ? "" : `: ${text}`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return invalid(option, `is not a proxy URL like http://proxy.example.com:3128${shown}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    invalid(option, `must be an http:// or https:// proxy, got ${url.protocol}`)
  }
  if (url.hostname === "") invalid(option, `has no host${shown}`)
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    invalid(option, `must be a proxy's address alone, without a path or query: ${url.protocol}//${url.host}…`)
  }
  let authorization: Redacted.Redacted<string> | undefined
  if (url.username !== "" || url.password !== "") {
    let credentials: string
    try {
      credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    } catch {
      return invalid(
        option,
        `has credentials that are not validly percent-encoded (proxy ${url.protocol}//${url.host})`
      )
    }
    authorization = Redacted.make(`Basic ${Buffer.from(credentials, "utf8").toString("base64")}`)
    url.username = ""
    url.password = ""
  }
  return { url, display: `${url.protocol}//${url.host}`, authorization }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g

/** The certificates of a PEM text; text that holds none gives none. @internal */
export const pemCertificates = (text: string): Array<string> => text.match(PEM_CERTIFICATE) ?? []

const certificates = (option: string, text: unknown): Array<string> => {
  if (typeof text !== "string") {
    return invalid(
      option,
      text instanceof Uint8Array
        ? "must be PEM text, got bytes: read the file as text, fs.readFileSync(path, \"utf8\")"
        : `must be PEM text, got ${typeof text}`
    )
  }
  const found = pemCertificates(text)
  if (found.length === 0) {
    const hint = /^[^\n]*\.(pem|crt|cer)\s*$/i.test(text.trim()) || /^[./~]/.test(text.trim())
      ? "; it looks like a file name: pass the file's contents (fs.readFileSync(path, \"utf8\"))"
      : ""
    invalid(option, `holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)${hint}`)
  }
  // node:crypto is loaded here, for a `ca` only: a client without one never loads it.
  const { X509Certificate } = process.getBuiltinModule("node:crypto")
  found.forEach((pem, index) => {
    try {
      new X509Certificate(pem)
    } catch (error) {
      const which = found.length === 1 ? "its certificate" : `its certificate ${index + 1} of ${found.length}`
      invalid(option, `${which} is not a valid certificate (${error instanceof Error ? error.message : String(error)})`)
    }
  })
  return found
}

const certificateAuthorities = (setting: Named<unknown> | undefined): ReadonlyArray<string> | undefined => {
  if (setting === undefined || setting.value === undefined) return undefined
  const { option, value } = setting
  if (!Array.isArray(value)) return certificates(option, value)
  if (value.length === 0) return invalid(option, "must hold at least one certificate")
  return value.flatMap((text: unknown, index) => certificates(`${option}[${index}]`, text))
}

/** @internal */
export const resolve = (settings: Settings): Either.Either<ResolvedOptions, ConfigurationError> =>
  resolving(() => ({
    httpProxy: proxyEndpoint(settings.httpProxy),
    httpsProxy: proxyEndpoint(settings.httpsProxy),
    noProxy: noProxy.parse(settings.noProxy ?? ""),
    ca: certificateAuthorities(settings.ca)
  }))

/** The proxy settings given in code: `ProxyHttpClient.Options`, and the same on `SignalFlow.Options`. @internal */
export interface Given {
  readonly proxy?: string | Redacted.Redacted<string> | undefined
  readonly noProxy?: string | undefined
  readonly ca?: string | ReadonlyArray<string> | undefined
}

/** The settings given in code, over the environment's: `proxy` overrides both proxy variables. @internal */
export const fromOptions = (
  options: Given,
  environment: Omit<Settings, "ca">
): Either.Either<ResolvedOptions, ConfigurationError> => {
  const proxy = options.proxy === undefined
    ? undefined
    : { option: "proxy", value: Redacted.isRedacted(options.proxy) ? options.proxy : Redacted.make(options.proxy) }
  return resolve({
    httpProxy: proxy ?? environment.httpProxy,
    httpsProxy: proxy ?? environment.httpsProxy,
    noProxy: options.noProxy ?? environment.noProxy,
    ca: options.ca === undefined ? undefined : { option: "ca", value: options.ca }
  })
}

/** No proxy variables: what `make` and `layer` go by. @internal */
export const noEnvironment: Omit<Settings, "ca"> = { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined }

const named = (name: string): Config.Config<Named<Redacted.Redacted<string>>> =>
  Config.redacted(name).pipe(
    Config.validate({ message: "empty", validation: (value) => Redacted.value(value).trim() !== "" }),
    Config.map((value) => ({ option: name, value }))
  )

/** The first of the lower- and upper-case variable that is set and not empty, as curl reads them. */
const proxyVariable = (lower: string): Config.Config<Option.Option<Named<Redacted.Redacted<string>>>> =>
  Config.option(firstOf(named(lower), named(lower.toUpperCase()))).pipe(
    Config.orElse(() => Config.succeed(Option.none()))
  )

/**
 * The environment's proxy settings: `https_proxy` / `HTTPS_PROXY` for https URLs, `http_proxy` /
 * `HTTP_PROXY` for http ones (the lower-case name first, as curl reads them), `no_proxy` /
 * `NO_PROXY`.
 * @internal
 */
export const fromEnvironment: Effect.Effect<Omit<Settings, "ca">> = Effect.orElseSucceed(
  Config.all({
    httpProxy: proxyVariable("http_proxy"),
    httpsProxy: proxyVariable("https_proxy"),
    noProxy: Config.option(firstOf(Config.string("no_proxy"), Config.string("NO_PROXY")))
  }),
  () => ({ httpProxy: Option.none(), httpsProxy: Option.none(), noProxy: Option.none() })
).pipe(
  Effect.map(({ httpProxy, httpsProxy, noProxy }) => ({
    httpProxy: Option.getOrUndefined(httpProxy),
    httpsProxy: Option.getOrUndefined(httpsProxy),
    noProxy: Option.getOrUndefined(noProxy)
  }))
)

/**
 * `NODE_EXTRA_CA_CERTS`, the certificates Node adds to its own at start-up. When `ca` is given
 * they must be added again: a `ca` replaces Node's trust for the connection. A file Node could
 * not read it already warned about and ignored; so is it here.
 * @internal
 */
export const extraCertificates: Effect.Effect<ReadonlyArray<string>> = Config.option(
  Config.string("NODE_EXTRA_CA_CERTS")
).pipe(
  Effect.orElseSucceed(() => Option.none<string>()),
  Effect.map(Option.match({
    onNone: () => [],
    onSome: (path) => {
      try {
        return pemCertificates(fs.readFileSync(path, "utf8"))
      } catch {
        return []
      }
    }
  }))
)
