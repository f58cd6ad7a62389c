/**
 * The Python client's "Pyformance reporter", with a measured-core registry: the application
 * counts and measures, and the client reports the registry every interval, and a last time on
 * stop().
 *
 *   npx tsx examples/registry_reporter.ts
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/registry_reporter.ts
 *
 * For Effect's own Metric registry, see metrics_reporter.ts.
 */
import measured from "measured-core"
import { connect } from "./support/connect.js"

const { done, sfx } = await connect()

const registry = new measured.Collection("example")
const calls = registry.counter("callme.calls")
registry.gauge("test", () => 42)

// Pyformance's @count_calls.
const callme = () => {
  calls.inc()
}

sfx.reportMeasured(registry, { interval: 1_000 })
callme()
callme()

// The last report goes out now, with both calls counted.
await sfx.stop()
await done()
