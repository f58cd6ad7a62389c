import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { ingest, metadataFor, requestsTo, seed } from "./support.js"

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { "content-type": "application/json" } })

const put = (server: FakeSignalFx.Server, path: string, body: unknown) =>
  Effect.promise(() =>
    fetch(`${server.url}${path}`, {
      method: "PUT",
      headers: { "X-SF-Token": "t", "Content-Type": "application/json" },
      body: JSON.stringify(body)
    })
  )

describe("Metadata", () => {
  describe("search and get", () => {
    effect("searches metrics with the query forms, ordered and paged", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* seed(server)
        const metadata = yield* metadataFor(server)
        const all = yield* metadata.searchMetrics({ query: "*", orderBy: "name" })
        expect(all.count).toBe(4)
        expect(all.results.map((m) => [m.name, m.type])).toEqual([
          ["bytes.total", "CUMULATIVE_COUNTER"],
          ["cpu.utilization", "GAUGE"],
          ["memory.free", "GAUGE"],
          ["requests", "COUNTER"]
        ])
        const page = yield* metadata.searchMetrics({ query: "name:*", orderBy: "-name", offset: 1, limit: 2 })
        expect(page.count).toBe(4)
        expect(page.results.map((m) => m.name)).toEqual(["memory.free", "cpu.utilization"])
        const wildcard = yield* metadata.searchMetrics({ query: "name:cpu* OR type:COUNTER", orderBy: "name" })
        expect(wildcard.results.map((m) => m.name)).toEqual(["cpu.utilization", "requests"])
        const fresh = yield* metadata.getMetric("cpu.utilization")
        expect(fresh).toMatchObject({ name: "cpu.utilization", type: "GAUGE", customProperties: {}, tags: [] })
        expect(typeof fresh.created).toBe("number")
        const request = requestsTo(server, "/v2/metric?")[0]!
        expect(request.method).toBe("GET")
        expect(new URL(request.path, server.url).searchParams.get("orderBy")).toBe("name")
      }))

    effect("searches dimensions and metric time series, and gets them", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* seed(server)
        const metadata = yield* metadataFor(server)
        const hosts = yield* metadata.searchDimensions({ query: "key:host", orderBy: "value" })
        expect(hosts.results.map((d) => `${d.key}:${d.value}`)).toEqual(["host:server1", "host:server2"])
        const dimension = yield* metadata.getDimension("env", "prod")
        expect(dimension).toMatchObject({ key: "env", value: "prod", customProperties: {}, tags: [] })

        const series = yield* metadata.searchMetricTimeSeries({
          query: "sf_metric:cpu.utilization AND (host:server1 OR host:server3) AND NOT env:dev"
        })
        expect(series.count).toBe(1)
        const [one] = series.results
        expect(one!.dimensions).toEqual({ env: "prod", host: "server1" })
        const byId = yield* metadata.getMetricTimeSeries(one!.id)
        expect(byId).toMatchObject({ id: one!.id, metric: "cpu.utilization", type: "GAUGE" })
        const unlabelled = yield* metadata.searchMetricTimeSeries({ query: "_missing_:host", orderBy: "metric" })
        expect(unlabelled.results.map((s) => s.metric)).toEqual(["bytes.total", "requests"])
      }))
  })

  describe("updates", () => {
    effect(
      "a read-modify-write of a metric keeps its type and fields unknown to the library",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          yield* seed(server)
          // Something else (a newer API, another tool) stored a field this library does not model.
          yield* put(server, "/v2/metric/memory.free", { type: "GAUGE", owner: { team: "storage", oncall: ["a"] } })
          const metadata = yield* metadataFor(server)
          const metric = yield* metadata.getMetric("memory.free")
          expect(metric["owner"]).toEqual({ team: "storage", oncall: ["a"] })
          const updated = yield* metadata.updateMetric("memory.free", {
            ...metric,
            description: "free memory in bytes",
            customProperties: { ...metric.customProperties, unit: "bytes" },
            tags: [...metric.tags, "memory"]
          })
          expect(updated.description).toBe("free memory in bytes")
          const reread = yield* metadata.getMetric("memory.free")
          expect(reread).toMatchObject({
            name: "memory.free",
            type: "GAUGE",
            description: "free memory in bytes",
            customProperties: { unit: "bytes" },
            tags: ["memory"],
            owner: { team: "storage", oncall: ["a"] }
          })
          const [request] = requestsTo(server, "/v2/metric/memory.free").filter((r) => r.method === "PUT").slice(-1)
          expect(request!.headers["content-type"]).toBe("application/json")
        })
    )

    effect("updateDimension replaces: what the update leaves out is reset", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* seed(server)
        const metadata = yield* metadataFor(server)
        yield* metadata.updateDimension("host", "server1", {
          description: "primary",
          customProperties: { role: "db" },
          tags: ["critical"]
        })
        expect(yield* metadata.getDimension("host", "server1")).toMatchObject({
          key: "host",
          value: "server1",
          description: "primary",
          customProperties: { role: "db" },
          tags: ["critical"]
        })
        const replaced = yield* metadata.updateDimension("host", "server1", { description: "secondary" })
        expect(replaced).toMatchObject({ description: "secondary", customProperties: {}, tags: [] })
      }))

    effect("patchDimension merges: sets and removes properties, adds and removes tags", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* seed(server)
        const metadata = yield* metadataFor(server)
        yield* metadata.updateDimension("host", "server2", {
          description: "kept",
          customProperties: { a: "1", b: "2" },
          tags: ["x", "y"]
        })
        const patched = yield* metadata.patchDimension("host", "server2", {
          customProperties: { b: null, c: "3" },
          tags: ["z"],
          tagsToRemove: ["x"]
        })
        expect(patched).toMatchObject({ description: "kept", customProperties: { a: "1", c: "3" } })
        expect([...patched.tags].sort()).toEqual(["y", "z"])
        const [request] = requestsTo(server, "/v2/dimension/host/server2/_/sfxagent")
        expect(request).toMatchObject({ method: "PATCH", status: 200 })
        // The search sees the merged properties.
        const found = yield* metadata.searchDimensions({ query: "c:3" })
        expect(found.results.map((d) => d.value)).toEqual(["server2"])
      }))

    effect("a dimension value with /, ? and % is one path segment", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* seed(server)
        const metadata = yield* metadataFor(server)
        const route = yield* metadata.getDimension("route", "/api/v1")
        expect(route.value).toBe("/api/v1")
        yield* metadata.patchDimension("route", "/api/v1", { tags: ["public"] })
        expect((yield* metadata.getDimension("route", "/api/v1")).tags).toEqual(["public"])
        const odd = "a?b=%2F&c#d/e"
        yield* ingest(server, { gauges: [{ metric: "m", value: 1, dimensions: { path: odd } }] })
        const updated = yield* metadata.updateDimension("path", odd, { description: "odd" })
        expect(updated).toMatchObject({ key: "path", value: odd, description: "odd" })
        expect(server.requests().map((r) => r.path)).toContain("/v2/dimension/route/%2Fapi%2Fv1/_/sfxagent")
      }))

    effect(
      "names no URL can carry, and bodies that are not JSON, fail without a request",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const metadata = yield* metadataFor(server)
          for (
            const call of [
              metadata.getMetric(""),
              metadata.getDimension("host", ".."),
              metadata.deleteTag("."),
              // An unknown field read back from elsewhere may hold anything; a bigint has no JSON form.
              metadata.updateTag("t", { ...{ limit: 2n ** 64n }, description: "d" })
            ]
          ) {
            const error = yield* Effect.flip(call)
            expect(error._tag).toBe("RestRequestError")
            if (error._tag === "RestRequestError") expect(error.reason).toBe("InvalidRequest")
          }
          expect(server.requests()).toEqual([])
        })
    )
  })

  describe("tags", () => {
    effect("creates, reads, searches and deletes a tag; then it is not found", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const metadata = yield* metadataFor(server)
        const created = yield* metadata.updateTag("team-payments", {
          description: "owned by payments",
          customProperties: { slack: "#payments" }
        })
        expect(created).toMatchObject({ name: "team-payments", description: "owned by payments" })
        yield* metadata.updateTag("team-search", {})
        yield* metadata.updateTag("env-prod", {})
        expect(yield* metadata.getTag("team-payments")).toMatchObject({ customProperties: { slack: "#payments" } })
        const teams = yield* metadata.searchTags({ query: "name:team-*", orderBy: "name" })
        expect(teams.results.map((t) => t.name)).toEqual(["team-payments", "team-search"])

        yield* metadata.deleteTag("team-payments")
        expect(requestsTo(server, "/v2/tag/team-payments").find((r) => r.method === "DELETE")?.status).toBe(204)
        const missing = yield* Effect.flip(metadata.getTag("team-payments"))
        expect(missing).toMatchObject({ _tag: "RestNotFoundError", kind: "tag", id: "team-payments" })
        expect(missing.message).toBe("no tag \"team-payments\"")
        const again = yield* Effect.flip(metadata.deleteTag("team-payments"))
        expect(again._tag).toBe("RestNotFoundError")
      }))
  })

  describe("streams", () => {
    effect("pages through every result with offset and limit", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* ingest(server, {
          gauges: Array.from({ length: 7 }, (_, i) => ({ metric: "m", value: i, dimensions: { host: `host-${i}` } }))
        })
        const metadata = yield* metadataFor(server)
        const hosts = yield* Stream.runCollect(
          metadata.streamDimensions({ query: "key:host", orderBy: "value", pageSize: 2 })
        )
        expect(hosts.map((d) => d.value)).toEqual(
          Array.from({ length: 7 }, (_, i) => `host-${i}`)
        )
        const pages = requestsTo(server, "/v2/dimension?").map((r) => {
          const params = new URL(r.path, server.url).searchParams
          return [params.get("offset"), params.get("limit")]
        })
        // Four pages; the last one is short and `count` says it is the end.
        expect(pages).toEqual([["0", "2"], ["2", "2"], ["4", "2"], ["6", "2"]])
        const none = yield* Stream.runCollect(metadata.streamMetrics({ query: "name:nothing*" }))
        expect(none.length).toBe(0)
      }))

    effect("stops on an empty page even when count says more", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        server.fault("/v2/tag", [
          FakeSignalFx.respond(200, json({ count: 10, results: [{ name: "a" }, { name: "b" }] })),
          FakeSignalFx.respond(200, json({ count: 10, results: [] }))
        ])
        const metadata = yield* metadataFor(server)
        const tags = yield* Stream.runCollect(metadata.streamTags({ query: "*", pageSize: 2 }))
        expect(tags.map((t) => t.name)).toEqual(["a", "b"])
        expect(requestsTo(server, "/v2/tag")).toHaveLength(2)
      }))

    effect("never asks past offset + limit = 10,000", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const page = (size: number) =>
          FakeSignalFx.respond(
            200,
            json({ count: 50_000, results: Array.from({ length: size }, (_, i) => ({ name: `t${i}` })) })
          )
        server.fault("/v2/tag", [page(3_000), page(3_000), page(3_000), page(1_000)])
        const metadata = yield* metadataFor(server)
        const count = yield* Stream.runCount(metadata.streamTags({ query: "*", pageSize: 3_000 }))
        expect(count).toBe(10_000)
        const windows = requestsTo(server, "/v2/tag").map((r) => {
          const params = new URL(r.path, server.url).searchParams
          return Number(params.get("offset")) + Number(params.get("limit"))
        })
        expect(windows).toEqual([3_000, 6_000, 9_000, 10_000])
      }))

    effect("a page size that is not a positive integer fails without a request", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const metadata = yield* metadataFor(server)
        const error = yield* Effect.flip(Stream.runCollect(metadata.streamMetrics({ query: "*", pageSize: 0 })))
        expect(error).toMatchObject({ _tag: "RestRequestError", reason: "InvalidRequest" })
        expect(server.requests()).toEqual([])
      }))
  })
})
