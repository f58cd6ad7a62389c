/**
 * The generic use case as an Effect program: the Ingest service comes from a layer, and closing
 * the layer's scope stops it gracefully (what is queued is delivered first).
 *
 *   npx tsx examples/effect_usecase.ts                          # a local server, in-process
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/effect_usecase.ts
 */
import { FetchHttpClient } from "@effect/platform"
import { Config, Console, Effect, Layer, Option, Redacted } from "effect"
import { Ingest } from "effect-signalfx"
import { FakeSignalFx } from "effect-signalfx/testing"

const globalDimensions = { source: "effect-signalfx-example" }

const program = Effect.gen(function*() {
  const ingest = yield* Ingest.Ingest
  yield* ingest.addDimensions({ host: "myhost", service: "myservice" })

  for (let i = 0; i < 3; i++) {
    const timestamp = Date.now()
    yield* ingest.send({
      gauges: [{ metric: "test.cpu", value: (i * 37) % 10, timestamp }],
      counters: [{ metric: "cpu_cnt", value: i % 2, timestamp, dimensions: { core: "0" } }],
      cumulativeCounters: [{ metric: "requests.total", value: 100 + i * 10, timestamp, dimensions: { route: "/home" } }]
    })
  }

  yield* ingest.sendEvent({
    eventType: "deployments",
    dimensions: { instance: "myinstance" },
    properties: { version: `${new Date().toISOString().slice(0, 10)}-1` },
    timestamp: Date.now()
  })

  yield* ingest.removeDimensions(["service"])
  yield* ingest.send({ gauges: [{ metric: "test.cpu", value: 5 }] })

  yield* ingest.flush
  const { datapoints, events } = yield* ingest.stats
  yield* Console.log(
    `Delivered ${datapoints.delivered} of ${datapoints.accepted} datapoints, ${events.delivered} of ${events.accepted} events`
  )
})

// With a token: SPLUNK_ACCESS_TOKEN, SPLUNK_REALM or SPLUNK_INGEST_URL from the environment.
const toYourOrganization = program.pipe(
  Effect.provide(Ingest.layerConfig({ dimensions: globalDimensions }).pipe(Layer.provide(FetchHttpClient.layer)))
)

// Without: a local SignalFx-compatible server, then what it received.
const toALocalServer = Effect.gen(function*() {
  const server = yield* FakeSignalFx.FakeSignalFx
  yield* Console.log(`No SPLUNK_ACCESS_TOKEN: sending to a local server at ${server.url}`)
  const IngestLocal = Ingest.layer({
    token: Redacted.make("local-token"),
    ingestEndpoint: server.url,
    dimensions: globalDimensions
  }).pipe(Layer.provide(FetchHttpClient.layer))
  // The layer is released when `program` ends: the Ingest service is stopped by then.
  yield* Effect.provide(program, IngestLocal)
  yield* Console.log(`The local server received ${server.datapoints().length} datapoints:`)
  for (const point of server.datapoints()) {
    yield* Console.log(`  ${point.type} ${point.metric} ${point.value} ${JSON.stringify(point.dimensions)}`)
  }
  for (const event of server.events()) {
    yield* Console.log(`and the event ${event.eventType} ${JSON.stringify(event.properties)}`)
  }
}).pipe(Effect.provide(FakeSignalFx.layer()))

const main = Effect.flatMap(
  Config.option(Config.redacted("SPLUNK_ACCESS_TOKEN")),
  (token) => Option.isSome(token) ? toYourOrganization : toALocalServer
)

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
