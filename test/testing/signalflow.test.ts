import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { DataFrame, Received } from "./signalflowSupport.js"
import { isData, pastSecond, sendGauges, TestSignalFlowClient, valuesBy } from "./signalflowSupport.js"

let server: FakeSignalFx.Server
let clients: Array<TestSignalFlowClient> = []

beforeEach(async () => {
  server = await FakeSignalFx.start({ tokens: ["test-token"] })
})

afterEach(async () => {
  for (const client of clients) client.close()
  clients = []
  await server.close()
})

const connect = async (): Promise<TestSignalFlowClient> => {
  const client = await TestSignalFlowClient.authenticated(server)
  clients.push(client)
  return client
}

const events = (messages: ReadonlyArray<Received>): Array<string> =>
  messages.filter((message) => message.type === "control-message").map((message) => String(message.event))

describe("SignalFlow over WebSocket: the handshake", () => {
  it("answers an accepted token with authenticated", async () => {
    const client = await connect()
    const authenticated = await client.waitFor((message) => message.type === "authenticated")
    assert.strictEqual(authenticated.orgId, "local")
  })

  it("answers a refused token with a 401 error and closes the connection", async () => {
    const client = await TestSignalFlowClient.connect(server)
    clients.push(client)
    client.send({ type: "authenticate", token: "wrong" })
    const code = await client.waitForClose()
    assert.strictEqual(code, 4401)
    const error = client.received.find((message) => message.type === "error")
    assert.strictEqual(error?.error, 401)
    assert.notInclude(JSON.stringify(client.received), "wrong")
  })

  it("refuses requests before the handshake", async () => {
    const client = await TestSignalFlowClient.connect(server)
    clients.push(client)
    client.send({ type: "execute", channel: "R0", program: "data('cpu').publish()" })
    const error = await client.waitFor((message) => message.type === "error")
    assert.strictEqual(error.error, 401)
    assert.strictEqual(error.channel, "R0")
  })

  it("answers 404 to an upgrade on another path", async () => {
    const { WebSocket } = await import("ws")
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/v2/elsewhere`)
    const status = await new Promise<number | undefined>((resolve) => {
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode))
      socket.on("error", () => resolve(undefined))
    })
    assert.strictEqual(status, 404)
  })
})

describe("SignalFlow over WebSocket: failures for clients to survive", () => {
  const upgradeStatus = async (): Promise<number | undefined> => {
    const { WebSocket } = await import("ws")
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/v2/signalflow/connect`)
    return new Promise((resolve) => {
      socket.on("open", () => {
        socket.close()
        resolve(101)
      })
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode))
      socket.on("error", () => resolve(undefined))
    })
  }

  it("drops every connection on disconnectSignalFlow, and accepts new ones", async () => {
    const client = await connect()
    client.send({ type: "execute", channel: "R0", program: "data('x').publish()" })
    await client.waitFor((message) => message.event === "JOB_START")
    assert.strictEqual(server.disconnectSignalFlow(), 1)
    // No close handshake: the client sees an abnormal closure.
    assert.strictEqual(await client.waitForClose(), 1006)
    const again = await connect()
    again.send({ type: "keepalive", handle: client.received.find((message) => message.event === "JOB_START")!.handle })
    // The dropped connection's computation is gone.
    assert.strictEqual((await again.waitFor((message) => message.type === "error")).error, 404)
  })

  it("applies the faults scripted for /v2/signalflow/connect to the upgrade", async () => {
    server.fault("/v2/signalflow/connect", [FakeSignalFx.respond(503), FakeSignalFx.resetConnection("beforeBody")])
    assert.strictEqual(await upgradeStatus(), 503)
    assert.strictEqual(await upgradeStatus(), undefined)
    assert.strictEqual(await upgradeStatus(), 101)
  })
})

describe("SignalFlow over WebSocket: a past range", () => {
  it("streams the control messages, metadata and binary data of data(...).publish() in order", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [
      { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 100 },
      { metric: "cpu", value: 2.5, dimensions: { host: "b" }, timestamp: t0 + 200 },
      { metric: "cpu", value: 3.5, dimensions: { host: "a" }, timestamp: t0 + 1100 },
      { metric: "memory", value: 99, dimensions: { host: "a" }, timestamp: t0 + 100 }
    ])
    const client = await connect()
    client.send({ type: "execute", channel: "R0", program: "data('cpu').publish('cpu')", start: t0, stop: t0 + 2000 })
    const messages = await client.channel("R0")

    assert.deepStrictEqual(events(messages), ["STREAM_START", "JOB_START", "END_OF_CHANNEL"])
    const jobStart = messages.find((message) => message.event === "JOB_START")!
    assert.match(String(jobStart.handle), /^[A-Za-z0-9_-]{11}$/)

    const metadata = messages.filter((message) => message.type === "metadata")
    assert.strictEqual(metadata.length, 2)
    for (const message of metadata) {
      assert.match(String(message.tsId), /^[A-Za-z0-9_-]{11}$/)
      const properties = message.properties as Record<string, unknown>
      assert.strictEqual(properties.sf_metric, "cpu")
      assert.strictEqual(properties.sf_streamLabel, "cpu")
      assert.strictEqual(properties.sf_resolutionMs, 1000)
      assert.deepStrictEqual(properties.sf_key, ["host", "sf_metric"])
    }

    const data = messages.filter(isData)
    assert.deepStrictEqual(data.map((frame) => frame.logicalTimestampMs), [t0, t0 + 1000])
    assert.isTrue(data.every((frame) => frame.version === 1 && !frame.compressed))
    assert.deepStrictEqual([...valuesBy(messages, "host")], [[t0, { a: 1.5, b: 2.5 }], [t0 + 1000, { a: 3.5 }]])

    // Every tsId in a data batch was announced by metadata before it.
    const announced = new Set<unknown>()
    for (const message of messages) {
      if (message.type === "metadata") announced.add(message.tsId)
      if (isData(message)) { for (const point of message.data) assert.isTrue(announced.has(point.tsId)) }
    }

    // The resolution comes after the first timestamp's batches, where the official clients expect it.
    const resolutionAt = messages.findIndex((message) =>
      message.type === "message" &&
      (message.message as { messageCode: string }).messageCode === "JOB_RUNNING_RESOLUTION"
    )
    assert.isAbove(resolutionAt, messages.indexOf(data[0]!))
    assert.isBelow(resolutionAt, messages.indexOf(data[1]!))
    const resolution = messages[resolutionAt]!.message as { contents: { resolutionMs: number } }
    assert.strictEqual(resolution.contents.resolutionMs, 1000)
  })

  it("gzips data frames when the request asks for compress, and keeps ints as longs", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [{ metric: "requests", value: 7, timestamp: t0 + 10 }])
    const client = await connect()
    client.send({
      type: "execute",
      channel: "gz",
      program: "data('requests').publish()",
      start: t0,
      stop: t0 + 1000,
      compress: true
    })
    const data = (await client.channel("gz")).filter(isData)
    assert.strictEqual(data.length, 1)
    assert.isTrue(data[0]!.compressed)
    assert.strictEqual(data[0]!.data[0]!.valueType, 1)
    assert.strictEqual(data[0]!.data[0]!.value, 7n)
  })

  it("computes sum, mean, min, max and count, with and without by", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [
      { metric: "cpu", value: 1, dimensions: { host: "a", region: "east" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 3, dimensions: { host: "b", region: "east" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 10, dimensions: { host: "c", region: "west" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 99, dimensions: { host: "d" }, timestamp: t0 + 1 }
    ])
    const client = await connect()
    const program = [
      "A = data('cpu', filter=filter('region', '*'))",
      "A.sum(by=['region']).publish('sum')",
      "A.mean(by='region').publish('mean')",
      "A.min().publish('min')",
      "A.max().publish('max')",
      "A.count().publish('count')"
    ].join("\n")
    client.send({ type: "execute", channel: "agg", program, start: t0, stop: t0 + 1000 })
    const messages = await client.channel("agg")
    const labels = new Map<unknown, string>()
    for (const message of messages) {
      if (message.type !== "metadata") continue
      const properties = message.properties as Record<string, string>
      labels.set(
        message.tsId,
        `${properties.sf_streamLabel}${properties.region === undefined ? "" : `:${properties.region}`}`
      )
      assert.match(properties.sf_metric!, /^_SF_COMP_/)
      assert.strictEqual(properties.sf_originatingMetric, "cpu")
    }
    const values: Record<string, number> = {}
    for (const frame of messages.filter(isData)) {
      for (const point of frame.data) values[labels.get(point.tsId)!] = Number(point.value)
    }
    assert.deepStrictEqual(values, {
      "sum:east": 4,
      "sum:west": 10,
      "mean:east": 2,
      "mean:west": 10,
      min: 1,
      max: 10,
      count: 3
    })
    // One data batch per published stream per timestamp.
    assert.strictEqual(messages.filter(isData).length, 5)
  })

  it("filters with and, or and not, and wildcards", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [
      { metric: "cpu", value: 1, dimensions: { host: "web-1", env: "prod" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 2, dimensions: { host: "web-2", env: "dev" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 3, dimensions: { host: "db-1", env: "prod" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 4, dimensions: { host: "db-2", env: "test" }, timestamp: t0 + 1 }
    ])
    const client = await connect()
    const run = async (channel: string, filter: string): Promise<Array<string>> => {
      client.send({
        type: "execute",
        channel,
        program: `data('cpu', filter=${filter}).publish()`,
        start: t0,
        stop: t0 + 1000
      })
      const row = valuesBy(await client.channel(channel), "host").get(t0) ?? {}
      return Object.keys(row).sort()
    }
    assert.deepStrictEqual(await run("f1", "filter('env', 'prod')"), ["db-1", "web-1"])
    assert.deepStrictEqual(await run("f2", "filter('host', 'web-*') and filter('env', 'prod')"), ["web-1"])
    assert.deepStrictEqual(await run("f3", "filter('env', 'dev') or filter('host', 'db-*')"), ["db-1", "db-2", "web-2"])
    assert.deepStrictEqual(await run("f4", "not filter('env', 'prod', 'dev')"), ["db-2"])
    assert.deepStrictEqual(await run("f5", "not (filter('env', 'prod') or filter('env', 'dev'))"), ["db-2"])
  })

  it("rolls several datapoints of a window up by the metric type (average for gauges)", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [
      { metric: "cpu", value: 1, timestamp: t0 + 100 },
      { metric: "cpu", value: 2, timestamp: t0 + 600 }
    ])
    await post(server, "/v2/datapoint", {
      counter: [{ metric: "hits", value: 2, timestamp: t0 + 100 }, { metric: "hits", value: 5, timestamp: t0 + 600 }]
    })
    const client = await connect()
    client.send({
      type: "execute",
      channel: "r",
      program: "data('cpu').publish('cpu')\ndata('hits').publish('hits')\ndata('cpu', rollup='max').publish('peak')",
      start: t0,
      stop: t0 + 1000
    })
    assert.deepStrictEqual(valuesBy(await client.channel("r"), "none").get(t0), { cpu: 1.5, hits: 7, peak: 2 })
  })
})

const post = async (server: FakeSignalFx.Server, path: string, body: unknown): Promise<void> => {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "X-SF-Token": "test-token", "Content-Type": "application/json" },
    body: JSON.stringify(body)
  })
  assert.strictEqual(response.status, 200)
}

describe("SignalFlow over WebSocket: live", () => {
  it("streams datapoints ingested after the start in the following batches, until stop", async () => {
    const client = await connect()
    const start = Date.now()
    client.send({
      type: "execute",
      channel: "live",
      program: "data('temperature').publish()",
      resolution: 200,
      maxDelay: 100
    })
    await client.waitFor((message) => message.channel === "live" && message.event === "JOB_START")
    // Datapoints without a timestamp count when they arrive, as with the service.
    await sendGauges(server, [{ metric: "temperature", value: 21.5 }])
    const withValue = await client.waitFor((message) =>
      isData(message) && message.data.some((point) => point.value === 21.5)
    ) as DataFrame
    assert.isAtLeast(withValue.logicalTimestampMs, Math.floor(start / 200) * 200)

    await sendGauges(server, [{ metric: "temperature", value: 22.5 }])
    const later = await client.waitFor((message) =>
      isData(message) && message.data.some((point) => point.value === 22.5)
    ) as DataFrame
    assert.isAbove(later.logicalTimestampMs, withValue.logicalTimestampMs)

    const handle = client.received.find((message) => message.event === "JOB_START")!.handle
    client.send({ type: "stop", handle, reason: "enough" })
    const abort = await client.waitFor((message) => message.event === "CHANNEL_ABORT")
    assert.deepStrictEqual(abort.abortInfo, { sf_job_abortState: "STOPPED", sf_job_abortReason: "enough" })
  })

  it("ends the channel at a stop in the near future", async () => {
    const client = await connect()
    const now = Date.now()
    client.send({
      type: "execute",
      channel: "soon",
      program: "data('x').publish()",
      start: now,
      stop: now + 600,
      resolution: 200,
      maxDelay: 0
    })
    const messages = await client.channel("soon")
    assert.strictEqual(events(messages).at(-1), "END_OF_CHANNEL")
    const timestamps = messages.filter(isData).map((frame) => frame.logicalTimestampMs)
    assert.deepStrictEqual(
      timestamps,
      [0, 1, 2, 3].map((i) => Math.floor(now / 200) * 200 + i * 200).filter((t) => t < now + 600)
    )
  })

  it("detaching a channel ends its computation with CHANNEL_ABORT", async () => {
    const client = await connect()
    client.send({ type: "execute", channel: "d", program: "data('x').publish()" })
    await client.waitFor((message) => message.channel === "d" && message.event === "JOB_START")
    client.send({ type: "detach", channel: "d" })
    const abort = await client.waitFor((message) => message.event === "CHANNEL_ABORT")
    assert.strictEqual((abort.abortInfo as { sf_job_abortState: string }).sf_job_abortState, "DETACHED")
  })

  it("sees datapoints ingested after a reset only", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [{ metric: "cpu", value: 1, timestamp: t0 + 1 }])
    server.reset()
    const client = await connect()
    client.send({ type: "execute", channel: "e", program: "data('cpu').publish()", start: t0, stop: t0 + 1000 })
    const messages = await client.channel("e")
    assert.deepStrictEqual(messages.filter(isData).map((frame) => frame.data.length), [0])
    const codes = messages.filter((message) => message.type === "message").map((message) =>
      (message.message as { messageCode: string }).messageCode
    )
    assert.include(codes, "FIND_MATCHED_NO_TIMESERIES")
    const noMatch = messages.find((message) =>
      message.type === "message" &&
      (message.message as { messageCode: string }).messageCode === "FIND_MATCHED_NO_TIMESERIES"
    )!
    assert.deepStrictEqual((noMatch.message as { contents: unknown }).contents, { query: "sf_metric:cpu" })
  })
})

describe("SignalFlow over WebSocket: info messages", () => {
  it("names the query that matched nothing in the service's syntax", async () => {
    const client = await connect()
    const t0 = pastSecond()
    client.send({
      type: "execute",
      channel: "q",
      program: "data('cpu', filter=filter('env', 'a', 'b') and not filter('host', 'x')).publish()",
      start: t0,
      stop: t0 + 1000
    })
    const contents = (await client.channel("q"))
      .map((message) => message.message as { messageCode?: string; contents?: unknown } | undefined)
      .find((message) => message?.messageCode === "FIND_MATCHED_NO_TIMESERIES")?.contents
    assert.deepStrictEqual(contents, { query: "sf_metric:cpu AND ((env:a OR env:b) AND NOT host:x)" })
  })
})

describe("SignalFlow over WebSocket: refused programs", () => {
  const refuse = async (program: string) => {
    const client = await connect()
    client.send({ type: "execute", channel: "bad", program })
    const messages = await client.channel("bad")
    const error = messages.find((message) => message.type === "error")!
    assert.strictEqual(error.error, 400)
    assert.deepStrictEqual(events(messages), ["STREAM_START", "END_OF_CHANNEL"])
    const context = error.context as { line: number; column: number }
    return { errorType: error.errorType, message: error.message, context }
  }

  it("answers a syntax error with its position", async () => {
    const error = await refuse("data('cpu').publish(\n")
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.strictEqual(error.context.line, 2)
  })

  it("answers an unknown name with a name error", async () => {
    const error = await refuse("A = data('cpu')\nB.publish()")
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_NAME_ERROR")
    assert.include(String(error.message), "'B'")
    assert.deepStrictEqual([error.context.line, error.context.column], [2, 1])
  })

  it("answers a function outside the subset with a name error that says so", async () => {
    const error = await refuse("data('cpu').percentile(90).publish()")
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_NAME_ERROR")
    assert.include(String(error.message), "not supported by the local SignalFlow server")
  })

  it("answers a wrong argument with a type error", async () => {
    const error = await refuse("data('cpu').sum(over='1m').publish()")
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
    assert.include(String(error.message), "over")
  })

  it("enforces the service's limits: program length and computations per connection", async () => {
    const client = await connect()
    client.send({ type: "execute", channel: "long", program: `data('x').publish()#${"x".repeat(50_000)}` })
    const tooLong = await client.waitFor((message) => message.type === "error" && message.channel === "long")
    assert.include(String(tooLong.message), "50000")
    for (let index = 0; index < 300; index++) {
      client.send({ type: "execute", channel: `c${index}`, program: "data('x').publish()" })
    }
    await client.waitFor((message) => message.channel === "c299" && message.event === "JOB_START")
    client.send({ type: "execute", channel: "c300", program: "data('x').publish()" })
    const tooMany = await client.waitFor((message) => message.type === "error" && message.channel === "c300")
    assert.include(String(tooMany.message), "300")
  })

  it("answers a bad parameter with an error on the channel", async () => {
    const client = await connect()
    client.send({ type: "execute", channel: "p", program: "data('x').publish()", start: "yesterday" })
    const error = await client.waitFor((message) => message.type === "error")
    assert.strictEqual(error.channel, "p")
    assert.include(String(error.message), "start")
  })
})

describe("SignalFlow over SSE: POST /v2/signalflow/execute", () => {
  const execute = (program: string, query: Record<string, string>, token = "test-token") =>
    fetch(`${server.url}/v2/signalflow/execute?${new URLSearchParams(query)}`, {
      method: "POST",
      headers: { "X-SF-Token": token, "Content-Type": "text/plain" },
      body: program
    })

  const parseEvents = (text: string): Array<{ event: string; data: Record<string, unknown> }> =>
    text.split("\n\n").filter((block) => block.trim() !== "").map((block) => {
      const lines = block.split("\n")
      const event = lines.find((line) => line.startsWith("event: "))!.slice("event: ".length)
      const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice("data: ".length)).join(
        "\n"
      )
      return { event, data: JSON.parse(data) }
    })

  it("streams the computation as server-sent events, with data as JSON, and ends at stop", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [
      { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 1 },
      { metric: "cpu", value: 2.5, dimensions: { host: "a" }, timestamp: t0 + 1001 }
    ])
    const response = await execute("data('cpu').publish('cpu')", { start: String(t0), stop: String(t0 + 2000) })
    assert.strictEqual(response.status, 200)
    assert.strictEqual(response.headers.get("content-type"), "text/event-stream")
    const events = parseEvents(await response.text())
    assert.deepStrictEqual(events.map((event) => event.event), [
      "control-message",
      "control-message",
      "metadata",
      "data",
      "message",
      "message",
      "data",
      "control-message"
    ])
    const metadata = events.find((event) => event.event === "metadata")!.data
    assert.deepStrictEqual(
      events.filter((event) => event.event === "data").map((event) => event.data),
      [
        { logicalTimestampMs: t0, data: [{ tsId: metadata.tsId, value: 1.5 }] },
        { logicalTimestampMs: t0 + 1000, data: [{ tsId: metadata.tsId, value: 2.5 }] }
      ]
    )
    assert.strictEqual(events.at(-1)!.data.event, "END_OF_CHANNEL")
  })

  it("answers a refused program with 400 and the service's error body", async () => {
    const response = await execute("data('cpu').publish(", {})
    assert.strictEqual(response.status, 400)
    const body = await response.json() as { errorType: string; error: number }
    assert.strictEqual(body.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.strictEqual(body.error, 400)
  })

  it("answers a refused token with 401", async () => {
    const response = await execute("data('cpu').publish()", {}, "wrong")
    assert.strictEqual(response.status, 401)
  })

  it("stops the computation when the client goes away", async () => {
    const controller = new AbortController()
    const response = await fetch(`${server.url}/v2/signalflow/execute?resolution=100&maxDelay=0`, {
      method: "POST",
      headers: { "X-SF-Token": "test-token" },
      body: "data('cpu').publish()",
      signal: controller.signal
    })
    const reader = response.body!.getReader()
    let text = ""
    while (!text.includes("JOB_START")) text += new TextDecoder().decode((await reader.read()).value)
    const handle = /"handle":"([^"]+)"/.exec(text)![1]
    controller.abort()
    // Once the server saw the client go, the handle names no running computation.
    const client = await connect()
    for (let attempt = 0;; attempt++) {
      client.received.length = 0
      client.send({ type: "keepalive", handle })
      const answer = await Promise.race([
        client.waitFor((message) => message.type === "error"),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))
      ])
      if (answer?.error === 404) break
      assert.isBelow(attempt, 100, "the computation kept running after its client went away")
    }
  })
})
