/**
 * The Python client's "Known issues: sending only 1 datapoint and not seeing it": a short-lived
 * script that sends and simply ends, without stop() (and without the atexit hook the Python
 * client needs). Here the datapoint arrives all the same, and the process exits by itself.
 *
 *   npx tsx examples/short_lived_script.ts
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/short_lived_script.ts
 *
 * Without a token, it starts a local server, runs itself against it as a separate process (the
 * short-lived script), and prints what the server received once that process has ended.
 */
import { SignalFx } from "effect-signalfx/promise"
import { FakeSignalFx } from "effect-signalfx/testing"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { printAndClose } from "./support/connect.js"

if (process.env.SPLUNK_ACCESS_TOKEN !== undefined) {
  // The short-lived script itself.
  const sfx = SignalFx.fromEnv()
  await sfx.send({ gauges: [{ metric: "script.ran", value: 1, timestamp: Date.now() }] })
  console.log("Sent one datapoint; ending without stop()")
} else {
  const local = await FakeSignalFx.start()
  console.log(`No SPLUNK_ACCESS_TOKEN: running the script against a local server at ${local.url}`)
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, SPLUNK_ACCESS_TOKEN: "local-token", SPLUNK_INGEST_URL: local.url },
    stdio: ["ignore", "inherit", "inherit"]
  })
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
  console.log(`The script exited by itself with code ${code}`)
  await printAndClose(local)
}
