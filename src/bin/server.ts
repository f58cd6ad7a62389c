#!/usr/bin/env node
/**
 * `effect-signalfx-server`: the local SignalFx server as a command, for pointing any SignalFx
 * client at it and watching what arrives, or for driving it from a test suite in any language
 * through its control endpoints (`/_fake/…`).
 *
 * ```sh
 * npx effect-signalfx-server --port 9943 --token secret --verbose
 * npx effect-signalfx-server --tls                               # HTTPS, a certificate made for the run
 * npx effect-signalfx-server --tls-cert cert.pem --tls-key key.pem  # HTTPS with yours
 * ```
 *
 * It prints the URL once listening, then one line per accepted batch (with `--verbose`, a line
 * per datapoint or event with its values) and one per refused request with the reason. It never
 * prints a token. With `--tls` it writes the certificate it made to a file (`--tls-cert-out`, a
 * temporary file by default) and prints its path, for the client's `ca` or `NODE_EXTRA_CA_CERTS`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { parseArgs } from "node:util"
import { startServer } from "../internal/cli/localServer.js"

const usage = `usage: effect-signalfx-server [options]

A local SignalFx-compatible server: ingest (POST /v2/datapoint, /v2/event; protobuf or JSON,
gzip or not), the metadata REST API (/v2/metric, /v2/dimension, /v2/metrictimeseries, /v2/tag),
the rest of the REST API (/v2/organization, /v2/chart, /v2/dashboard, /v2/dashboardgroup,
/v2/detector, /v2/incident, /v2/crosslink, /v2/session) and SignalFlow over what it ingested
(WebSocket /v2/signalflow/connect, SSE POST /v2/signalflow/execute).

options:
  --port PORT             the port to listen on (default 9943; 0 picks a free one)
  --host HOST             the address to listen on (default 127.0.0.1)
  --token TOKEN           a token to accept in X-SF-Token; repeat for more (default: any token)
  --max-body-bytes BYTES  answer 413 to a larger request body, as a proxy may (default: 20 MiB)
  --verbose               print each datapoint and event with its values, not only the names
  --tls                   serve HTTPS with a self-signed certificate made for the run
  --tls-cert-out FILE     with --tls: where to write that certificate (default: a temporary file)
  --tls-cert FILE         serve HTTPS with this certificate (PEM), with --tls-key
  --tls-key FILE          the certificate's private key (PEM)
  --help                  print this help

control endpoints (no token needed; JSON; never recorded):
  GET  /_fake/datapoints  the datapoints received     GET  /_fake/events    the events received
  GET  /_fake/requests    every request received      POST /_fake/reset     forget everything
  POST /_fake/faults      script the next answers to a route, e.g.
       {"route": "/v2/datapoint", "faults": [{"_tag": "Respond", "status": 429, "retryAfter": 1}]}
       (_tag: Respond, Delay {millis}, Hang, Reset {when: beforeBody|afterBody}, Redirect {location},
        LoseAnswer {how: reset|hang|late, millis})
  POST /_fake/incidents   raise an incident on a detector: {"detectorId": "…"}; answers {"id": "…"}`

/** A mistake in the command line: exit code 2, with the usage. */
class UsageError extends Error {}

const parse = (args: ReadonlyArray<string>) => {
  try {
    return parseArgs({
      args: [...args],
      options: {
        port: { type: "string", default: "9943" },
        host: { type: "string", default: "127.0.0.1" },
        token: { type: "string", multiple: true },
        "max-body-bytes": { type: "string" },
        verbose: { type: "boolean", default: false },
        tls: { type: "boolean", default: false },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "tls-cert-out": { type: "string" },
        help: { type: "boolean", default: false }
      }
    }).values
  } catch (error) {
    // parseArgs names the unknown option or the missing value.
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`)
  }
}

const integer = (name: string, text: string, max: number): number => {
  const value = Number(text)
  if (text.trim() === "" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: expected an integer from 0 to ${max}\n\n${usage}`)
  }
  return value
}

const main = async (): Promise<void> => {
  const values = parse(process.argv.slice(2))
  if (values.help) {
    console.log(usage)
    return
  }
  const port = integer("port", values.port, 65535)
  const maxBodyBytes = values["max-body-bytes"] === undefined
    ? undefined
    : integer("max-body-bytes", values["max-body-bytes"], Number.MAX_SAFE_INTEGER)
  const certFile = values["tls-cert"]
  const keyFile = values["tls-key"]
  if ((certFile === undefined) !== (keyFile === undefined) || (certFile !== undefined && values.tls)) {
    throw new UsageError(`--tls-cert and --tls-key go together, without --tls\n\n${usage}`)
  }
  const server = await startServer({
    port,
    host: values.host,
    tokens: values.token,
    maxBodyBytes,
    verbose: values.verbose,
    tls: values.tls
      ? true
      : certFile !== undefined && keyFile !== undefined
      ? { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") }
      : undefined,
    certificateOut: values["tls-cert-out"]
  })
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(error instanceof UsageError ? 2 : 1)
})
