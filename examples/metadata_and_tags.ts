/**
 * The Python client's "Metric metadata and tags": search, get and update metric metadata, and
 * create, read, search and delete a tag, with the REST API.
 *
 *   npx tsx examples/metadata_and_tags.ts
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/metadata_and_tags.ts
 *
 * The REST API wants a token with the API scope: pass `apiToken` when it is not the ingest token.
 */
import { RestNotFoundError } from "effect-signalfx/promise"
import { connect } from "./support/connect.js"

const { done, sfx } = await connect()

// sfx.update_tag('some_tag_name', description='an example tag', custom_properties={'version': 'some_number'})
const tag = await sfx.updateTag("some_tag_name", {
  description: "an example tag",
  customProperties: { version: "some_number" }
})
console.log(`Tag ${tag.name}: ${tag.description} ${JSON.stringify(tag.customProperties)}`)
const { count } = await sfx.searchTags({ query: "name:some_*" })
console.log(`${count} tag(s) named some_*`)

// Metric metadata exists once datapoints of the metric arrived (at once on the local server,
// within minutes on SignalFx).
await sfx.send({ gauges: [{ metric: "myfunc.time", value: 532 }] })
await sfx.flush()
for await (const metric of sfx.streamMetrics({ query: "name:myfunc.*" })) {
  // update* replaces: send back what was read, changed.
  const updated = await sfx.updateMetric(metric.name, { ...metric, description: "time spent in myfunc, in ms" })
  console.log(`Metric ${updated.name} (${updated.type}): ${updated.description}`)
}

await sfx.deleteTag("some_tag_name")
try {
  await sfx.getTag("some_tag_name")
} catch (error) {
  if (!(error instanceof RestNotFoundError)) throw error
  console.log(`Deleted: ${error.message}`)
}

await sfx.stop()
await done()
