import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as util from "node:util"
import { describe, expect } from "vitest"
import * as Rest from "../../src/Rest.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { detectorInput, requestsTo, restFor, statuses, TOKEN } from "./support.js"

describe("Rest failures", () => {
  effect("an empty id or . or .. fails without a request", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const failures = [
        yield* Effect.flip(rest.detectors.get("")),
        yield* Effect.flip(rest.detectors.update("..", detectorInput("x"))),
        yield* Effect.flip(rest.charts.delete(".")),
        yield* Effect.flip(rest.dashboards.get("..")),
        yield* Effect.flip(rest.dashboardGroups.delete("")),
        yield* Effect.flip(rest.detectors.events("..")),
        yield* Effect.flip(rest.detectors.incidents("")),
        yield* Effect.flip(rest.incidents.get("..")),
        yield* Effect.flip(rest.incidents.clear("")),
        yield* Effect.flip(rest.dataLinks.get(".."))
      ]
      for (const failure of failures) {
        expect(failure).toMatchObject({ _tag: "RestRequestError", reason: "InvalidRequest" })
      }
      expect(failures[0]!.message).toBe("GET /v2/detector/: cannot request an empty name")
      expect(failures[1]!.message).toBe(
        "PUT /v2/detector/..: cannot request the name \"..\", which no URL path can carry"
      )
      expect(server.requests()).toEqual([])
    }))

  effect("an id is one percent-encoded path segment", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const error = yield* Effect.flip(rest.charts.get("a/b?c"))
      expect(error).toMatchObject({ _tag: "RestNotFoundError", kind: "chart", id: "a/b?c" })
      expect(requestsTo(server, "/v2/chart/")[0]!.path).toBe("/v2/chart/a%2Fb%3Fc")
    }))

  effect("an unknown id is a RestNotFoundError naming it, not retried", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const cases = [
        [Effect.asVoid(rest.detectors.get("D1")), "detector", "no detector with id \"D1\""],
        [Effect.asVoid(rest.detectors.update("D2", detectorInput("x"))), "detector", "no detector with id \"D2\""],
        [Effect.asVoid(rest.detectors.delete("D3")), "detector", "no detector with id \"D3\""],
        [Effect.asVoid(rest.detectors.events("D4")), "detector", "no detector with id \"D4\""],
        [Effect.asVoid(rest.detectors.incidents("D5")), "detector", "no detector with id \"D5\""],
        [Effect.asVoid(rest.charts.update("C1", { name: "c" })), "chart", "no chart with id \"C1\""],
        [Effect.asVoid(rest.dashboards.delete("B1")), "dashboard", "no dashboard with id \"B1\""],
        [Effect.asVoid(rest.dashboardGroups.get("G1")), "dashboardGroup", "no dashboard group with id \"G1\""],
        [Effect.asVoid(rest.incidents.get("I1")), "incident", "no incident with id \"I1\""],
        [Effect.asVoid(rest.incidents.clear("I2")), "incident", "no incident with id \"I2\""],
        [Effect.asVoid(rest.dataLinks.get("L1")), "dataLink", "no data link with id \"L1\""]
      ] as const
      for (const [operation, kind, message] of cases) {
        const error = yield* Effect.flip(operation)
        expect(error._tag).toBe("RestNotFoundError")
        if (error._tag !== "RestNotFoundError") continue
        expect(error.kind).toBe(kind)
        expect(error.message).toBe(message)
      }
      expect(server.requests().map((request) => request.status)).toEqual(cases.map(() => 404))
      const recovered = yield* rest.incidents.get("I3").pipe(
        Effect.as("found"),
        Effect.catchTag("RestNotFoundError", (error) => Effect.succeed(`missing ${error.kind}`))
      )
      expect(recovered).toBe("missing incident")
    }))

  effect(
    "a detector the service refuses is a RestRejectedError with its message, not retried",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const rest = yield* restFor(server)
        const unparsable = { ...detectorInput("x"), programText: "A = data('cpu'\ndetect(when(A > 1)).publish('a')" }
        const validate = yield* Effect.flip(rest.detectors.validate(unparsable))
        expect(validate).toMatchObject({ _tag: "RestRejectedError", kind: "detector", status: 400, method: "POST" })
        if (validate._tag !== "RestRejectedError") return
        expect(validate.serviceMessage).toMatch(/^Invalid SignalFlow program: syntax error at line 2/)
        expect(validate.message).toBe(
          `POST /v2/detector/validate: the service refused the detector (HTTP 400): ${validate.serviceMessage}`
        )
        const create = yield* Effect.flip(rest.detectors.create(unparsable))
        expect(create).toMatchObject({ _tag: "RestRejectedError", serviceMessage: validate.serviceMessage })

        const unknownLabel = yield* Effect.flip(rest.detectors.create({
          ...detectorInput("x"),
          rules: [{ detectLabel: "memory high", severity: "Critical" }]
        }))
        expect(unknownLabel).toMatchObject({ _tag: "RestRejectedError" })
        if (unknownLabel._tag === "RestRejectedError") {
          expect(unknownLabel.serviceMessage).toBe(
            "rules[0]: detectLabel \"memory high\" is not published by the program " +
              "(it publishes \"cpu high\", \"cpu critical\")"
          )
        }
        const created = yield* rest.detectors.create(detectorInput("ok"))
        const update = yield* Effect.flip(rest.detectors.update(created.id, { ...created, programText: "detect(" }))
        expect(update).toMatchObject({ _tag: "RestRejectedError", kind: "detector", method: "PUT" })
        const chart = yield* Effect.flip(rest.charts.create({ name: "" }))
        expect(chart).toMatchObject({ _tag: "RestRejectedError", kind: "chart", serviceMessage: "name is required" })
        expect(statuses(server, "/v2/")).toEqual([
          "POST 400",
          "POST 400",
          "POST 400",
          "POST 200",
          "PUT 400",
          "POST 400"
        ])
      })
  )

  effect(
    "reads, updates, deletes and checks are retried; a create only on 429, so it never creates twice",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const rest = yield* restFor(server)
        server.fault("/v2/detector", [
          FakeSignalFx.respond(503),
          FakeSignalFx.resetConnection("afterBody"),
          FakeSignalFx.respond(429, { retryAfter: 0 })
        ])
        yield* rest.detectors.validate(detectorInput("x"))
        expect(statuses(server, "/v2/detector")).toEqual(["POST 503", "POST undefined", "POST 429", "POST 204"])

        server.reset()
        server.fault("/v2/detector", [FakeSignalFx.respond(429, { retryAfter: 0 })])
        const created = yield* rest.detectors.create(detectorInput("x"))
        expect(statuses(server, "/v2/detector")).toEqual(["POST 429", "POST 200"])

        server.fault("/v2/detector", [FakeSignalFx.respond(503, { body: "{\"code\":503,\"message\":\"busy\"}" })])
        const unavailable = yield* Effect.flip(rest.detectors.create(detectorInput("y")))
        expect(unavailable).toMatchObject({ _tag: "RestRequestError", reason: "StatusCode", status: 503 })
        expect(unavailable.message).toBe("POST /v2/detector: HTTP 503: busy")
        server.fault("/v2/chart", [FakeSignalFx.resetConnection("afterBody")])
        const reset = yield* Effect.flip(rest.charts.create({ name: "c" }))
        expect(reset).toMatchObject({ _tag: "RestRequestError", reason: "Transport" })
        expect((yield* rest.detectors.search()).results.map((detector) => detector.id)).toEqual([created.id])
        expect((yield* rest.charts.search()).count).toBe(0)

        server.fault("/v2/incident", [FakeSignalFx.respond(502), FakeSignalFx.resetConnection("beforeBody")])
        expect(yield* rest.incidents.list()).toEqual([])
        expect(statuses(server, "/v2/incident")).toEqual(["GET 502", "GET undefined", "GET 200"])
      })
  )

  effect("a redirect is not followed, an answer that does not decode is a Decode error", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      server.fault("/v2/organization", [
        FakeSignalFx.redirect("http://127.0.0.1:1/v2/organization"),
        FakeSignalFx.respond(200, { body: "{\"organizationName\":\"no id\"}" })
      ])
      const redirect = yield* Effect.flip(rest.organization.get())
      expect(redirect).toMatchObject({ _tag: "RestRequestError", reason: "StatusCode", status: 307 })
      const decode = yield* Effect.flip(rest.organization.get())
      expect(decode).toMatchObject({ _tag: "RestRequestError", reason: "Decode" })
      const pageSize = yield* Effect.flip(Stream.runDrain(rest.charts.stream({ pageSize: 0 })))
      expect(pageSize).toMatchObject({
        reason: "InvalidRequest",
        description: "pageSize must be a positive integer, got 0"
      })
      expect(statuses(server, "/v2/")).toEqual(["GET 307", "GET 200"])
    }))

  effect("a refused token is a 401 RestRequestError that never shows the token", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tokens: ["another"] })
      const rest = yield* restFor(server)
      server.fault("/v2/chart", [FakeSignalFx.respond(400, { body: `{"code":400,"message":"bad token ${TOKEN}"}` })])
      const echoed = yield* Effect.flip(rest.charts.create({ name: "c" }))
      const refused = yield* Effect.flip(rest.detectors.get("D1"))
      expect(refused).toMatchObject({ _tag: "RestRequestError", status: 401 })
      expect(refused.message).toContain("the access token was refused")
      for (const error of [echoed, refused]) {
        const shown = [error.message, String(error), util.inspect(error), JSON.stringify(error)].join("\n")
        expect(shown).not.toContain(TOKEN)
      }
      expect(echoed).toMatchObject({ serviceMessage: "bad token <redacted>" })
    }))

  effect("a refused login is a RestRejectedError; the password never shows", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ users: [{ email: "ops@example.com", password: "correct horse" }] })
      const login = (password: string) =>
        Rest.login({
          email: "ops@example.com",
          password: Redacted.make(password),
          apiEndpoint: server.url,
          retry: { maxElapsed: 0 }
        }).pipe(Effect.provide(FetchHttpClient.layer))
      const wrong = yield* Effect.flip(login("battery staple"))
      expect(wrong).toMatchObject({
        _tag: "RestRejectedError",
        kind: "session",
        status: 401,
        serviceMessage: "invalid email or password"
      })
      server.fault("/v2/session", [
        FakeSignalFx.respond(400, { body: "{\"code\":400,\"message\":\"no user with password correct horse\"}" })
      ])
      const echoed = yield* Effect.flip(login("correct horse"))
      for (const error of [wrong, echoed]) {
        const shown = [error.message, String(error), util.inspect(error), JSON.stringify(error)].join("\n")
        expect(shown).not.toContain("battery staple")
        expect(shown).not.toContain("correct horse")
      }
      expect(echoed).toMatchObject({ serviceMessage: "no user with password <redacted>" })
      const empty = yield* Effect.flip(login(""))
      expect(empty).toMatchObject({ _tag: "ConfigurationError", option: "password" })
      expect(requestsTo(server, "/v2/session").map((request) => request.status)).toEqual([401, 400])
      expect(util.inspect({ password: Redacted.make("correct horse") })).not.toContain("correct horse")
    }))
})
