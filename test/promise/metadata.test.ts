/**
 * The metadata methods of the Promise facade against the local server over loopback: every
 * operation, the errors (the Effect API's own classes), the lazy streams, the API token and
 * endpoint options, and the client after stop().
 */
import { afterAll, afterEach, assert, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { SignalFxError } from "../../src/index.js"
import { resolve } from "../../src/internal/metadata/options.js"
import { apiSettings } from "../../src/internal/promise/api.js"
import {
  ClosedError,
  ConfigurationError,
  RestNotFoundError,
  RestRequestError,
  SignalFx,
  type SignalFxOptions
} from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"

const INGEST_TOKEN = "ingest-token-7c2a"
const API_TOKEN = "api-token-91fd"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: [INGEST_TOKEN, API_TOKEN] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const clients: Array<SignalFx> = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()))
})

const client = (options: SignalFxOptions = {}) => {
  const sfx = new SignalFx(INGEST_TOKEN, { ingestEndpoint: server.url, apiEndpoint: server.url, ...options })
  clients.push(sfx)
  return sfx
}

const apiRequests = () => server.requests().filter((request) => !request.path.startsWith("/v2/datapoint"))

const seed = async (sfx: SignalFx) => {
  await sfx.send({
    gauges: [
      { metric: "cpu.utilization", value: 1, dimensions: { host: "server1", env: "prod" } },
      { metric: "cpu.utilization", value: 2, dimensions: { host: "server2", env: "dev" } }
    ],
    counters: [{ metric: "requests", value: 4, dimensions: { route: "/api/v1" } }]
  })
  await sfx.flush()
}

/** What a promise rejected with. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  return assert.fail("expected a rejection")
}

describe("SignalFx metadata methods", () => {
  it("search, get and update metrics, dimensions and time series created by what was sent", async () => {
    const sfx = client()
    await seed(sfx)

    const metrics = await sfx.searchMetrics({ query: "name:*", orderBy: "name" })
    assert.strictEqual(metrics.count, 2)
    assert.deepStrictEqual(metrics.results.map((metric) => [metric.name, metric.type]), [
      ["cpu.utilization", "GAUGE"],
      ["requests", "COUNTER"]
    ])
    const metric = await sfx.getMetric("cpu.utilization")
    const updated = await sfx.updateMetric("cpu.utilization", { ...metric, description: "CPU use in percent" })
    assert.strictEqual(updated.description, "CPU use in percent")
    assert.strictEqual((await sfx.getMetric("cpu.utilization")).description, "CPU use in percent")

    const hosts = await sfx.searchDimensions({ query: "key:host", orderBy: "value" })
    assert.deepStrictEqual(hosts.results.map((dimension) => dimension.value), ["server1", "server2"])
    await sfx.updateDimension("host", "server1", { description: "the primary", tags: ["canary"] })
    const patched = await sfx.patchDimension("host", "server1", {
      customProperties: { role: "db" },
      tags: ["critical"],
      tagsToRemove: ["canary"]
    })
    assert.deepStrictEqual([patched.description, patched.customProperties, patched.tags], [
      "the primary",
      { role: "db" },
      ["critical"]
    ])
    assert.deepStrictEqual((await sfx.getDimension("route", "/api/v1")).value, "/api/v1")

    const series = await sfx.searchMetricTimeSeries({ query: "sf_metric:cpu.utilization AND host:server1" })
    assert.strictEqual(series.count, 1)
    const [one] = series.results
    assert.isDefined(one)
    assert.deepStrictEqual((await sfx.getMetricTimeSeries(one.id)).dimensions, { env: "prod", host: "server1" })
  })

  it("creates, reads, finds and deletes a tag, as the Python client's update_tag example", async () => {
    const sfx = client()
    const tag = await sfx.updateTag("some_tag_name", {
      description: "an example tag",
      customProperties: { version: "some_number" }
    })
    assert.deepStrictEqual([tag.name, tag.description, tag.customProperties], [
      "some_tag_name",
      "an example tag",
      { version: "some_number" }
    ])
    assert.strictEqual((await sfx.getTag("some_tag_name")).description, "an example tag")
    assert.deepStrictEqual((await sfx.searchTags({ query: "name:some_*" })).results.map((found) => found.name), [
      "some_tag_name"
    ])
    await sfx.deleteTag("some_tag_name")
    const error = await rejection(sfx.getTag("some_tag_name"))
    assert.instanceOf(error, RestNotFoundError)
    assert.deepStrictEqual([error.kind, error.id], ["tag", "some_tag_name"])
  })

  it("rejects with the Effect API's own error classes, carrying the status and never the token", async () => {
    assert.strictEqual(RestNotFoundError, SignalFxError.RestNotFoundError)
    assert.strictEqual(RestRequestError, SignalFxError.RestRequestError)
    const refused = new SignalFx("unknown-token-3b8e", { ingestEndpoint: server.url, apiEndpoint: server.url })
    clients.push(refused)
    const error = await rejection(refused.getMetric("cpu.utilization"))
    assert.instanceOf(error, RestRequestError)
    assert.strictEqual(error.status, 401)
    assert.include(error.message, "refused")
    assert.notInclude(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`, "unknown-token-3b8e")
  })

  it("an empty name or '..' rejects without a request", async () => {
    const sfx = client()
    for (const call of [sfx.getMetric(""), sfx.getTag(".."), sfx.getDimension("host", ""), sfx.deleteTag("..")]) {
      const error = await rejection(call)
      assert.instanceOf(error, RestRequestError)
      assert.strictEqual(error.reason, "InvalidRequest")
    }
    assert.deepStrictEqual(apiRequests(), [])
  })

  it("results keep the fields the service sent that the library does not know", async () => {
    const sfx = client()
    await seed(sfx)
    const metric = await sfx.getMetric("requests")
    // The local server sends `created`, `creator` and the like, as the service does.
    assert.isAbove(Object.keys(metric).length, 3)
    const roundTrip = await sfx.updateMetric("requests", { ...metric, description: "d" })
    assert.deepStrictEqual({ ...roundTrip, description: metric.description, lastUpdated: metric.lastUpdated }, {
      ...metric
    })
  })
})

describe("SignalFx metadata streams", () => {
  const fiveTags = async (sfx: SignalFx) => {
    for (const name of ["t1", "t2", "t3", "t4", "t5"]) await sfx.updateTag(name, { description: name })
  }
  const searches = () => server.requests().filter((request) => request.method === "GET")

  it("request a page at a time, as the loop goes on", async () => {
    const sfx = client()
    await fiveTags(sfx)
    const names: Array<string> = []
    for await (const tag of sfx.streamTags({ query: "name:t*", orderBy: "name", pageSize: 2 })) {
      names.push(tag.name)
      // The second page is asked only once the loop has used the first.
      assert.strictEqual(searches().length, Math.ceil(names.length / 2))
    }
    assert.deepStrictEqual(names, ["t1", "t2", "t3", "t4", "t5"])
    assert.strictEqual(searches().length, 3)
  })

  it("stop requesting when the loop breaks", async () => {
    const sfx = client()
    await fiveTags(sfx)
    const names: Array<string> = []
    for await (const tag of sfx.streamTags({ query: "name:t*", orderBy: "name", pageSize: 2 })) {
      names.push(tag.name)
      if (tag.name === "t2") break
    }
    assert.deepStrictEqual(names, ["t1", "t2"])
    // Given time, no further page is asked.
    await sfx.searchTags({ query: "name:none" })
    assert.deepStrictEqual(searches().map((request) => new URL(request.path, server.url).searchParams.get("query")), [
      "name:t*",
      "name:none"
    ])
  })

  it("each loop over the same iterable starts afresh, and a failure rejects the loop", async () => {
    const sfx = client()
    await seed(sfx)
    const hosts = sfx.streamDimensions({ query: "key:host" })
    const collect = async () => {
      const values: Array<string> = []
      for await (const dimension of hosts) values.push(dimension.value)
      return values.sort()
    }
    assert.deepStrictEqual(await collect(), ["server1", "server2"])
    assert.deepStrictEqual(await collect(), ["server1", "server2"])
    const error = await rejection((async () => {
      for await (const _ of sfx.streamMetrics({ query: "name:*", pageSize: 0 })) assert.fail("no metric expected")
    })())
    assert.instanceOf(error, RestRequestError)
    assert.strictEqual(error.reason, "InvalidRequest")
  })
})

describe("SignalFx metadata options", () => {
  it("apiToken is the token of the metadata calls; without it, the client's token is", async () => {
    // A server that knows the API token only: the metadata calls pass with apiToken alone.
    const apiOnly = await FakeSignalFx.start({ tokens: [API_TOKEN] })
    try {
      const endpoints = { ingestEndpoint: apiOnly.url, apiEndpoint: apiOnly.url }
      const withApiToken = new SignalFx(INGEST_TOKEN, { ...endpoints, apiToken: Redacted.make(API_TOKEN) })
      const withoutApiToken = new SignalFx(INGEST_TOKEN, endpoints)
      clients.push(withApiToken, withoutApiToken)
      assert.strictEqual((await withApiToken.updateTag("owned", {})).name, "owned")
      const error = await rejection(withoutApiToken.getTag("owned"))
      assert.instanceOf(error, RestRequestError)
      assert.strictEqual(error.status, 401)
      assert.notInclude(error.message, API_TOKEN)
    } finally {
      await apiOnly.close()
    }
  })

  it("without apiEndpoint the realm gives the API URL, as it gives the ingest URL", () => {
    const settings = apiSettings(Redacted.make("t"), { realm: "eu0" })
    assert.isTrue(Either.isRight(settings))
    const resolved = Either.flatMap(settings, resolve)
    assert.strictEqual(Either.getOrThrow(resolved).endpoint.href, "https://api.eu0.signalfx.com/")
    const defaultRealm = Either.getOrThrow(Either.flatMap(apiSettings(Redacted.make("t"), {}), resolve))
    assert.strictEqual(defaultRealm.endpoint.href, "https://api.us0.signalfx.com/")
  })

  it("an unusable apiEndpoint or apiToken throws a ConfigurationError naming it", () => {
    for (
      const [options, option] of [
        [{ apiEndpoint: "ftp://example.com" }, "apiEndpoint"],
        [{ apiEndpoint: "http://example.com" }, "apiEndpoint"],
        [{ apiToken: " " }, "apiToken"]
      ] as const
    ) {
      try {
        new SignalFx(INGEST_TOKEN, options)
        assert.fail(`expected a throw for ${JSON.stringify(options)}`)
      } catch (error) {
        assert.instanceOf(error, ConfigurationError)
        assert.strictEqual(error.option, option)
      }
    }
  })

  it("SignalFx.fromEnv() reads SPLUNK_API_URL", async () => {
    const names = ["SPLUNK_ACCESS_TOKEN", "SPLUNK_INGEST_URL", "SPLUNK_API_URL"] as const
    const saved = names.map((name) => process.env[name])
    process.env.SPLUNK_ACCESS_TOKEN = API_TOKEN
    process.env.SPLUNK_INGEST_URL = server.url
    process.env.SPLUNK_API_URL = server.url
    try {
      const sfx = SignalFx.fromEnv()
      clients.push(sfx)
      assert.strictEqual((await sfx.updateTag("from-env", {})).name, "from-env")
      expect(apiRequests().map((request) => request.path)).toEqual(["/v2/tag/from-env"])
    } finally {
      names.forEach((name, index) => {
        const value = saved[index]
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      })
    }
  })
})

describe("SignalFx metadata after stop()", () => {
  it("calls and loops reject with a ClosedError, without a request", async () => {
    const sfx = client()
    await sfx.stop()
    const call = await rejection(sfx.getMetric("cpu.utilization"))
    assert.instanceOf(call, ClosedError)
    assert.strictEqual(call.what, "requests")
    const loop = await rejection((async () => {
      for await (const _ of sfx.streamTags({ query: "name:*" })) assert.fail("no tag expected")
    })())
    assert.instanceOf(loop, ClosedError)
    assert.deepStrictEqual(apiRequests(), [])
  })

  it("a loop running when stop() comes rejects at its next page", async () => {
    const sfx = client()
    for (const name of ["a1", "a2", "a3"]) await sfx.updateTag(name, {})
    const names: Array<string> = []
    const error = await rejection((async () => {
      for await (const tag of sfx.streamTags({ query: "name:a*", orderBy: "name", pageSize: 2 })) {
        names.push(tag.name)
        if (names.length === 1) await sfx.stop()
      }
    })())
    assert.instanceOf(error, ClosedError)
    assert.deepStrictEqual(names, ["a1", "a2"])
  })
})

describe("SignalFx.addDimensions", () => {
  it("skips a dimension whose value is undefined (an id not found)", async () => {
    const sfx = client({ flushInterval: 10 })
    const missing: string | undefined = undefined
    sfx.addDimensions({ AWSUniqueId: missing, service: "checkout" })
    assert.deepStrictEqual(sfx.dimensions(), { service: "checkout" })
    await sfx.send({ gauges: [{ metric: "m", value: 1 }] })
    await sfx.flush()
    assert.deepStrictEqual(server.datapoints().map((point) => point.dimensions), [{ service: "checkout" }])
  })
})
