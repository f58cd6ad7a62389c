import { describe, expect, it } from "@effect/vitest"
import { parse } from "../../src/core/proxy/noProxy.js"

const bypasses = (noProxy: string, url: string): boolean => parse(noProxy).bypasses(new URL(url))

describe("NO_PROXY", () => {
  it("is empty by default: everything goes through the proxy", () => {
    expect(bypasses("", "https://ingest.us1.signalfx.com")).toBe(false)
    expect(bypasses(" , ", "https://ingest.us1.signalfx.com")).toBe(false)
  })

  it("`*` sends everything straight", () => {
    expect(bypasses("*", "https://ingest.us1.signalfx.com")).toBe(true)
    expect(bypasses("example.com, *", "http://10.1.2.3:8080")).toBe(true)
  })

  it("a domain matches itself and its subdomains, not a longer name", () => {
    expect(bypasses("signalfx.com", "https://signalfx.com")).toBe(true)
    expect(bypasses("signalfx.com", "https://ingest.us1.signalfx.com")).toBe(true)
    expect(bypasses("signalfx.com", "https://notsignalfx.com")).toBe(false)
    expect(bypasses("SignalFx.COM", "https://INGEST.signalfx.com")).toBe(true)
  })

  it("a leading `.` or `*.` matches subdomains only, as in the Collector", () => {
    for (const entry of [".signalfx.com", "*.signalfx.com"]) {
      expect(bypasses(entry, "https://api.us1.signalfx.com")).toBe(true)
      expect(bypasses(entry, "https://signalfx.com")).toBe(false)
    }
  })

  it("a port restricts the entry to that port; default ports count", () => {
    expect(bypasses("example.com:8443", "https://example.com:8443")).toBe(true)
    expect(bypasses("example.com:8443", "https://example.com")).toBe(false)
    expect(bypasses("example.com:443", "https://example.com")).toBe(true)
    expect(bypasses("example.com:80", "http://www.example.com")).toBe(true)
  })

  it("IP addresses, CIDR blocks and bracketed IPv6, with or without a port", () => {
    expect(bypasses("127.0.0.1", "http://127.0.0.1:9943")).toBe(true)
    expect(bypasses("127.0.0.1:9943", "http://127.0.0.1:9943")).toBe(true)
    expect(bypasses("127.0.0.1:9944", "http://127.0.0.1:9943")).toBe(false)
    expect(bypasses("10.0.0.0/8", "http://10.20.30.40")).toBe(true)
    expect(bypasses("10.0.0.0/8", "http://11.0.0.1")).toBe(false)
    expect(bypasses("::1", "http://[::1]:9943")).toBe(true)
    expect(bypasses("[::1]:9943", "http://[::1]:9943")).toBe(true)
    expect(bypasses("fd00::/8", "http://[fd00:ec2::254]")).toBe(true)
    // An address entry never matches a name, nor a name entry an address.
    expect(bypasses("127.0.0.1", "http://localhost")).toBe(false)
  })

  it("separates entries by commas and spaces, and ignores ones it cannot read", () => {
    expect(bypasses("a.example  b.example,c.example", "https://b.example")).toBe(true)
    expect(bypasses("10.0.0.0/99, b.example", "https://10.0.0.1")).toBe(false)
    expect(bypasses("10.0.0.0/99, b.example", "https://b.example")).toBe(true)
  })
})
