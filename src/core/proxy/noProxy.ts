/**
 * `NO_PROXY`, read as the OpenTelemetry Collector (Go's `httpproxy`) and curl read it: a list of
 * entries separated by commas or spaces, each a domain (`example.com` matches it and its
 * subdomains, `.example.com` and `*.example.com` only its subdomains), an IP address, a CIDR
 * block (`10.0.0.0/8`), or `*` for every host; a domain or address may carry a port
 * (`example.com:8443`, `[::1]:9943`), and then matches only that port. Matching ignores case.
 *
 * undici's `EnvHttpProxyAgent` matches a bare `example.com` only exactly, and knows neither CIDR
 * blocks nor bracketed IPv6, so the routing decision is made here and undici does the rest.
 */
import * as net from "node:net"

type Entry =
  | { readonly _tag: "All" }
  | { readonly _tag: "Domain"; readonly name: string; readonly subdomainsOnly: boolean; readonly port: number }
  | { readonly _tag: "Address"; readonly addresses: net.BlockList; readonly port: number }

/** @internal */
export interface NoProxy {
  /** The list as given, for messages. */
  readonly source: string
  /** Whether a request to this URL goes straight to its host. */
  readonly bypasses: (url: URL) => boolean
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 }

/** `[::1]:80` → `::1`, 80; `host:80` → `host`, 80; a bare IPv6 address has no port. */
const splitPort = (entry: string): { readonly host: string; readonly port: number } => {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracketed !== null) return { host: bracketed[1] ?? "", port: Number(bracketed[2] ?? 0) }
  const withPort = /^([^:]+):(\d+)$/.exec(entry)
  if (withPort !== null) return { host: withPort[1] ?? "", port: Number(withPort[2]) }
  return { host: entry, port: 0 }
}

const familyOf = (address: string): "ipv4" | "ipv6" | undefined => {
  const version = net.isIP(address)
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : undefined
}

const parseEntry = (raw: string): Entry | undefined => {
  const entry = raw.trim().toLowerCase()
  if (entry === "") return undefined
  if (entry === "*") return { _tag: "All" }
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry)
  if (cidr !== null) {
    const address = cidr[1] ?? ""
    const family = familyOf(address)
    const prefix = Number(cidr[2])
    if (family === undefined || prefix > (family === "ipv4" ? 32 : 128)) return undefined
    const addresses = new net.BlockList()
    addresses.addSubnet(address, prefix, family)
    return { _tag: "Address", addresses, port: 0 }
  }
  const { host, port } = splitPort(entry)
  const family = familyOf(host)
  if (family !== undefined) {
    const addresses = new net.BlockList()
    addresses.addAddress(host, family)
    return { _tag: "Address", addresses, port }
  }
  const subdomainsOnly = host.startsWith(".") || host.startsWith("*.")
  const name = host.replace(/^\*?\.+/, "").replace(/\.$/, "")
  return name === "" ? undefined : { _tag: "Domain", name, subdomainsOnly, port }
}

const matches = (entry: Entry, host: string, port: number): boolean => {
  switch (entry._tag) {
    case "All":
      return true
    case "Address": {
      if (entry.port !== 0 && entry.port !== port) return false
      const family = familyOf(host)
      return family !== undefined && entry.addresses.check(host, family)
    }
    case "Domain":
      if (entry.port !== 0 && entry.port !== port) return false
      return host.endsWith(`.${entry.name}`) || (!entry.subdomainsOnly && host === entry.name)
  }
}

/**
 * The entries of a `NO_PROXY` value; entries that are none of the forms above (`10.0.0.0/99`)
 * match nothing, as in the Collector.
 * @internal
 */
export const parse = (value: string): NoProxy => {
  const entries = value.split(/[\s,]+/).flatMap((raw) => {
    const entry = parseEntry(raw)
    return entry === undefined ? [] : [entry]
  })
  return {
    source: value,
    bypasses: (url) => {
      if (entries.length === 0) return false
      // URL keeps IPv6 hosts in brackets and drops a default port.
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase()
      const port = url.port === "" ? DEFAULT_PORTS[url.protocol] ?? 0 : Number(url.port)
      return entries.some((entry) => matches(entry, host, port))
    }
  }
}

/** @internal */
export const none: NoProxy = parse("")
