/**
 * The Python client's "Sending multi-dimensional data": dimensions on each datapoint, and global
 * dimensions added to all of them. Unlike the Python client, a datapoint's own dimension wins
 * over a global one of the same key.
 *
 *   npx tsx examples/multi_dimensional_data.ts
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/multi_dimensional_data.ts
 */
import { connect } from "./support/connect.js"

const { done, sfx } = await connect({ dimensions: { service: "myservice" } })
sfx.addDimensions({ host: "default-host" })

await sfx.send({
  gauges: [
    // host: its own "server1", not the global "default-host".
    { metric: "myfunc.time", value: 532, timestamp: Date.now(), dimensions: { host: "server1", host_ip: "1.2.3.4" } }
  ],
  cumulative_counters: [{ metric: "myfunc.calls_cumulative", value: 10, timestamp: Date.now() }]
})

// Keys start with a letter (letters, digits, _, - and .); values are non-empty. SignalFx would
// accept and then silently drop a datapoint that breaks these rules: here send() rejects it.
await sfx.send({ gauges: [{ metric: "myfunc.time", value: 1, dimensions: { "1host": "server1" } }] }).catch(
  (error: Error) => console.log(`Refused: ${error.message.replaceAll("\n", " ")}`)
)

await sfx.stop()
await done()
