import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { api, postJson } from "./support.js"

const server = await FakeSignalFx.start()
afterAll(() => server.close())
beforeEach(() => server.reset())

interface SearchResult {
  readonly count: number
  readonly results: ReadonlyArray<Record<string, unknown>>
}

const isSearchResult = (value: unknown): value is SearchResult =>
  typeof value === "object" && value !== null && "count" in value && "results" in value &&
  Array.isArray(value.results)

const search = async (kind: string, params: Record<string, string>): Promise<SearchResult> => {
  const response = await api(server, "GET", `/v2/${kind}?${new URLSearchParams(params)}`)
  assert.strictEqual(response.status, 200, `search ${kind} ${JSON.stringify(params)}`)
  const body: unknown = await response.json()
  if (!isSearchResult(body)) throw new Error(`not a search result: ${JSON.stringify(body)}`)
  return body
}

const json = async (response: Response): Promise<Record<string, unknown>> => {
  const body: unknown = await response.json()
  if (typeof body !== "object" || body === null) throw new Error(`not an object: ${JSON.stringify(body)}`)
  return { ...body }
}

const seed = () =>
  postJson(server, "/v2/datapoint", {
    gauge: [
      { metric: "cpu.utilization", value: 1, dimensions: { host: "server1", env: "prod" } },
      { metric: "cpu.utilization", value: 2, dimensions: { host: "server2", env: "dev" } },
      { metric: "memory.free", value: 3, dimensions: { host: "server1" } }
    ],
    counter: [{ metric: "requests", value: 4, dimensions: { route: "/api/v1" } }],
    cumulative_counter: [{ metric: "bytes.total", value: 5 }]
  })

describe("metadata created by ingest", () => {
  it("makes metrics, dimensions and time series that search and get find", async () => {
    assert.strictEqual((await seed()).status, 200)
    const metrics = await search("metric", { query: "name:*", orderBy: "name" })
    assert.deepStrictEqual(metrics.results.map((m) => [m.name, m.type]), [
      ["bytes.total", "CUMULATIVE_COUNTER"],
      ["cpu.utilization", "GAUGE"],
      ["memory.free", "GAUGE"],
      ["requests", "COUNTER"]
    ])
    const dimensions = await search("dimension", { query: "key:host", orderBy: "value" })
    assert.deepStrictEqual(dimensions.results.map((d) => d.value), ["server1", "server2"])
    const series = await search("metrictimeseries", { query: "sf_metric:cpu.utilization AND host:server1" })
    assert.strictEqual(series.count, 1)
    const [one] = series.results
    assert.deepStrictEqual(one?.dimensions, { env: "prod", host: "server1" })
    const byId = await api(server, "GET", `/v2/metrictimeseries/${encodeURIComponent(String(one?.id))}`)
    assert.strictEqual(byId.status, 200)
    assert.deepStrictEqual(await json(byId), one)
    const metric = await json(await api(server, "GET", "/v2/metric/cpu.utilization"))
    assert.strictEqual(metric.type, "GAUGE")
    assert.isNumber(metric.created)
    assert.deepStrictEqual(metric.customProperties, {})
    assert.deepStrictEqual(metric.tags, [])
  })

  it("gives a time series the same id whatever the order of its dimensions, and creates it once", async () => {
    await postJson(server, "/v2/datapoint", { gauge: [{ metric: "m", value: 1, dimensions: { a: "1", b: "2" } }] })
    const body = "{\"gauge\":[{\"metric\":\"m\",\"value\":2,\"dimensions\":{\"b\":\"2\",\"a\":\"1\"}}]}"
    await postJson(server, "/v2/datapoint", JSON.parse(body))
    const series = await search("metrictimeseries", { query: "sf_metric:m" })
    assert.strictEqual(series.count, 1)
  })

  it("bad input creates no metadata", async () => {
    await postJson(server, "/v2/datapoint", { gauge: [{ metric: "ok", value: 1 }, { metric: "", value: 2 }] })
    assert.strictEqual((await search("metric", {})).count, 0)
  })
})

describe("search queries", () => {
  beforeEach(async () => {
    await seed()
  })

  const seriesOf = async (query: string): Promise<ReadonlyArray<string>> =>
    (await search("metrictimeseries", { query })).results
      .map((s) => `${String(s.metric)}|${JSON.stringify(s.dimensions)}`)
      .sort()

  it("field:value, field:*, wildcards and quoted values", async () => {
    assert.strictEqual((await search("metrictimeseries", { query: "host:server1" })).count, 2)
    assert.strictEqual((await search("metrictimeseries", { query: "host:*" })).count, 3)
    assert.strictEqual((await search("metrictimeseries", { query: "*:*" })).count, 5)
    assert.strictEqual((await search("metrictimeseries", { query: "*" })).count, 5)
    assert.strictEqual((await search("metrictimeseries", { query: "host:server?" })).count, 3)
    assert.strictEqual((await search("metrictimeseries", { query: "sf_metric:cpu.*" })).count, 2)
    assert.strictEqual((await search("metric", { query: "name:*.total" })).count, 1)
    assert.strictEqual((await search("metrictimeseries", { query: "route:\"/api/v1\"" })).count, 1)
    assert.strictEqual((await search("metrictimeseries", { query: "route:\\/api\\/v1" })).count, 1)
    assert.strictEqual((await search("metrictimeseries", { query: "route:\"/api/*\"" })).count, 0, "quotes are literal")
  })

  it("_exists_ and _missing_", async () => {
    assert.strictEqual((await search("metrictimeseries", { query: "_exists_:env" })).count, 2)
    assert.strictEqual((await search("metrictimeseries", { query: "_missing_:host" })).count, 2)
  })

  it("AND, OR, NOT, - and parentheses", async () => {
    const both = await seriesOf("host:server1 AND env:prod")
    assert.strictEqual(both.length, 1)
    assert.deepStrictEqual(await seriesOf("host:server1 env:prod"), both, "adjacent terms are ANDed")
    assert.strictEqual((await seriesOf("env:prod OR env:dev")).length, 2)
    assert.strictEqual((await seriesOf("host:* AND NOT env:dev")).length, 2)
    assert.deepStrictEqual(await seriesOf("host:* -env:dev"), await seriesOf("host:* AND NOT env:dev"))
    assert.strictEqual((await seriesOf("(env:prod OR env:dev) AND sf_metric:cpu.utilization")).length, 2)
    assert.strictEqual((await seriesOf("env:prod OR env:dev AND host:server2")).length, 2, "AND binds tighter")
  })

  it("a dimension is found by key:value", async () => {
    const found = await search("dimension", { query: "host:server2" })
    assert.deepStrictEqual(found.results.map((d) => [d.key, d.value]), [["host", "server2"]])
  })

  it("offset, limit, count and orderBy", async () => {
    const first = await search("metric", { orderBy: "name", limit: "2" })
    const second = await search("metric", { orderBy: "name", limit: "2", offset: "2" })
    const past = await search("metric", { orderBy: "name", limit: "2", offset: "4" })
    assert.deepStrictEqual([first.count, second.count, past.count], [4, 4, 4])
    assert.deepStrictEqual(
      [...first.results, ...second.results].map((m) => m.name),
      ["bytes.total", "cpu.utilization", "memory.free", "requests"]
    )
    assert.deepStrictEqual(past.results, [])
    const descending = await search("metric", { orderBy: "-name", limit: "1" })
    assert.strictEqual(descending.results[0]?.name, "requests")
  })

  it("answers 400 to a bad query or bad paging", async () => {
    for (
      const params of [{ query: "host:(server1" }, { query: "host" }, { query: ":x" }, { query: "host:a OR" }, {
        limit: "-1"
      }, { offset: "9990", limit: "20" }]
    ) {
      const response = await api(server, "GET", `/v2/metrictimeseries?${new URLSearchParams(params)}`)
      assert.strictEqual(response.status, 400, JSON.stringify(params))
      assert.propertyVal(await json(response), "code", 400)
    }
  })
})

describe("REST objects", () => {
  it("gets, replaces and merges a dimension whose value holds a /", async () => {
    await seed()
    const path = `/v2/dimension/route/${encodeURIComponent("/api/v1")}`
    const got = await json(await api(server, "GET", path))
    assert.deepStrictEqual([got.key, got.value], ["route", "/api/v1"])

    const put = await api(server, "PUT", path, {
      key: "route",
      value: "/api/v1",
      description: "the v1 API",
      customProperties: { team: "core", tier: "1" },
      tags: ["public"],
      extra: { kept: true }
    })
    assert.strictEqual(put.status, 200)
    const replaced = await json(put)
    assert.deepStrictEqual(
      [replaced.description, replaced.customProperties, replaced.tags, replaced.extra],
      ["the v1 API", { team: "core", tier: "1" }, ["public"], { kept: true }]
    )
    assert.strictEqual(replaced.created, got.created, "a replace keeps the creation time")

    const patched = await api(server, "PATCH", `${path}/_/sfxagent`, {
      customProperties: { tier: null, owner: "ana" },
      tags: ["beta", "public"],
      tagsToRemove: ["public"]
    })
    assert.strictEqual(patched.status, 200)
    const merged = await json(await api(server, "GET", path))
    assert.deepStrictEqual(merged.customProperties, { team: "core", owner: "ana" })
    assert.deepStrictEqual(merged.tags, ["beta"])
    assert.strictEqual(merged.description, "the v1 API", "a merge keeps what it does not mention")
    assert.deepStrictEqual(merged.extra, { kept: true })

    const replacedAgain = await json(await api(server, "PUT", path, { customProperties: { only: "this" } }))
    assert.deepStrictEqual([replacedAgain.customProperties, replacedAgain.tags], [{ only: "this" }, []])

    const found = await search("dimension", { query: "only:this" })
    assert.deepStrictEqual(found.results.map((d) => d.value), ["/api/v1"])
  })

  it("PATCH creates a dimension that does not exist yet", async () => {
    const patched = await api(server, "PATCH", "/v2/dimension/host/new/_/sfxagent", { customProperties: { a: "b" } })
    assert.strictEqual(patched.status, 200)
    assert.strictEqual((await api(server, "GET", "/v2/dimension/host/new")).status, 200)
  })

  it("answers 400 to a PUT whose body contradicts the path or is malformed", async () => {
    const contradicts = await api(server, "PUT", "/v2/dimension/host/a", { key: "host", value: "b" })
    assert.strictEqual(contradicts.status, 400)
    const badProperties = await api(server, "PUT", "/v2/dimension/host/a", { customProperties: { n: 1 } })
    assert.strictEqual(badProperties.status, 400)
    const notJson = await fetch(`${server.url}/v2/metric/m`, {
      method: "PUT",
      headers: { "X-SF-Token": "t" },
      body: "{"
    })
    assert.strictEqual(notJson.status, 400)
    assert.strictEqual((await api(server, "GET", "/v2/dimension/host/a")).status, 404, "nothing was stored")
  })

  it("PUT creates or updates a metric, keeping the type ingest gave it", async () => {
    await seed()
    const updated = await json(
      await api(server, "PUT", "/v2/metric/requests", { description: "HTTP requests", customProperties: { unit: "1" } })
    )
    assert.deepStrictEqual([updated.name, updated.type, updated.description], ["requests", "COUNTER", "HTTP requests"])
    const created = await api(server, "PUT", "/v2/metric/new.metric", { type: "GAUGE" })
    assert.strictEqual(created.status, 200)
    assert.strictEqual((await search("metric", { query: "unit:1" })).count, 1)
  })

  it("PUT, GET and DELETE a tag; DELETE answers 204 without a body", async () => {
    const put = await api(server, "PUT", "/v2/tag/a%2Fb", { description: "slashed", customProperties: { k: "v" } })
    assert.strictEqual(put.status, 200)
    const tag = await json(await api(server, "GET", "/v2/tag/a%2Fb"))
    assert.deepStrictEqual([tag.name, tag.description, tag.customProperties], ["a/b", "slashed", { k: "v" }])
    assert.strictEqual((await search("tag", { query: "name:a*" })).count, 1)
    const deleted = await api(server, "DELETE", "/v2/tag/a%2Fb")
    assert.strictEqual(deleted.status, 204)
    assert.strictEqual(await deleted.text(), "")
    const again = await api(server, "DELETE", "/v2/tag/a%2Fb")
    assert.strictEqual(again.status, 404)
  })

  it("answers 404 with a JSON error for unknown objects and paths", async () => {
    for (
      const path of [
        "/v2/metric/nope",
        "/v2/dimension/host/nope",
        "/v2/metrictimeseries/nope",
        "/v2/tag/nope",
        "/v2/widget"
      ]
    ) {
      const response = await api(server, "GET", path)
      assert.strictEqual(response.status, 404, path)
      const body = await json(response)
      assert.strictEqual(body.code, 404)
      assert.isString(body.message)
    }
  })

  it("answers 405 to a method a path does not take, and 401 without a token", async () => {
    assert.strictEqual((await api(server, "DELETE", "/v2/metric/m")).status, 405)
    assert.strictEqual((await fetch(`${server.url}/v2/metric`)).status, 401)
  })
})
