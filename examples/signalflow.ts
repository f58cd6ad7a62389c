/**
 * Reading data back with SignalFlow, Promise API: send a few gauges, then run a SignalFlow
 * program over them and print each timestamp's values with their dimensions.
 *
 *   npx tsx examples/signalflow.ts                                   # no account: a local server
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/signalflow.ts   # your organization
 *
 * `SPLUNK_INGEST_URL` and `SPLUNK_STREAM_URL` name other endpoints (a proxy, another local server).
 *
 * The token needs the API scope as well as the ingest one to run SignalFlow.
 */
import { SignalFx } from "effect-signalfx/promise"
import { FakeSignalFx } from "effect-signalfx/testing"

// With a token, the real realm; without one, a local SignalFx-compatible server that also runs
// SignalFlow programs over what it received.
const local = process.env.SPLUNK_ACCESS_TOKEN === undefined ? await FakeSignalFx.start() : undefined
const sfx = local === undefined
  ? SignalFx.fromEnv({ signalflow: { streamEndpoint: process.env.SPLUNK_STREAM_URL } })
  : new SignalFx("local-token", { ingestEndpoint: local.url, signalflow: { streamEndpoint: local.url } })
console.log(local === undefined ? "Using your organization" : "No SPLUNK_ACCESS_TOKEN: using a local server")

// Three hosts, three whole seconds a minute ago.
const start = Math.floor(Date.now() / 1000) * 1000 - 60_000
for (let second = 0; second < 3; second++) {
  await sfx.send({
    gauges: ["a", "b", "c"].map((host, i) => ({
      metric: "example.queue.depth",
      value: 10 * (i + 1) + second,
      dimensions: { host },
      timestamp: start + second * 1000 + 100
    }))
  })
}
await sfx.flush()

// Each timestamp's values with their time series' metadata; the loop ends at `stop`.
const program = "data('example.queue.depth').publish()"
for await (const snapshot of sfx.signalflow.values(program, { start, stop: start + 3000, resolution: 1000 })) {
  const values = snapshot.values
    .map(({ metadata, value }) => `${String(metadata?.host)}=${String(value)}`)
    .sort()
    .join(" ")
  console.log(`${new Date(snapshot.logicalTimestampMs).toISOString()} ${values}`)
}

await sfx.stop()
await local?.close()
