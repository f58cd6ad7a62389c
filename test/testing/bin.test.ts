import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..")

describe("effect-signalfx-server", () => {
  it("prints its URL, then a line per batch, and never a token", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/bin/server.ts", "--port", "0", "--token", "tok-123"],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    let output = ""
    // One listener for the whole run, so no line can arrive between two waits and be missed.
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern)
          if (match === null) return
          child.stdout.off("data", check)
          child.off("exit", onExit)
          resolve(match)
        }
        const onExit = (code: number | null) => reject(new Error(`exited with ${code}: ${output}`))
        child.stdout.on("data", check)
        child.once("exit", onExit)
        check()
      })
    try {
      const [, url] = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      const send = (token: string, body: string) =>
        fetch(`${url}/v2/datapoint`, {
          method: "POST",
          headers: { "X-SF-Token": token, "Content-Type": "application/json" },
          body
        })
      assert.strictEqual((await send("wrong", "{}")).status, 401)
      const response = await send(
        "tok-123",
        JSON.stringify({
          gauge: [{ metric: "cpu", value: 1 }, { metric: "mem", value: 2 }, { metric: "cpu", value: 3 }]
        })
      )
      assert.strictEqual(response.status, 200)
      const [line] = await waitFor(/.*3 datapoints: cpu, mem\n/)
      assert.match(line, /^\d{4}-\d\d-\d\dT/)
      assert.notInclude(output, "tok-123")
    } finally {
      child.kill("SIGTERM")
    }
  })
})
