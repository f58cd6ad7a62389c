/**
 * Why a request through a proxy failed, said of the proxy, for both Effect majors' `ProxyError`:
 * refused or unreachable, a tunnel refused (407 without or with wrong credentials, another
 * status), or a certificate the tunnel's far end showed that is not trusted.
 */

/** What a reason needs of the proxy: its URL, and whether credentials were given. @internal */
export interface ExplainedProxy {
  readonly url: URL
  readonly authorization: unknown
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
export const refusedReason = (proxy: ExplainedProxy, target: URL, status: number): string =>
  status !== 407
    ? `refused to open a tunnel to ${target.host} (it answered the CONNECT with ${status})`
    : proxy.authorization === undefined
    ? "asks for credentials (407 Proxy Authentication Required); give them in the proxy URL: http://user:password@host:port"
    : "refused the credentials in the proxy URL (407 Proxy Authentication Required)"

/** @internal */
export const explainReason = (proxy: ExplainedProxy, target: URL, error: unknown): string => {
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
  if (status !== undefined) return refusedReason(proxy, target, status)
  const code = errors.map(codeOf).find((found) => found !== undefined)
  if (code !== undefined && UNTRUSTED.has(code)) {
    return `${proxy.url.protocol === "https:" ? "connection or " : ""}tunnel to ${target.host}: ` +
      `the certificate shown is not trusted (${messageOf(innermost)}); ` +
      "a proxy that inspects TLS needs its certificate authority in `ca` or NODE_EXTRA_CA_CERTS"
  }
  if (code !== undefined && UNREACHABLE.has(code)) return `could not be reached (${messageOf(innermost)})`
  return `failed the request to ${target.host} (${messageOf(innermost)})`
}
