import { afterEach, assert, describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as util from "node:util"
import { ConfigurationError, SignalFx, type SignalFxOptions } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { AWS_ID, fakeMetadataServer, identityDocument, json } from "../hostIdentity/support.js"
import { closedPort, startProxy } from "./support.js"

const TOKEN = "facade-token-91c2"

const clients: Array<SignalFx> = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()))
})

const client = (url: string, options: SignalFxOptions) => {
  const sfx = new SignalFx(TOKEN, { ingestEndpoint: url, flushInterval: 10, logger: false, ...options })
  clients.push(sfx)
  return sfx
}

describe("SignalFx proxy and ca options", () => {
  it.scopedLive("delivers over https through a CONNECT tunnel; the proxy never sees the token", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const proxy = yield* startProxy({ credentials: "carol:pa55word" })
      const sfx = client(server.url, {
        proxy: `http://carol:pa55word@127.0.0.1:${proxy.port}`,
        ca: server.certificate
      })
      yield* Effect.promise(() => sfx.send({ gauges: [{ metric: "via.proxy", value: 1 }] }))
      yield* Effect.promise(() => sfx.flush())
      expect(server.datapoints().map((point) => point.metric)).toEqual(["via.proxy"])
      expect(proxy.seen.map((request) => request.method)).toEqual(["CONNECT"])
      expect(proxy.everything()).not.toContain(TOKEN)
      for (const shown of [String(sfx), util.inspect(sfx), JSON.stringify(sfx)]) {
        expect(shown).not.toContain("pa55word")
      }
    }))

  it.scopedLive("the metadata methods and sfx.rest go through the same tunnel; the proxy never sees the token", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const proxy = yield* startProxy({})
      const sfx = client(server.url, {
        apiEndpoint: server.url,
        proxy: `http://127.0.0.1:${proxy.port}`,
        ca: server.certificate
      })
      const tag = yield* Effect.promise(() => sfx.updateTag("via-proxy", { description: "through the tunnel" }))
      expect(tag.description).toBe("through the tunnel")
      const organization = yield* Effect.promise(() => sfx.rest.organization.get())
      expect(organization).toBeDefined()
      expect(server.requests().map((request) => `${request.method} ${request.path}`)).toEqual([
        "PUT /v2/tag/via-proxy",
        "GET /v2/organization"
      ])
      // Every request went through a tunnel (one per service, or one shared: the pool decides).
      expect(proxy.seen.length).toBeGreaterThan(0)
      expect(proxy.seen.every((request) => request.method === "CONNECT")).toBe(true)
      expect(proxy.everything()).not.toContain(TOKEN)
    }))

  it("a malformed proxy or ca throws a ConfigurationError from the constructor, without the password", () => {
    const failure = (options: SignalFxOptions): ConfigurationError => {
      try {
        client("http://127.0.0.1:9", options)
      } catch (error) {
        assert.instanceOf(error, ConfigurationError)
        return error
      }
      throw new Error("the constructor did not throw")
    }
    const badProxy = failure({ proxy: "ftp://dave:letmein@proxy.corp:21" })
    expect(badProxy.option).toBe("proxy")
    expect(badProxy.message).toBe("invalid option proxy: must be an http:// or https:// proxy, got ftp:")
    expect(failure({ proxy: Redacted.make("http://dave:letmein@proxy.corp:3128/x") }).message).not.toContain(
      "letmein"
    )
    expect(failure({ ca: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----" }).option).toBe("ca")
  })

  it.scopedLive("host identity lookups go straight to the metadata server, even with a proxy that is down", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* fakeMetadataServer((request) =>
        request.method === "PUT" ? { status: 404 } : json(identityDocument)
      )
      const down = `http://127.0.0.1:${yield* closedPort}`
      const sfx = client(server.url, {
        proxy: down,
        shutdownTimeout: 200,
        hostIdentity: { clouds: ["aws"], awsEndpoint: metadata.url, timeout: 5_000 }
      })
      assert.deepStrictEqual(yield* Effect.promise(() => sfx.hostIdentity()), { AWSUniqueId: AWS_ID })
      // Ingest, meanwhile, does use the proxy: with it down nothing is delivered.
      yield* Effect.promise(() => sfx.send({ gauges: [{ metric: "m", value: 1 }] }))
      expect(server.requests()).toHaveLength(0)
    }))
})
