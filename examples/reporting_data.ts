/**
 * The Python client's "Reporting data": gauges, counters and cumulative counters, then stop().
 *
 *   npx tsx examples/reporting_data.ts                                  # a local server, in-process
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/reporting_data.ts
 */
import { connect } from "./support/connect.js"

const { done, sfx } = await connect()

// Milliseconds since the epoch; optional, but without it the service stamps the arrival time.
const timestamp = Date.now()
await sfx.send({
  gauges: [{ metric: "myfunc.time", value: 532, timestamp }],
  counters: [{ metric: "myfunc.calls", value: 42, timestamp }],
  cumulative_counters: [{ metric: "myfunc.calls_cumulative", value: 10, timestamp }]
})

// Deliver what is queued and stop (a script that just ends delivers too: see short_lived_script.ts).
await sfx.stop()
const { datapoints } = sfx.stats()
console.log(`Delivered ${datapoints.delivered} of ${datapoints.accepted} datapoints`)
await done()
