/**
 * The examples run as a newcomer runs them: without a token against the in-process local server,
 * and with one against the endpoint the environment names (here another local server).
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { FakeSignalFx } from "../src/testing/index.js"
import { AWS_ID, closedPort, fakeMetadataServer, identityDocument, json } from "./hostIdentity/support.js"
import { runScript } from "./promise/runScript.js"

const noAccount = {
  SPLUNK_ACCESS_TOKEN: undefined,
  SIGNALFX_ACCESS_TOKEN: undefined,
  SPLUNK_REALM: undefined,
  SIGNALFX_REALM: undefined,
  SPLUNK_INGEST_URL: undefined,
  SIGNALFX_INGEST_URL: undefined,
  SIGNALFX_INGEST_ENDPOINT: undefined
}

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: ["example-token"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

describe.each(["examples/generic_usecase.ts", "examples/effect_usecase.ts"])("%s", (example) => {
  it("without a token, sends to a local server and prints what it received", async () => {
    const result = await runScript(example, noAccount)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "No SPLUNK_ACCESS_TOKEN")
    assert.include(result.stdout, "Delivered 10 of 10 datapoints, 1 of 1 events")
    assert.include(result.stdout, "The local server received 10 datapoints")
    assert.match(result.stdout, /cumulative_counter +requests\.total +100 /)
    assert.include(result.stdout, "deployments")
    assert.strictEqual(result.stderr, "")
  })

  it("with a token, sends where the environment says", async () => {
    const result = await runScript(example, {
      ...noAccount,
      SPLUNK_ACCESS_TOKEN: "example-token",
      SPLUNK_INGEST_URL: server.url
    })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "Delivered 10 of 10 datapoints, 1 of 1 events")
    assert.strictEqual(server.datapoints().length, 10)
    assert.deepStrictEqual(server.datapoints()[0]?.dimensions, {
      source: "effect-signalfx-example",
      host: "myhost",
      service: "myservice"
    })
    assert.deepStrictEqual(server.events().map((event) => event.eventType), ["deployments"])
  })
})

describe("examples/metrics_reporter.ts", () => {
  it("without a token, reports Effect's metrics to a local server, the last report at the end", async () => {
    const result = await runScript("examples/metrics_reporter.ts", noAccount)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "No SPLUNK_ACCESS_TOKEN: reporting to a local server")
    // 20 jobs, 7 of them on the emails queue: the final report has the final counts.
    assert.match(result.stdout, /cumulative_counter +example\.jobs 7 \{"queue":"emails"\}/)
    assert.match(result.stdout, /cumulative_counter +example\.jobs 13 \{"queue":"reports"\}/)
    assert.match(result.stdout, /cumulative_counter +example\.job\.latency\.count 20 /)
    // The default include: no runtime or delivery metrics of Effect's or the library's own.
    assert.notMatch(result.stdout, / (effect|signalfx_ingest)_\w+ /)
    assert.strictEqual(result.stderr, "")
  })

  it("with a token, reports where the environment says", async () => {
    const result = await runScript("examples/metrics_reporter.ts", {
      ...noAccount,
      SPLUNK_ACCESS_TOKEN: "example-token",
      SPLUNK_INGEST_URL: server.url
    })
    assert.strictEqual(result.code, 0, result.stderr)
    const jobs = server.datapoints().filter((point) => point.metric === "example.jobs")
    assert.strictEqual(jobs.at(-1)?.type, "cumulative_counter")
    assert.deepStrictEqual(
      jobs.filter((point) => point.dimensions.queue === "emails").at(-1)?.value,
      7
    )
  })
})

/** The Python client's README, section by section (examples/support/connect.ts picks the target). */
describe("the Python client's README as examples", () => {
  const noAccountOrCloud = async () => ({
    ...noAccount,
    SPLUNK_API_URL: undefined,
    SIGNALFX_API_URL: undefined,
    // No example may reach a real metadata address: EC2 is asked at a closed loopback port.
    AWS_EC2_METADATA_SERVICE_ENDPOINT: await Effect.runPromise(closedPort),
    AWS_EC2_METADATA_DISABLED: undefined,
    ECS_CONTAINER_METADATA_URI_V4: undefined,
    ECS_CONTAINER_METADATA_URI: undefined
  })
  const withToken = async (env: Record<string, string> = {}) => ({
    ...await noAccountOrCloud(),
    SPLUNK_ACCESS_TOKEN: "example-token",
    SPLUNK_INGEST_URL: server.url,
    SPLUNK_API_URL: server.url,
    ...env
  })
  const run = async (example: string, env: Record<string, string | undefined>) => {
    const result = await runScript(`examples/${example}`, env)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.stderr, "")
    return result.stdout
  }
  const sent = () => server.datapoints().map((point) => [point.type, point.metric, point.value, point.dimensions])

  it("reporting_data.ts: a gauge, a counter and a cumulative counter", async () => {
    const stdout = await run("reporting_data.ts", await noAccountOrCloud())
    assert.include(stdout, "Delivered 3 of 3 datapoints")
    assert.match(stdout, /cumulative_counter myfunc\.calls_cumulative +10 /)
    await run("reporting_data.ts", await withToken())
    assert.deepStrictEqual(sent(), [
      ["gauge", "myfunc.time", 532, {}],
      ["counter", "myfunc.calls", 42, {}],
      ["cumulative_counter", "myfunc.calls_cumulative", 10, {}]
    ])
    assert.isTrue(server.datapoints().every((point) => point.timestamp !== undefined))
  })

  it("multi_dimensional_data.ts: a datapoint's own dimension wins over a global one", async () => {
    const stdout = await run("multi_dimensional_data.ts", await noAccountOrCloud())
    assert.include(stdout, "Refused: 1 problem in the input")
    await run("multi_dimensional_data.ts", await withToken())
    assert.deepStrictEqual(sent(), [
      ["gauge", "myfunc.time", 532, { service: "myservice", host: "server1", host_ip: "1.2.3.4" }],
      ["cumulative_counter", "myfunc.calls_cumulative", 10, { service: "myservice", host: "default-host" }]
    ])
  })

  it("sending_events.ts: a deployments event with dimensions and properties", async () => {
    const stdout = await run("sending_events.ts", await noAccountOrCloud())
    assert.include(stdout, "Delivered 1 of 1 events")
    await run("sending_events.ts", await withToken())
    assert.deepStrictEqual(
      server.events().map((event) => [event.eventType, event.category, event.dimensions, event.properties]),
      [["deployments", "USER_DEFINED", { host: "myhost", service: "myservice", instance: "myinstance" }, {
        version: "2015.04.29-01"
      }]]
    )
  })

  it("metadata_and_tags.ts: update_tag, metric metadata, delete_tag", async () => {
    const stdout = await run("metadata_and_tags.ts", await noAccountOrCloud())
    assert.include(stdout, `Tag some_tag_name: an example tag {"version":"some_number"}`)
    assert.include(stdout, "Metric myfunc.time (GAUGE): time spent in myfunc, in ms")
    assert.include(stdout, `Deleted: no tag "some_tag_name"`)
    await run("metadata_and_tags.ts", await withToken())
    const calls = server.requests().map((request) =>
      `${request.method} ${request.path.split("?")[0]} ${request.status}`
    )
    assert.includeMembers(calls, [
      "PUT /v2/tag/some_tag_name 200",
      "PUT /v2/metric/myfunc.time 200",
      "DELETE /v2/tag/some_tag_name 204",
      "GET /v2/tag/some_tag_name 404"
    ])
  })

  it("aws_integration.ts: the AWS unique id as a global dimension, or none outside AWS", async () => {
    const stdout = await run("aws_integration.ts", await noAccountOrCloud())
    assert.include(stdout, "Not on AWS: no AWSUniqueId")
    assert.match(stdout, /myfunc\.time +532 +\{"host":"server1","host_ip":"1\.2\.3\.4"\}\n/)
    await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const imds = yield* fakeMetadataServer((request) =>
        request.method === "PUT" ? { status: 200, body: "token" } : json(identityDocument)
      )
      const withId = yield* Effect.promise(async () =>
        run("aws_integration.ts", await withToken({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }))
      )
      assert.include(withId, `AWSUniqueId is ${AWS_ID}`)
    })))
    assert.deepStrictEqual(sent(), [
      ["gauge", "myfunc.time", 532, { host: "server1", host_ip: "1.2.3.4", AWSUniqueId: AWS_ID }]
    ])
  })

  it("registry_reporter.ts: a measured-core registry, its last report on stop()", async () => {
    const stdout = await run("registry_reporter.ts", await noAccountOrCloud())
    assert.match(stdout, /cumulative_counter example\.callme\.calls +2 /)
    await run("registry_reporter.ts", await withToken())
    const last = (metric: string) => server.datapoints().filter((point) => point.metric === metric).at(-1)
    assert.deepStrictEqual([last("example.callme.calls")?.type, last("example.callme.calls")?.value], [
      "cumulative_counter",
      2
    ])
    assert.deepStrictEqual([last("example.test")?.type, last("example.test")?.value], ["gauge", 42])
  })

  it("short_lived_script.ts: sends, never calls stop(), and its datapoint arrives", async () => {
    const stdout = await run("short_lived_script.ts", await noAccountOrCloud())
    assert.include(stdout, "The script exited by itself with code 0")
    assert.match(stdout, /gauge +script\.ran +1 /)
    await run("short_lived_script.ts", await withToken())
    assert.deepStrictEqual(sent(), [["gauge", "script.ran", 1, {}]])
  })
})

describe("examples/signalflow.ts", () => {
  const lines = /^\S+Z a=10 b=20 c=30\n\S+Z a=11 b=21 c=31\n\S+Z a=12 b=22 c=32$/m

  it("without a token, sends to a local server and reads the values back with SignalFlow", async () => {
    const result = await runScript("examples/signalflow.ts", noAccount)
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "No SPLUNK_ACCESS_TOKEN: using a local server")
    assert.match(result.stdout, lines)
    assert.strictEqual(result.stderr, "")
  })

  it("with a token, sends and reads where the environment says", async () => {
    const result = await runScript("examples/signalflow.ts", {
      ...noAccount,
      SPLUNK_ACCESS_TOKEN: "example-token",
      SPLUNK_INGEST_URL: server.url,
      SPLUNK_STREAM_URL: server.url
    })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.match(result.stdout, lines)
  })
})
