import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import * as Rest from "../../src/Rest.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { detectorInput, PROGRAM, requestsTo, restFor, TOKEN } from "./support.js"

const params = (server: FakeSignalFx.Server, path: string) => new URL(path, server.url).searchParams

describe("Rest", () => {
  effect("reads the organization", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const organization = yield* rest.organization.get()
      expect(organization.id).toMatch(/^[\w-]{11}$/)
      expect(organization.organizationName).toBe("FakeSignalFx")
      expect(requestsTo(server, "/v2/organization")[0]).toMatchObject({ method: "GET", status: 200 })
    }))

  effect(
    "creates, reads, updates and deletes a detector, keeping fields it does not model",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const rest = yield* restFor(server)
        const created = yield* rest.detectors.create({ ...detectorInput("CPU"), maxDelay: 20_000 })
        expect(created).toMatchObject({ name: "CPU", programText: PROGRAM, maxDelay: 20_000, tags: [] })
        expect(created.rules.map((rule) => [rule.detectLabel, rule.severity])).toEqual([
          ["cpu high", "Warning"],
          ["cpu critical", "Critical"]
        ])
        expect(created.rules[0]!.notifications).toEqual([{ type: "Email", email: "ops@example.com" }])
        const read = yield* rest.detectors.get(created.id)
        expect(read).toEqual(created)

        // Read-modify-write: what was read goes back, unknown fields included.
        const updated = yield* rest.detectors.update(created.id, { ...read, description: "paged on call" })
        expect(updated).toMatchObject({ id: created.id, description: "paged on call", maxDelay: 20_000 })
        const put = requestsTo(server, `/v2/detector/${created.id}`).find((request) => request.method === "PUT")
        expect(put?.status).toBe(200)

        yield* rest.detectors.delete(created.id)
        const gone = yield* Effect.flip(rest.detectors.get(created.id))
        expect(gone).toMatchObject({ _tag: "RestNotFoundError", kind: "detector", id: created.id })
        expect(requestsTo(server, "/v2/detector").map((request) => `${request.method} ${request.status}`)).toEqual([
          "POST 200",
          "GET 200",
          "PUT 200",
          "DELETE 204",
          "GET 404"
        ])
      })
  )

  effect("validates a detector without creating it", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      yield* rest.detectors.validate(detectorInput("CPU"))
      const [validate] = requestsTo(server, "/v2/detector/validate")
      expect(validate).toMatchObject({ method: "POST", status: 204 })
      expect((yield* rest.detectors.search()).count).toBe(0)
    }))

  effect("searches detectors by name and tags, page by page, and streams them all", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      for (const [name, tags] of [["CPU high", ["prod"]], ["cpu low", ["dev"]], ["Disk", ["prod", "db"]]] as const) {
        yield* rest.detectors.create(detectorInput(name, tags))
      }
      const byName = yield* rest.detectors.search({ name: "cpu" })
      expect(byName.count).toBe(2)
      expect(byName.results.map((detector) => detector.name)).toEqual(["CPU high", "cpu low"])
      const byTags = yield* rest.detectors.search({ tags: ["db", "dev"] })
      expect(byTags.results.map((detector) => detector.name)).toEqual(["cpu low", "Disk"])
      const search = requestsTo(server, "/v2/detector?").at(-1)!
      expect(params(server, search.path).getAll("tags")).toEqual(["db", "dev"])
      const page = yield* rest.detectors.search({ offset: 1, limit: 1 })
      expect(page).toMatchObject({ count: 3, results: [{ name: "cpu low" }] })

      const all = yield* Stream.runCollect(rest.detectors.stream({ pageSize: 2 }))
      expect(all.map((detector) => detector.name)).toEqual(["CPU high", "cpu low", "Disk"])
      const pages = requestsTo(server, "/v2/detector?").slice(-2).map((request) => params(server, request.path))
      expect(pages.map((query) => [query.get("offset"), query.get("limit")])).toEqual([["0", "2"], ["2", "2"]])
      const prod = yield* Stream.runCollect(rest.detectors.stream({ name: "high", tags: ["prod"] }))
      expect(prod.map((detector) => detector.name)).toEqual(["CPU high"])
    }))

  effect("lists a detector's incidents and events, lists and clears incidents", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const detector = yield* rest.detectors.create(detectorInput("CPU"))
      expect(yield* rest.detectors.incidents(detector.id)).toEqual([])
      const first = server.raiseIncident({ detectorId: detector.id, inputs: { _S1: { value: "97.5" } } })
      const second = server.raiseIncident({ detectorId: detector.id, detectLabel: "cpu critical" })

      const incident = yield* rest.incidents.get(first)
      expect(incident).toMatchObject({
        incidentId: first,
        detectorId: detector.id,
        detectorName: "CPU",
        detectLabel: "cpu high",
        severity: "Warning",
        active: true,
        anomalyState: "ANOMALOUS",
        inputs: { _S1: { value: "97.5" } }
      })
      expect((yield* rest.detectors.incidents(detector.id)).map((one) => one.incidentId)).toEqual([first, second])
      const events = yield* rest.detectors.events(detector.id)
      expect(events.map((event) => [event.incidentId, event.anomalyState])).toEqual([
        [first, "ANOMALOUS"],
        [second, "ANOMALOUS"]
      ])
      expect(yield* rest.detectors.events(detector.id, { from: Date.now() + 60_000 })).toEqual([])
      expect(params(server, requestsTo(server, "/v2/detector/").at(-1)!.path).get("from")).toMatch(/^\d+$/)

      yield* rest.incidents.clear(first)
      expect(requestsTo(server, `/v2/incident/${first}/clear`)[0]).toMatchObject({ method: "PUT", status: 204 })
      expect((yield* rest.incidents.list()).map((one) => one.incidentId)).toEqual([second])
      const all = yield* rest.incidents.list({ includeResolved: true })
      expect(all.map((one) => [one.incidentId, one.active, one.anomalyState])).toEqual([
        [first, false, "MANUALLY_RESOLVED"],
        [second, true, "ANOMALOUS"]
      ])
      expect(all[0]!.events.map((event) => event.anomalyState)).toEqual(["ANOMALOUS", "MANUALLY_RESOLVED"])
      expect(params(server, requestsTo(server, "/v2/incident?").at(-1)!.path).get("includeResolved")).toBe("true")
      const streamed = yield* Stream.runCollect(rest.incidents.stream({ includeResolved: true, pageSize: 1 }))
      expect(streamed.map((one) => one.incidentId)).toEqual([first, second])
      // A plain array has no count: the stream ends on the first empty page.
      expect(requestsTo(server, "/v2/incident?").slice(-3).map((request) => params(server, request.path).get("offset")))
        .toEqual(["0", "1", "2"])
    }))

  effect("creates, finds, updates and deletes charts, dashboards and dashboard groups", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const chart = yield* rest.charts.create({
        name: "CPU",
        programText: "data('cpu.utilization').publish()",
        options: { type: "TimeSeriesChart" },
        tags: ["infra"]
      })
      expect(chart).toMatchObject({ name: "CPU", options: { type: "TimeSeriesChart" }, tags: ["infra"] })
      const renamed = yield* rest.charts.update(chart.id, { ...chart, name: "CPU use" })
      expect(renamed.name).toBe("CPU use")
      expect((yield* rest.charts.search({ tags: ["infra"] })).results.map((one) => one.id)).toEqual([chart.id])

      const group = yield* rest.dashboardGroups.create({ name: "Payments" }, { empty: true })
      expect(group.dashboards).toEqual([])
      expect(requestsTo(server, "/v2/dashboardgroup?")[0]!.path).toBe("/v2/dashboardgroup?empty=true")
      const dashboard = yield* rest.dashboards.create({
        name: "Payments overview",
        groupId: group.id,
        charts: [{ chartId: chart.id, row: 0, column: 0, width: 6, height: 1 }]
      })
      expect(dashboard.charts).toEqual([{ chartId: chart.id, row: 0, column: 0, width: 6, height: 1 }])
      expect((yield* rest.dashboardGroups.get(group.id)).dashboards).toEqual([dashboard.id])
      const moved = yield* rest.dashboards.update(dashboard.id, { ...dashboard, description: "the money" })
      expect(moved).toMatchObject({ groupId: group.id, description: "the money" })
      expect((yield* rest.dashboards.search({ name: "OVERVIEW" })).count).toBe(1)
      const groups = yield* Stream.runCollect(rest.dashboardGroups.stream({ name: "pay" }))
      expect(groups.map((one) => one.id)).toEqual([group.id])
      yield* rest.dashboardGroups.update(group.id, { ...group, name: "Payments team" })
      expect((yield* rest.dashboardGroups.search({ name: "team" })).count).toBe(1)

      // Without `empty`, the service gives a new group a first dashboard.
      const withDashboard = yield* rest.dashboardGroups.create({ name: "Checkout" })
      expect(withDashboard.dashboards).toHaveLength(1)

      yield* rest.dashboards.delete(dashboard.id)
      expect((yield* rest.dashboardGroups.get(group.id)).dashboards).toEqual([])
      yield* rest.charts.delete(chart.id)
      yield* rest.dashboardGroups.delete(withDashboard.id)
      const gone = yield* Effect.flip(rest.dashboards.get(withDashboard.dashboards[0]!))
      expect(gone).toMatchObject({ _tag: "RestNotFoundError", kind: "dashboard" })
      expect(requestsTo(server, "/v2/").filter((request) => request.method === "DELETE").map((r) => r.status))
        .toEqual([200, 200, 204])
    }))

  effect("reads and searches data links", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      // The service's data links are made in its UI; the Rest service only reads them.
      const create = (body: object) =>
        Effect.promise(() =>
          fetch(`${server.url}/v2/crosslink`, {
            method: "POST",
            headers: { "X-SF-Token": TOKEN, "Content-Type": "application/json" },
            body: JSON.stringify(body)
          })
        )
      yield* create({ propertyName: "host", contextId: "a", targets: [{ type: "EXTERNAL_LINK", url: "https://x" }] })
      yield* create({ propertyName: "service", propertyValue: "checkout", contextId: "b" })
      const rest = yield* restFor(server)
      const hosts = yield* rest.dataLinks.search({ propertyName: "host" })
      expect(hosts.count).toBe(1)
      const [link] = hosts.results
      expect(link!.targets).toEqual([{ type: "EXTERNAL_LINK", url: "https://x" }])
      expect(yield* rest.dataLinks.get(link!.id)).toEqual(link)
      const query = params(server, requestsTo(server, "/v2/crosslink?")[0]!.path)
      expect(query.get("propertyName")).toBe("host")
      const all = yield* Stream.runCollect(rest.dataLinks.stream({ pageSize: 1 }))
      expect(all.length).toBe(2)
      const byContext = yield* rest.dataLinks.search({ context: "b", propertyValue: "checkout" })
      expect(byContext.results.map((one) => one.propertyName)).toEqual(["service"])
    }))

  effect("logs in for a session token the server then accepts, without sending a token", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({
        tokens: ["only-this"],
        users: [{ email: "ops@example.com", password: "correct horse" }]
      })
      const session = yield* Rest.login({
        email: "ops@example.com",
        password: Redacted.make("correct horse"),
        apiEndpoint: server.url
      }).pipe(Effect.provide(FetchHttpClient.layer))
      expect(Redacted.isRedacted(session.accessToken)).toBe(true)
      expect(session).toMatchObject({ sessionType: "ORG_USER", email: "ops@example.com" })
      expect(String(session.accessToken)).toBe("<redacted>")
      const [login] = requestsTo(server, "/v2/session")
      expect(login).toMatchObject({ method: "POST", status: 200 })
      expect(login!.headers["x-sf-token"]).toBeUndefined()

      const rest = yield* Rest.make({ token: session.accessToken, apiEndpoint: server.url }).pipe(
        Effect.provide(FetchHttpClient.layer)
      )
      expect((yield* rest.organization.get()).id).toBe(session.organizationId)
    }))

  effect("layer and layerConfig provide the service", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tokens: [TOKEN] })
      const program = Effect.flatMap(Rest.Rest, (rest) => rest.organization.get())
      const viaLayer = yield* program.pipe(
        Effect.provide(
          Rest.layer({ token: Redacted.make(TOKEN), apiEndpoint: server.url }).pipe(
            Layer.provide(FetchHttpClient.layer)
          )
        )
      )
      const viaConfig = yield* program.pipe(
        Effect.provide(Rest.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
        Effect.provideService(
          ConfigProvider.ConfigProvider,
          ConfigProvider.fromEnvRecord({ SPLUNK_ACCESS_TOKEN: TOKEN, SPLUNK_API_URL: server.url })
        )
      )
      expect(viaConfig).toEqual(viaLayer)
    }))
})
