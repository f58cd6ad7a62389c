/**
 * The local server as a command: `effect-signalfx server` and the older `effect-signalfx-server`
 * both start it here. This module needs neither @effect/cli nor the bundle: the older command is
 * compiled as it is, with the package's dependencies only.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { peerText } from "../../core/peerText.js"
import { FakeSignalFx } from "../../testing/index.js"

/** What the server command was given. @internal */
export interface ServerArgs {
  readonly port: number
  readonly host: string
  readonly tokens: ReadonlyArray<string> | undefined
  readonly maxBodyBytes: number | undefined
  readonly verbose: boolean
  /** `true` for a certificate made for the run, or the PEM files' contents. */
  readonly tls: true | { readonly cert: string; readonly key: string } | undefined
  /** With `tls: true`: where to write the certificate made (default a temporary file). */
  readonly certificateOut: string | undefined
}

/** At most this many names per line, so a batch of thousands stays one readable line. */
const MAX_NAMES = 10

const names = (all: ReadonlyArray<string>): string => {
  const distinct = [...new Set(all)]
  const shown = distinct.slice(0, MAX_NAMES).join(", ")
  return distinct.length > MAX_NAMES ? `${shown}, … (${distinct.length} in all)` : shown
}

const describe = (batch: FakeSignalFx.Batch): string => {
  switch (batch._tag) {
    case "Datapoints": {
      const count = batch.datapoints.length
      return `${count} datapoint${count === 1 ? "" : "s"}: ${names(batch.datapoints.map((point) => point.metric))}`
    }
    case "Events": {
      const count = batch.events.length
      return `${count} event${count === 1 ? "" : "s"}: ${names(batch.events.map((event) => event.eventType))}`
    }
  }
}

const pairs = (record: Readonly<Record<string, string | number | bigint | boolean>>): string =>
  `{${Object.entries(record).map(([key, value]) => `${key}=${String(value)}`).join(", ")}}`

const at = (timestamp: number | undefined): string =>
  timestamp === undefined ? "" : ` at ${new Date(timestamp).toISOString()}`

/** One line per datapoint or event, with everything it carried. */
const details = (batch: FakeSignalFx.Batch): Array<string> => {
  switch (batch._tag) {
    case "Datapoints":
      return batch.datapoints.map((point) =>
        `  ${point.type} ${point.metric} = ${String(point.value)} (${point.valueType}) ${pairs(point.dimensions)}${
          at(point.timestamp)
        }`
      )
    case "Events":
      return batch.events.map((event) =>
        `  event ${event.eventType} (${event.category}) ${pairs(event.dimensions)} properties ${
          pairs(event.properties)
        }${at(event.timestamp)}`
      )
  }
}

/**
 * Starts the server, prints where it listens, then a line per batch and per refused request, and
 * stops it on SIGINT or SIGTERM. Resolves with the server once it listens.
 * @internal
 */
export const startServer = async (args: ServerArgs): Promise<FakeSignalFx.Server> => {
  const line = (text: string) => console.log(`${new Date().toISOString()} ${text}`)
  const server = await FakeSignalFx.start({
    port: args.port,
    host: args.host,
    tokens: args.tokens,
    maxBodyBytes: args.maxBodyBytes,
    tls: args.tls,
    onBatch: (batch) => {
      line(describe(batch))
      if (args.verbose) { for (const detail of details(batch)) console.log(detail) }
    },
    // The path and the reason may quote what the client sent: one bounded line whatever it was.
    onRefused: (request, reason) =>
      line(
        `refused ${request.method} ${peerText(request.path)}: ${
          request.status === undefined ? "no answer," : request.status
        } ${peerText(reason)}`
      )
  })
  const accepting = args.tokens === undefined ? "any token" : `${args.tokens.length} token(s)`
  console.log(`effect-signalfx-server listening on ${server.url} (accepting ${accepting})`)
  if (args.tls === true && server.certificate !== undefined) {
    const certificateFile = args.certificateOut ??
      path.join(os.tmpdir(), `effect-signalfx-server-${process.pid}.pem`)
    fs.writeFileSync(certificateFile, server.certificate)
    console.log(`certificate (give it as ca, or in NODE_EXTRA_CA_CERTS): ${certificateFile}`)
  }
  console.log(
    `SignalFlow on ${server.url.replace(/^http/, "ws")}/v2/signalflow/connect and POST /v2/signalflow/execute`
  )
  return server
}
