/**
 * The generic use case with the Promise API: gauges, counters and cumulative counters with
 * dimensions, an event, global dimensions, and a graceful stop.
 *
 *   npm run example                                   # no account: a local server, in-process
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npm run example   # your organization
 */
import { SignalFx } from "effect-signalfx/promise"
import { FakeSignalFx } from "effect-signalfx/testing"

// With a token, send to the real realm; without one, to a local SignalFx-compatible server.
const local = process.env.SPLUNK_ACCESS_TOKEN === undefined ? await FakeSignalFx.start() : undefined
const sfx = local === undefined
  ? SignalFx.fromEnv({ dimensions: { source: "effect-signalfx-example" } })
  : new SignalFx("local-token", { ingestEndpoint: local.url, dimensions: { source: "effect-signalfx-example" } })
console.log(
  local === undefined ? `Sending to ${sfx.endpoint}` : `No SPLUNK_ACCESS_TOKEN: sending to a local server, ${sfx}`
)

// Global dimensions go on every datapoint and event from now on.
sfx.addDimensions({ host: "myhost", service: "myservice" })

for (let i = 0; i < 3; i++) {
  const timestamp = Date.now()
  await sfx.send({
    gauges: [{ metric: "test.cpu", value: (i * 37) % 10, timestamp }],
    counters: [{ metric: "cpu_cnt", value: i % 2, timestamp, dimensions: { core: "0" } }],
    cumulative_counters: [{ metric: "requests.total", value: 100 + i * 10, timestamp, dimensions: { route: "/home" } }]
  })
}

await sfx.sendEvent({
  eventType: "deployments",
  category: "USER_DEFINED",
  dimensions: { instance: "myinstance" },
  properties: { version: `${new Date().toISOString().slice(0, 10)}-1` },
  timestamp: Date.now()
})

sfx.removeDimensions(["service"])
await sfx.send({ gauges: [{ metric: "test.cpu", value: 5 }] })

// Deliver what is queued and stop; without it a script still delivers when it ends, but
// `process.exit()` would not wait.
await sfx.stop()
const { datapoints, events } = sfx.stats()
console.log(
  `Delivered ${datapoints.delivered} of ${datapoints.accepted} datapoints, ${events.delivered} of ${events.accepted} events`
)

if (local !== undefined) {
  console.log(`The local server received ${local.datapoints().length} datapoints:`)
  for (const point of local.datapoints()) {
    console.log(
      `  ${point.type.padEnd(18)} ${point.metric.padEnd(15)} ${String(point.value).padStart(4)}  ${
        JSON.stringify(point.dimensions)
      }`
    )
  }
  console.log(`and ${local.events().length} event:`)
  for (const event of local.events()) {
    console.log(
      `  ${event.category} ${event.eventType} ${JSON.stringify(event.dimensions)} ${JSON.stringify(event.properties)}`
    )
  }
  await local.close()
}
