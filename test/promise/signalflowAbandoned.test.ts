/**
 * A SignalFlow computation holds a script's process only while the script awaits it: one that
 * stops reading a live computation (without `break`) ends by itself, one that awaits its next
 * message stays up. Child processes against the local server's live computations.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { SignalFlowConnectionError, SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { runScript, startNode } from "./runScript.js"

const TOKEN = "api-token-abandon"
const server = await FakeSignalFx.start({ tokens: [TOKEN] })
afterAll(() => server.close())

const env = { SIGNALFLOW_URL: server.url, SIGNALFLOW_TOKEN: TOKEN }

describe("a script's SignalFlow computation", () => {
  const abandoned = async (extra: Record<string, string>) => {
    const result = await runScript("test/fixtures/scripts/signalflow-abandons.ts", { ...env, ...extra }, 30_000)
    // Killed (code null) if the computation had held the process open.
    expect(result.code, result.stderr).toBe(0)
    // Two messages read: the computation was running when the script let go of it.
    expect(result.stdout).toMatch(/^\w[\w-]+\n\w[\w-]+\nabandoned\n$/)
    expect(result.stdout).not.toContain("undefined")
  }

  it(
    "no longer read, without break, lets the script end by itself: its socket holds nothing",
    () => abandoned({}),
    40_000
  )

  it(
    "no longer read until its buffer is full, lets the script end: waiting for the buffer to drain holds nothing",
    () => abandoned({ BUFFER_SIZE: "3", WORK_MILLIS: "4000" }),
    40_000
  )

  it("awaited, keeps the script up while it waits for the next message", async () => {
    const { child, closed, output } = startNode(["--import", "tsx", "test/fixtures/scripts/signalflow-awaits.ts"], env)
    try {
      // Reading: the computation is live and the script awaits its next message, a second away.
      const deadline = Date.now() + 30_000
      while (!output().stdout.includes("reading") && child.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(output().stdout, output().stderr).toBe("reading\n")
      // Several messages' worth of waiting: a script not held between them would have ended.
      await new Promise((resolve) => setTimeout(resolve, 3_000))
      expect(child.exitCode, `${output().stdout}${output().stderr}`).toBeNull()
    } finally {
      child.kill("SIGKILL")
      await closed
    }
  }, 40_000)
})

describe("sfx.signalflow after stop()", () => {
  it("is closed: a computation rejects, and no socket is opened", async () => {
    const sfx = new SignalFx("ingest-token", {
      logger: false,
      signalflow: { token: TOKEN, streamEndpoint: server.url }
    })
    await sfx.stop()
    const before = server.requests().length
    let error: unknown
    try {
      for await (const _ of sfx.signalflow.execute("data('late').publish()")) break
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(SignalFlowConnectionError)
    expect(server.requests().length).toBe(before)
  })
})
