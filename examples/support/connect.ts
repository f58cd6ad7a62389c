/**
 * What the Python client's examples share here: a client for your organization when
 * SPLUNK_ACCESS_TOKEN is set (SPLUNK_REALM, or SPLUNK_INGEST_URL and SPLUNK_API_URL, say where),
 * and otherwise for a local SignalFx-compatible server started in-process, whose records are
 * printed at the end.
 */
import { SignalFx, type SignalFxOptions } from "effect-signalfx/promise"
import { FakeSignalFx } from "effect-signalfx/testing"

export interface Connection {
  readonly sfx: SignalFx
  /** The local server, when there is no account. */
  readonly local: FakeSignalFx.Server | undefined
  /** Prints what the local server received, and closes it. */
  readonly done: () => Promise<void>
}

export const connect = async (
  options: Omit<SignalFxOptions, "realm" | "ingestEndpoint" | "apiEndpoint"> = {}
): Promise<Connection> => {
  if (process.env.SPLUNK_ACCESS_TOKEN !== undefined) {
    const sfx = SignalFx.fromEnv(options)
    console.log(`Sending to ${sfx.endpoint}`)
    return { sfx, local: undefined, done: async () => {} }
  }
  const local = await FakeSignalFx.start()
  const sfx = new SignalFx("local-token", { ...options, ingestEndpoint: local.url, apiEndpoint: local.url })
  console.log(`No SPLUNK_ACCESS_TOKEN: sending to a local server, ${sfx}`)
  return { sfx, local, done: () => printAndClose(local) }
}

export const printAndClose = async (local: FakeSignalFx.Server): Promise<void> => {
  const datapoints = local.datapoints()
  console.log(`The local server received ${datapoints.length} datapoints:`)
  for (const point of datapoints) {
    console.log(
      `  ${point.type.padEnd(18)} ${point.metric.padEnd(24)} ${String(point.value).padStart(4)}  ${
        JSON.stringify(point.dimensions)
      }`
    )
  }
  const events = local.events()
  console.log(`and ${events.length} events:`)
  for (const event of events) {
    console.log(
      `  ${event.category} ${event.eventType} ${JSON.stringify(event.dimensions)} ${JSON.stringify(event.properties)}`
    )
  }
  await local.close()
}
