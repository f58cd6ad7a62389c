/**
 * The proxy and certificate settings, given in code or read from the environment, checked for
 * both Effect majors: a proxy URL (`host:port` allowed, credentials taken apart so the URL can
 * be shown), `NO_PROXY`, and PEM certificate authorities. A problem throws the core's
 * `InvalidOption` (`core/http/options.ts`), which each package turns into a `ConfigurationError`
 * naming the option (or the environment variable); a proxy's credentials never appear in it.
 */
import * as fs from "node:fs"
import type { Variables } from "../environment.js"
import { invalid } from "../http/options.js"
import type { NoProxy } from "./noProxy.js"
import * as noProxy from "./noProxy.js"

/** A setting and the name it goes by in messages: an option, or an environment variable. @internal */
export interface Named<A> {
  readonly option: string
  readonly value: A
}

/**
 * How a package keeps a secret: each Effect major's `Redacted`. A proxy's URL may hold
 * credentials, so it is kept as one from the moment it is read, and so is the
 * `Proxy-Authorization` value made of them.
 * @internal
 */
export interface Secrets<S> {
  /** A proxy given in code, as a secret: kept as it is if it is one already. */
  readonly fromGiven: (value: string | S) => S
  readonly conceal: (text: string) => S
  readonly reveal: (secret: S) => unknown
}

/** A proxy, its credentials apart so that its URL can be shown. @internal */
export interface ProxyEndpoint<S> {
  /** The proxy's URL without credentials. */
  readonly url: URL
  /** `http://host:port`: what messages show. */
  readonly display: string
  /** The `Proxy-Authorization` value for the credentials the URL carried, if any. */
  readonly authorization: S | undefined
}

/** What {@link resolve} checks. @internal */
export interface Settings<S> {
  readonly httpProxy: Named<S> | undefined
  readonly httpsProxy: Named<S> | undefined
  readonly noProxy: string | undefined
  readonly ca: Named<unknown> | undefined
}

/** @internal */
export interface Resolved<S> {
  /** The proxy for `http://` URLs. */
  readonly httpProxy: ProxyEndpoint<S> | undefined
  /** The proxy for `https://` URLs. */
  readonly httpsProxy: ProxyEndpoint<S> | undefined
  readonly noProxy: NoProxy
  /** Certificates trusted beside Node's own; none given leaves Node's trust as it is. */
  readonly ca: ReadonlyArray<string> | undefined
}

/** The proxy settings given in code: `ProxyHttpClient.Options`, and the same on `SignalFlow.Options`. @internal */
export interface Given<S> {
  readonly proxy?: string | S | undefined
  readonly noProxy?: string | undefined
  readonly ca?: string | ReadonlyArray<string> | undefined
}

/**
 * The environment variables of the proxies, lower-case first as curl reads them; the first set
 * and not blank wins.
 * @internal
 */
export const ENVIRONMENT = {
  httpProxy: ["http_proxy", "HTTP_PROXY"] satisfies Variables,
  httpsProxy: ["https_proxy", "HTTPS_PROXY"] satisfies Variables,
  noProxy: ["no_proxy", "NO_PROXY"] satisfies Variables,
  extraCertificates: "NODE_EXTRA_CA_CERTS"
} as const

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

const proxyOf = <S>(secrets: Secrets<S>, setting: Named<S> | undefined): ProxyEndpoint<S> | undefined => {
  if (setting === undefined) return undefined
  const { option } = setting
  // What a JavaScript caller passed may be anything.
  const value = secrets.reveal(setting.value)
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
  let authorization: S | undefined
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
    authorization = secrets.conceal(`Basic ${Buffer.from(credentials, "utf8").toString("base64")}`)
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

const certificateAuthorities = (
  setting: Named<unknown> | undefined
): ReadonlyArray<string> | undefined => {
  if (setting === undefined || setting.value === undefined) return undefined
  const { option, value } = setting
  if (!Array.isArray(value)) return certificates(option, value)
  if (value.length === 0) return invalid(option, "must hold at least one certificate")
  return value.flatMap((text: unknown, index) => certificates(`${option}[${index}]`, text))
}

/** @internal */
export const resolve = <S>(secrets: Secrets<S>, settings: Settings<S>): Resolved<S> => ({
  httpProxy: proxyOf(secrets, settings.httpProxy),
  httpsProxy: proxyOf(secrets, settings.httpsProxy),
  noProxy: noProxy.parse(settings.noProxy ?? ""),
  ca: certificateAuthorities(settings.ca)
})

/** The settings given in code over the environment's: `proxy` overrides both proxy variables. @internal */
export const givenOverEnvironment = <S>(
  secrets: Secrets<S>,
  options: Given<S>,
  environment: Omit<Settings<S>, "ca">
): Settings<S> => {
  const proxy = options.proxy === undefined ? undefined : { option: "proxy", value: secrets.fromGiven(options.proxy) }
  return {
    httpProxy: proxy ?? environment.httpProxy,
    httpsProxy: proxy ?? environment.httpsProxy,
    noProxy: options.noProxy ?? environment.noProxy,
    ca: options.ca === undefined ? undefined : { option: "ca", value: options.ca }
  }
}

/** No proxy variables: what `make` and `layer` go by. @internal */
export const noEnvironment = { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined } as const

/**
 * The certificates of the `NODE_EXTRA_CA_CERTS` file, which Node adds to its own at start-up.
 * When `ca` is given they must be added again: a `ca` replaces Node's trust for the connection.
 * A file Node could not read it already warned about and ignored; so is it here.
 * @internal
 */
export const readExtraCertificates = (path: string): Array<string> => {
  try {
    return pemCertificates(fs.readFileSync(path, "utf8"))
  } catch {
    return []
  }
}

/** The TLS trust of a connection. @internal */
export interface Trust {
  readonly ca: Array<string>
}

/**
 * The TLS trust for a `ca`: it replaces Node's trust for a connection, so Node's own roots and
 * NODE_EXTRA_CA_CERTS (`extra`) are given again beside it; without a `ca`, Node's trust as it
 * is. Verification stays on: no option here turns it off.
 * @internal
 */
export const trustOf = (ca: ReadonlyArray<string> | undefined, extra: ReadonlyArray<string>): Trust | undefined =>
  // node:tls is loaded here, for a `ca` only.
  ca === undefined ? undefined : { ca: [...process.getBuiltinModule("node:tls").rootCertificates, ...extra, ...ca] }
