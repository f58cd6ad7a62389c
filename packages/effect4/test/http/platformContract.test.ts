/**
 * The contract with the installed `effect/http` that the request hardening
 * (src/internal/http/transport.ts) stands on. If an upgrade of Effect breaks one of these, the
 * token may follow a redirect to another host: fix the hardening before the upgrade.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Tracer from "effect/Tracer"
import * as http from "node:http"
import { afterAll, assert, beforeAll, describe } from "vitest"
import { effect } from "../support.js"

const DEPENDS = "The request hardening (src/internal/http/transport.ts) depends on this:"

/** Two origins: `from` redirects every request to `to`, which answers 200. */
const received = { from: 0, to: 0 }
let from: http.Server
let to: http.Server
let fromUrl: string
let toUrl: string
const listen = (server: http.Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`)
    })
  )
beforeAll(async () => {
  to = http.createServer((request, response) => {
    received.to++
    request.resume()
    response.end("arrived")
  })
  toUrl = await listen(to)
  from = http.createServer((request, response) => {
    received.from++
    request.resume()
    response.writeHead(302, { location: `${toUrl}/landed` }).end()
  })
  fromUrl = await listen(from)
})
afterAll(() => Promise.all([from, to].map((server) => new Promise((resolve) => server.close(resolve)))))

const noRedirects: RequestInit = { redirect: "manual" }

/**
 * Runs `effect` as the hardening does: tracer on, propagation not disabled, `asked` recording each
 * request the base client asks about.
 */
const asking = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>, asked: Array<string>) =>
  effect.pipe(
    Effect.provideService(HttpClient.TracerDisabledWhen, (request) => {
      asked.push(request.url)
      return true
    }),
    Effect.provideService(Tracer.DisablePropagation, false),
    Effect.withTracerEnabled(true),
    Effect.provideService(FetchHttpClient.RequestInit, noRedirects),
    Effect.provide(FetchHttpClient.layer)
  )

describe("the installed effect/http", () => {
  effect(
    "honours FetchHttpClient.RequestInit: with redirect \"manual\", a 3xx is the answer, not followed",
    () =>
      Effect.gen(function*() {
        const before = { ...received }
        const response = yield* asking(
          Effect.flatMap(HttpClient.HttpClient, (client) => client.get(`${fromUrl}/start`)),
          []
        )
        assert.strictEqual(
          response.status,
          302,
          `${DEPENDS} FetchHttpClient must pass FetchHttpClient.RequestInit to fetch, so that { redirect: "manual" } ` +
            "leaves a redirect unfollowed"
        )
        assert.strictEqual(received.to, before.to, `${DEPENDS} fetch must not follow the redirect itself`)
      })
  )

  effect(
    "asks TracerDisabledWhen about every request it sends, a redirect followed by followRedirects too",
    () =>
      Effect.gen(function*() {
        const asked: Array<string> = []
        const response = yield* asking(
          Effect.flatMap(
            HttpClient.HttpClient,
            (client) => HttpClient.followRedirects(client, 3).get(`${fromUrl}/start`)
          ),
          asked
        )
        assert.strictEqual(response.status, 200)
        assert.deepStrictEqual(
          asked.map((url) => new URL(url).origin),
          [fromUrl, toUrl],
          `${DEPENDS} the base client (HttpClient.make) must call HttpClient.TracerDisabledWhen for each request ` +
            "it is about to send, including one that HttpClient.followRedirects makes for a Location, so that a " +
            "request bound for another origin can be stopped before it leaves"
        )
      })
  )

  effect(
    "does not ask TracerDisabledWhen while Tracer.DisablePropagation is on: the hardening turns it off",
    () =>
      Effect.gen(function*() {
        const asked: Array<string> = []
        yield* asking(
          Effect.flatMap(HttpClient.HttpClient, (client) => client.get(`${toUrl}/quiet`)).pipe(
            Effect.provideService(Tracer.DisablePropagation, true)
          ),
          asked
        )
        assert.deepStrictEqual(
          asked,
          [],
          `${DEPENDS} an application's Tracer.DisablePropagation skips the guard, so the hardening sets it to false ` +
            "around its own requests; if this now asks, that is no longer needed"
        )
      })
  )

  effect(
    "stops a request whose TracerDisabledWhen throws, before it is sent, with the thrown value as a defect",
    () =>
      Effect.gen(function*() {
        const before = { ...received }
        const refusal = new Error("not to that origin")
        const exit = yield* Effect.flatMap(HttpClient.HttpClient, (client) => client.get(`${toUrl}/never`)).pipe(
          Effect.provideService(HttpClient.TracerDisabledWhen, () => {
            throw refusal
          }),
          Effect.provideService(Tracer.DisablePropagation, false),
          Effect.withTracerEnabled(true),
          Effect.provide(FetchHttpClient.layer),
          Effect.exit
        )
        assert.strictEqual(received.to, before.to, `${DEPENDS} a throwing TracerDisabledWhen must stop the request`)
        assert.isTrue(
          Exit.isFailure(exit) &&
            exit.cause.reasons.some((reason) => Cause.isDieReason(reason) && reason.defect === refusal),
          `${DEPENDS} what TracerDisabledWhen throws must come back as a defect, to be turned into a refusal`
        )
      })
  )

  effect(
    "keeps a request's URL as given through HttpClient.mapRequest(HttpClientRequest.prependUrl(base))",
    () =>
      Effect.gen(function*() {
        const asked: Array<string> = []
        yield* asking(
          Effect.flatMap(
            HttpClient.HttpClient,
            (client) => HttpClient.mapRequest(client, HttpClientRequest.prependUrl(`${toUrl}/prefix`)).get("/v2/x?a=1")
          ),
          asked
        )
        assert.deepStrictEqual(asked, [`${toUrl}/prefix/v2/x?a=1`], `${DEPENDS} the base URL is prepended to the path`)
      })
  )
})
