#!/usr/bin/env node
/**
 * `effect-signalfx-server`: the local SignalFx server as a command, for pointing any SignalFx
 * client at it and watching what arrives.
 *
 * ```sh
 * npx effect-signalfx-server --port 9943 --token secret
 * npx effect-signalfx-server --tls                               # HTTPS, a certificate made for the run
 * npx effect-signalfx-server --tls-cert cert.pem --tls-key key.pem  # HTTPS with yours
 * ```
 *
 * It prints the URL once listening, then one line per accepted batch. It never prints a token.
 * With `--tls` it writes the certificate it made to a file (`--tls-cert-out`, a temporary file
 * by default) and prints its path, for the client's `ca` or `NODE_EXTRA_CA_CERTS`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { FakeSignalFx } from "../testing/index.js"

const usage = "usage: effect-signalfx-server [--port 9943] [--host 127.0.0.1] [--token TOKEN]... " +
  "[--tls [--tls-cert-out FILE] | --tls-cert FILE --tls-key FILE]"

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
      tls: { type: "boolean", default: false },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-cert-out": { type: "string" },
      help: { type: "boolean", default: false }
    }
  })
  if (values.help) {
    console.log(usage)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}\n${usage}`)
  const certFile = values["tls-cert"]
  const keyFile = values["tls-key"]
  if ((certFile === undefined) !== (keyFile === undefined) || (certFile !== undefined && values.tls)) {
    throw new Error(`--tls-cert and --tls-key go together, without --tls\n${usage}`)
  }
  const tls = values.tls
    ? true
    : certFile !== undefined && keyFile !== undefined
    ? { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") }
    : undefined
  const server = await FakeSignalFx.start({
    port,
    host: values.host,
    tokens: values.token,
    tls,
    onBatch: (batch) => console.log(`${new Date().toISOString()} ${describe(batch)}`)
  })
  const accepting = values.token === undefined ? "any token" : `${values.token.length} token(s)`
  console.log(`effect-signalfx-server listening on ${server.url} (accepting ${accepting})`)
  if (values.tls && server.certificate !== undefined) {
    const certificateFile = values["tls-cert-out"] ??
      path.join(os.tmpdir(), `effect-signalfx-server-${process.pid}.pem`)
    fs.writeFileSync(certificateFile, server.certificate)
    console.log(`certificate (give it as ca, or in NODE_EXTRA_CA_CERTS): ${certificateFile}`)
  }
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
