#!/usr/bin/env node
/**
 * `effect-signalfx-server`: the local SignalFx server as a command, for pointing any SignalFx
 * client at it and watching what arrives.
 *
 * ```sh
 * npx effect-signalfx-server --port 9943 --token secret
 * ```
 *
 * It prints the URL once listening, then one line per accepted batch. It never prints a token.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { FakeSignalFx } from "../testing/index.js"

const usage = "usage: effect-signalfx-server [--port 9943] [--host 127.0.0.1] [--token TOKEN]..."

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

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "9943" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string", multiple: true },
      help: { type: "boolean", default: false }
    }
  })
  if (values.help) {
    console.log(usage)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}\n${usage}`)
  const server = await FakeSignalFx.start({
    port,
    host: values.host,
    tokens: values.token,
    onBatch: (batch) => console.log(`${new Date().toISOString()} ${describe(batch)}`)
  })
  const accepting = values.token === undefined ? "any token" : `${values.token.length} token(s)`
  console.log(`effect-signalfx-server listening on ${server.url} (accepting ${accepting})`)
  console.log(`SignalFlow on ${server.url.replace("http", "ws")}/v2/signalflow/connect and POST /v2/signalflow/execute`)
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
