/**
 * The examples run as a newcomer runs them: without a token against the in-process local server,
 * and with one against the endpoint the environment names (here another local server).
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../src/testing/index.js"
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
