/**
 * `effect-signalfx-server` says when it refuses a SignalFlow authentication, as it does for a
 * refused REST or ingest request: once, on one line, without the token.
 */
import { assert, it } from "@effect/vitest"
import { WebSocket } from "ws"
import { startServerProcess } from "./serverProcess.js"

it("prints a refused SignalFlow authentication once, without the token", async () => {
  const server = startServerProcess(["--token", "good-token", "--verbose"])
  const refusedToken = "not-the-token-9f3a"
  try {
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
    const socket = new WebSocket(`${url!.replace("http", "ws")}/v2/signalflow/connect`)
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve())
      socket.once("error", reject)
    })
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)))
    socket.send(JSON.stringify({ type: "authenticate", token: refusedToken }))
    assert.strictEqual(await closed, 4401)
    await server.waitFor(
      /refused GET \/v2\/signalflow\/connect: 401 SignalFlow authentication failed: the token is missing or not accepted\n/
    )
    // A refusal that follows it, so that a second line for the first would be in by now.
    const response = await fetch(`${url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": "wrong", "Content-Type": "application/json" },
      body: "{}"
    })
    assert.strictEqual(response.status, 401)
    await server.waitFor(/refused POST \/v2\/datapoint: 401 invalid X-SF-Token\n/)
    assert.strictEqual(server.output().match(/SignalFlow authentication failed/g)?.length, 1)
    assert.notInclude(server.output(), refusedToken)
  } finally {
    server.child.kill("SIGTERM")
  }
})
