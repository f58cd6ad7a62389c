/**
 * The Python client's "Sending events": an event type, dimensions and properties.
 *
 *   npx tsx examples/sending_events.ts
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/sending_events.ts
 */
import { connect } from "./support/connect.js"

const { done, sfx } = await connect()

await sfx.sendEvent({
  eventType: "deployments",
  category: "USER_DEFINED", // the default
  dimensions: { host: "myhost", service: "myservice", instance: "myinstance" },
  properties: { version: "2015.04.29-01" },
  timestamp: Date.now()
})

await sfx.stop()
const { events } = sfx.stats()
console.log(`Delivered ${events.delivered} of ${events.accepted} events`)
await done()
