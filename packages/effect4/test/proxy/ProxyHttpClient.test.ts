import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect } from "vitest"
import { generate } from "../../src/core/testing/tls.js"
import * as Ingest from "../../src/Ingest.js"
import * as ProxyHttpClient from "../../src/ProxyHttpClient.js"
import { ConfigurationError, ProxyError } from "../../src/SignalFxError.js"
import * as FakeSignalFx from "../../src/testing/FakeSignalFx.js"
import { startIngest, TOKEN, withLogs } from "../ingest/support.js"
import { effect } from "../support.js"
import { closedPort, startProxy } from "./support.js"

/** The environment as `layerConfig` reads it, without touching `process.env`. */
const withEnvironment = (variables: Record<string, string>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.provideService(self, ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord(variables))

/** Builds the layer (in the test's scope) and runs one GET with it, to the failure if any. */
const get = (layer: Layer.Layer<HttpClient.HttpClient, ConfigurationError>, url: string) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(layer)
    const client = yield* Effect.provide(HttpClient.HttpClient, context)
    return yield* Effect.exit(client.get(url))
  })

/** The ProxyError under a failed request, if that is what it failed with. */
const proxyErrorOf = <A>(exit: Exit.Exit<A, unknown>): ProxyError | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.squash(exit.cause)
  const cause = error instanceof Error ? error.cause : undefined
  return cause instanceof ProxyError ? cause : undefined
}

/** Sends one gauge through `client` and waits until it is delivered or given up on. */
const sendOne = (server: FakeSignalFx.Server, client: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.gen(function*() {
    const { close, ingest } = yield* startIngest(server, { retry: { initialDelay: 10, maxElapsed: 200 } }, client)
    yield* ingest.send({ gauges: [{ metric: "through.proxy", value: 1 }] })
    yield* ingest.flush
    const stats = yield* ingest.stats
    yield* close
    return stats.datapoints
  })

describe("ProxyHttpClient (Effect 4)", () => {
  effect("forwards plain http through the proxy", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const proxy = yield* startProxy()
      const stats = yield* sendOne(server, ProxyHttpClient.layer({ proxy: proxy.url }).pipe(Layer.orDie))
      expect(stats.delivered).toBe(1)
      expect(server.datapoints().map((point) => point.metric)).toEqual(["through.proxy"])
      // Forwarded as curl does: the absolute URL in the request line, not a tunnel.
      expect(proxy.seen.map((request) => `${request.method} ${request.target}`)).toEqual([
        `POST ${server.url}/v2/datapoint`
      ])
      // The proxy sees the token of a plain http request (so the tunnel test below can fail).
      expect(proxy.everything()).toContain(TOKEN)
    }))

  effect(
    "tunnels https through CONNECT to a server whose certificate is trusted through `ca`",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make({ tls: true })
        const proxy = yield* startProxy()
        const client = ProxyHttpClient.layer({ proxy: proxy.url, ca: server.certificate }).pipe(Layer.orDie)
        const stats = yield* sendOne(server, client)
        expect(stats.delivered).toBe(1)
        expect(server.datapoints()).toHaveLength(1)
        expect(proxy.seen.map((request) => `${request.method} ${request.target}`)).toEqual([
          `CONNECT 127.0.0.1:${server.port}`
        ])
        // The proxy carried the request, and never saw the token: it travelled inside TLS.
        expect(proxy.tunnelled().length).toBeGreaterThan(100)
        expect(proxy.everything()).not.toContain(TOKEN)
      })
  )

  effect("an https:// proxy: TLS to the proxy, and a tunnel inside it", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const credentials = yield* Effect.promise(() => generate("127.0.0.1"))
      const proxy = yield* startProxy({ tls: credentials })
      // Addressed by IP, as proxies often are: the address is not sent as the TLS server name,
      // which Node would warn of (DEP0123), and the certificate is checked against it.
      const warnings: Array<string> = []
      const onWarning = (warning: Error & { code?: string }) => warnings.push(warning.code ?? warning.message)
      process.on("warning", onWarning)
      yield* Effect.addFinalizer(() => Effect.sync(() => process.off("warning", onWarning)))
      const client = ProxyHttpClient.layer({ proxy: proxy.url, ca: [credentials.cert, server.certificate ?? ""] })
      const stats = yield* sendOne(server, client.pipe(Layer.orDie))
      expect(stats.delivered).toBe(1)
      // Warnings are emitted on the next tick.
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      expect(warnings).not.toContain("DEP0123")
      expect(proxy.seen.map((request) => request.method)).toEqual(["CONNECT"])
      expect(proxy.everything()).not.toContain(TOKEN)
    }))

  effect(
    "never turns verification off: without `ca` the tunnel's certificate is refused, naming the proxy",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make({ tls: true })
        const proxy = yield* startProxy()
        const error = proxyErrorOf(yield* get(ProxyHttpClient.layer({ proxy: proxy.url }), `${server.url}/v2/metric`))
        expect(error?.proxy).toBe(proxy.url)
        expect(error?.message).toMatch(
          /^the proxy http:\/\/127\.0\.0\.1:\d+ tunnel to 127\.0\.0\.1:\d+: the certificate/
        )
        expect(error?.message).toContain("`ca`")
        expect(server.requests()).toHaveLength(0)
      })
  )

  effect(
    "asks for credentials with a 407, and passes with them; the password is never shown",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make({ tls: true })
        const proxy = yield* startProxy({ credentials: "alice:s3cr3t-pa55" })
        const without = proxyErrorOf(
          yield* get(ProxyHttpClient.layer({ proxy: proxy.url, ca: server.certificate }), `${server.url}/v2/metric`)
        )
        expect(without?.message).toBe(
          `the proxy ${proxy.url} asks for credentials (407 Proxy Authentication Required); ` +
            "give them in the proxy URL: http://user:password@host:port"
        )
        // A plain http request forwarded to the proxy gets its 407 too.
        const plain = yield* FakeSignalFx.make()
        const forwarded = proxyErrorOf(
          yield* get(ProxyHttpClient.layer({ proxy: proxy.url }), `${plain.url}/v2/metric`)
        )
        expect(forwarded?.message).toMatch(/asks for credentials \(407 Proxy Authentication Required\)/)
        const withUrl = `http://alice:wrong@127.0.0.1:${proxy.port}`
        const wrong = proxyErrorOf(
          yield* get(ProxyHttpClient.layer({ proxy: withUrl, ca: server.certificate }), `${server.url}/v2/metric`)
        )
        expect(wrong?.message).toBe(
          `the proxy ${proxy.url} refused the credentials in the proxy URL (407 Proxy Authentication Required)`
        )
        expect(String(wrong)).not.toContain("wrong")

        yield* withLogs((lines) =>
          Effect.gen(function*() {
            const stats = yield* sendOne(
              server,
              ProxyHttpClient.layer({
                proxy: Redacted.make(`http://alice:s3cr3t-pa55@127.0.0.1:${proxy.port}`),
                ca: server.certificate
              }).pipe(Layer.orDie)
            )
            expect(stats.delivered).toBe(1)
            expect(lines.join("\n")).not.toContain("s3cr3t")
          })
        )
      })
  )

  effect(
    "a proxy that is down: a warning naming the proxy (without credentials) and the reason",
    () =>
      withLogs((lines) =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const port = yield* closedPort
          const stats = yield* sendOne(
            server,
            ProxyHttpClient.layer({ proxy: `http://bob:hunter2@127.0.0.1:${port}` }).pipe(Layer.orDie)
          )
          expect(stats.dropped.retriesExhausted).toBe(1)
          const text = lines.join("\n")
          expect(text).toContain(`the proxy http://127.0.0.1:${port} could not be reached (connect ECONNREFUSED`)
          expect(text).not.toContain("hunter2")
          expect(text).not.toContain("bob")
          expect(server.requests()).toHaveLength(0)
        })
      )
  )

  effect("a CONNECT the proxy refuses: the proxy named, with its answer", () =>
    Effect.gen(function*() {
      const proxy = yield* startProxy()
      const port = yield* closedPort
      const error = proxyErrorOf(yield* get(ProxyHttpClient.layer({ proxy: proxy.url }), `https://127.0.0.1:${port}/`))
      expect(error?.message).toMatch(
        new RegExp(
          `^the proxy ${proxy.url} refused to open a tunnel to 127\\.0\\.0\\.1:${port} \\(it answered the CONNECT with 5\\d\\d\\)$`
        )
      )
    }))

  describe("the environment", () => {
    effect("HTTPS_PROXY carries https, and NO_PROXY sends a listed host straight", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make({ tls: true })
        const proxy = yield* startProxy()
        const proxied = yield* get(
          ProxyHttpClient.layerConfig({ ca: server.certificate }),
          `${server.url}/v2/metric`
        ).pipe(withEnvironment({ HTTPS_PROXY: proxy.url, NO_PROXY: "example.com" }))
        expect(Exit.isSuccess(proxied)).toBe(true)
        expect(proxy.seen).toHaveLength(1)

        for (const noProxy of [`127.0.0.1:${server.port}`, "127.0.0.0/8", "*", "foo.example, 127.0.0.1"]) {
          const straight = yield* get(
            ProxyHttpClient.layerConfig({ ca: server.certificate }),
            `${server.url}/v2/metric`
          ).pipe(withEnvironment({ https_proxy: proxy.url, no_proxy: noProxy }))
          expect(Exit.isSuccess(straight)).toBe(true)
        }
        expect(proxy.seen).toHaveLength(1)
        expect(server.requests()).toHaveLength(5)
      }))

    effect(
      "HTTP_PROXY carries http only; the lower-case name wins; `proxy` overrides both, an empty one with none",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const proxy = yield* startProxy()
          const down = `http://127.0.0.1:${yield* closedPort}`
          // https_proxy does not apply to http URLs.
          const straight = yield* get(ProxyHttpClient.layerConfig(), `${server.url}/v2/metric`).pipe(
            withEnvironment({ HTTPS_PROXY: down })
          )
          expect(Exit.isSuccess(straight)).toBe(true)
          const lower = yield* get(ProxyHttpClient.layerConfig(), `${server.url}/v2/metric`).pipe(
            withEnvironment({ http_proxy: proxy.url, HTTP_PROXY: down })
          )
          expect(Exit.isSuccess(lower)).toBe(true)
          const overridden = yield* get(ProxyHttpClient.layerConfig({ proxy: proxy.url }), `${server.url}/v2/metric`)
            .pipe(withEnvironment({ HTTP_PROXY: down }))
          expect(Exit.isSuccess(overridden)).toBe(true)
          const none = yield* get(ProxyHttpClient.layerConfig({ proxy: "" }), `${server.url}/v2/metric`)
            .pipe(withEnvironment({ HTTP_PROXY: down }))
          expect(Exit.isSuccess(none)).toBe(true)
          expect(proxy.seen).toHaveLength(2)
          expect(server.requests()).toHaveLength(4)
        })
    )

    effect("a malformed proxy variable is a ConfigurationError naming it", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Effect.scoped(Layer.build(ProxyHttpClient.layerConfig())).pipe(
            withEnvironment({ HTTPS_PROXY: "socks5://proxy.corp:1080" })
          )
        )
        expect(error).toBeInstanceOf(ConfigurationError)
        expect([error.option, error.reason]).toEqual([
          "HTTPS_PROXY",
          "must be an http:// or https:// proxy, got socks5:"
        ])
      }))
  })

  effect("Ingest over https with `ca` alone, no proxy", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const stats = yield* sendOne(server, ProxyHttpClient.layer({ ca: server.certificate }).pipe(Layer.orDie))
      expect(stats.delivered).toBe(1)
    }))

  effect("a `ca` keeps NODE_EXTRA_CA_CERTS trusted beside it", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const other = yield* FakeSignalFx.make({ tls: true })
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-test-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true })))
      const extra = path.join(directory, "extra.pem")
      fs.writeFileSync(extra, server.certificate ?? "")
      const layer = ProxyHttpClient.layer({ ca: other.certificate })
      const trusted = yield* get(layer, `${server.url}/v2/metric`).pipe(withEnvironment({ NODE_EXTRA_CA_CERTS: extra }))
      expect(Exit.isSuccess(trusted)).toBe(true)
      const refused = yield* get(layer, `${server.url}/v2/metric`).pipe(withEnvironment({}))
      expect(Exit.isFailure(refused)).toBe(true)
      expect(server.requests()).toHaveLength(1)
    }))

  effect("refuses a malformed proxy or ca when the client is made", () =>
    Effect.gen(function*() {
      const failure = (options: ProxyHttpClient.Options) =>
        Effect.scoped(Layer.build(ProxyHttpClient.layer(options))).pipe(
          Effect.flip,
          Effect.map((error) => `${error.option}: ${error.reason}`)
        )
      expect(yield* failure({ proxy: "http://user:pw@[bad" })).toBe(
        "proxy: is not a proxy URL like http://proxy.example.com:3128"
      )
      expect(yield* failure({ proxy: "http://proxy.corp:3128/path" })).toBe(
        "proxy: must be a proxy's address alone, without a path or query: http://proxy.corp:3128…"
      )
      expect(yield* failure({ ca: "not a certificate" })).toMatch(/^ca: holds no PEM certificate/)
      expect(yield* failure({ ca: "/etc/ssl/corp.pem" })).toMatch(/looks like a file name/)
      expect(yield* failure({ ca: [] })).toBe("ca: must hold at least one certificate")
      // What plain JavaScript may pass despite the types.
      const untyped: ReadonlyArray<unknown> = [Buffer.from("pem"), new URL("http://proxy.corp:3128")]
      const [bytes, url] = untyped
      expect(yield* failure(Object.fromEntries([["ca", bytes]]))).toMatch(
        /^ca: must be PEM text, got bytes: read the file/
      )
      expect(yield* failure(Object.fromEntries([["proxy", url]]))).toBe("proxy: must be a URL string, got object")
      const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"
      expect(yield* failure({ ca: [broken] })).toMatch(/^ca\[0\]: its certificate is not a valid certificate/)
    }))
})

describe("Ingest through ProxyHttpClient.layerConfig (Effect 4)", () => {
  effect("Ingest.layer provided with the proxy client, HTTPS_PROXY from the environment", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const proxy = yield* startProxy()
      const live = Ingest.layer({ token: Redacted.make(TOKEN), ingestEndpoint: server.url, flushInterval: 10 }).pipe(
        Layer.provide(ProxyHttpClient.layerConfig({ ca: server.certificate }))
      )
      yield* Effect.scoped(
        Effect.gen(function*() {
          const ingest = yield* Ingest.Ingest
          yield* ingest.send({ gauges: [{ metric: "m", value: 1 }] })
          yield* ingest.flush
        }).pipe(Effect.provide(live))
      ).pipe(withEnvironment({ HTTPS_PROXY: proxy.url }))
      expect(server.datapoints()).toHaveLength(1)
      expect(proxy.seen.map((request) => request.method)).toEqual(["CONNECT"])
    }))
})
