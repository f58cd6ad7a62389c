import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { root } from "../promise/runScript.js"
import { command, startServerProcess } from "./serverProcess.js"

/** Runs the command to its end, for the arguments that make it exit at once. */
const runToEnd = (args: ReadonlyArray<string>) => {
  const result = spawnSync(process.execPath, [...command, ...args], { cwd: root, encoding: "utf8", timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const sendDatapoints = (url: string, token: string, body: string) =>
  fetch(`${url}/v2/datapoint`, {
    method: "POST",
    headers: { "X-SF-Token": token, "Content-Type": "application/json" },
    body
  })

describe("effect-signalfx-server", () => {
  it("prints its URL, then a line per batch and per refused request with the reason, and never a token", async () => {
    const server = startServerProcess(["--token", "tok-123", "--max-body-bytes", "1000"])
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      assert.strictEqual((await sendDatapoints(url!, "wrong", "{}")).status, 401)
      await server.waitFor(/refused POST \/v2\/datapoint: 401 invalid X-SF-Token\n/)
      assert.strictEqual((await sendDatapoints(url!, "tok-123", " ".repeat(1001))).status, 413)
      await server.waitFor(/refused POST \/v2\/datapoint: 413 the body is 1001 bytes, more than the 1000 allowed\n/)
      const response = await sendDatapoints(
        url!,
        "tok-123",
        JSON.stringify({
          gauge: [{ metric: "cpu", value: 1 }, { metric: "mem", value: 2 }, { metric: "cpu", value: 3 }]
        })
      )
      assert.strictEqual(response.status, 200)
      const [line] = await server.waitFor(/.*3 datapoints: cpu, mem\n/)
      assert.match(line, /^\d{4}-\d\d-\d\dT/)
      assert.notInclude(server.output(), "tok-123")
      assert.notInclude(server.output(), "  gauge cpu = 1", "values only with --verbose")
    } finally {
      server.child.kill("SIGTERM")
    }
  })

  it("with --verbose, prints each datapoint and event with its values", async () => {
    const server = startServerProcess(["--verbose"])
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      const body = {
        gauge: [{ metric: "cpu", value: 42.5, dimensions: { host: "a" }, timestamp: 1_700_000_000_000 }],
        cumulative_counter: [{ metric: "calls", value: 7 }]
      }
      assert.strictEqual((await sendDatapoints(url!, "any", JSON.stringify(body))).status, 200)
      await server.waitFor(/ {2}gauge cpu = 42\.5 \(double\) \{host=a\} at 2023-11-14T22:13:20\.000Z\n/)
      await server.waitFor(/ {2}cumulative_counter calls = 7 \(int\) \{\}\n/)
      const event = await fetch(`${url}/v2/event`, {
        method: "POST",
        headers: { "X-SF-Token": "any", "Content-Type": "application/json" },
        body: JSON.stringify([{ eventType: "deploy", dimensions: { service: "api" }, properties: { version: "1.2" } }])
      })
      assert.strictEqual(event.status, 200)
      await server.waitFor(/ {2}event deploy \(USER_DEFINED\) \{service=api\} properties \{version=1\.2\}\n/)
    } finally {
      server.child.kill("SIGTERM")
    }
  })

  it("serves its control endpoints to any HTTP client", async () => {
    const server = startServerProcess([])
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      const faults = await fetch(`${url}/_fake/faults`, {
        method: "POST",
        body: JSON.stringify({ route: "/v2/datapoint", faults: [{ _tag: "Respond", status: 503 }] })
      })
      assert.strictEqual(faults.status, 204)
      const batch = JSON.stringify({ gauge: [{ metric: "cpu", value: 1 }] })
      assert.strictEqual((await sendDatapoints(url!, "any", batch)).status, 503)
      await server.waitFor(/refused POST \/v2\/datapoint: 503 scripted fault: Respond\n/)
      assert.strictEqual((await sendDatapoints(url!, "any", batch)).status, 200)
      const recorded = await (await fetch(`${url}/_fake/datapoints`)).json()
      assert.deepStrictEqual(recorded, [{ metric: "cpu", type: "gauge", value: 1, valueType: "int", dimensions: {} }])
    } finally {
      server.child.kill("SIGTERM")
    }
  })

  it("--help lists every option and the control endpoints", () => {
    const { code, stdout } = runToEnd(["--help"])
    assert.strictEqual(code, 0)
    for (const option of ["--port", "--host", "--token", "--max-body-bytes", "--verbose", "--help"]) {
      assert.include(stdout, `  ${option}`)
    }
    for (const endpoint of ["/_fake/datapoints", "/_fake/events", "/_fake/requests", "/_fake/reset", "/_fake/faults"]) {
      assert.include(stdout, endpoint)
    }
  })

  it("answers an unknown option or a bad value with the usage, and exit code 2", () => {
    const unknown = runToEnd(["--verbos"])
    assert.strictEqual(unknown.code, 2)
    assert.include(unknown.stderr, "Unknown option '--verbos'")
    assert.include(unknown.stderr, "  --verbose")
    const badPort = runToEnd(["--port", "99999"])
    assert.strictEqual(badPort.code, 2)
    assert.include(badPort.stderr, "invalid --port \"99999\"")
    assert.include(badPort.stderr, "usage: effect-signalfx-server")
  })
})
