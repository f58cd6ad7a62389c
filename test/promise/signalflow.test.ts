import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { ComputationFailedError, SignalFlowClient, SignalFx } from "../../src/promise/index.js"
import { dataFrame, id, tsIdString } from "../signalflow/frames.js"
import type { Peer } from "../signalflow/peer.js"
import { makePeer } from "../signalflow/peer.js"
import { runScript } from "./runScript.js"

const acceptExecute = (peer: Peer) =>
  Effect.gen(function*() {
    const connection = yield* peer.accept
    const authenticate = yield* connection.authenticate
    const request = yield* connection.receiveType("execute")
    return { connection, authenticate, channel: String(request.channel), request }
  })

describe("Promise facade: sfx.signalflow", () => {
  it.scopedLive("iterates a computation's messages; breaking out of the loop detaches it", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const sfx = new SignalFx("ingest-token", { signalflow: { streamEndpoint: peer.url } })
      yield* Effect.addFinalizer(() => Effect.promise(() => sfx.stop()))
      const consumer = yield* Effect.fork(Effect.promise(async () => {
        const seen: Array<string> = []
        for await (const message of sfx.signalflow.execute("data('cpu').publish()", { start: 0 })) {
          seen.push(message.type === "data" ? `data@${message.logicalTimestampMs}` : message.type)
          if (message.type === "data") break
        }
        return seen
      }))
      const { authenticate, channel, connection } = yield* acceptExecute(peer)
      // The ingest token, by default.
      expect(authenticate.token).toBe("ingest-token")
      connection.send({ type: "metadata", channel, tsId: tsIdString(id(1)), properties: { host: "a" } })
      connection.sendBinary(
        dataFrame({ channel, timestamp: 1000, points: [{ tsId: id(1), valueType: 2, value: 1 }] })
      )
      expect(yield* Fiber.join(consumer)).toEqual(["metadata", "data@1000"])
      expect(yield* connection.receiveType("detach")).toEqual({ type: "detach", channel })
    }))

  it.scopedLive("gathers values per timestamp, rejects with the library's errors, takes its own token", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = new SignalFlowClient("api-token", { streamEndpoint: peer.url })
      yield* Effect.addFinalizer(() => Effect.promise(() => signalflow.close()))
      const gathering = yield* Effect.fork(Effect.promise(async () => {
        const snapshots = []
        for await (const snapshot of signalflow.values("data('cpu').publish()")) snapshots.push(snapshot)
        return snapshots
      }))
      const { authenticate, channel, connection } = yield* acceptExecute(peer)
      expect(authenticate.token).toBe("api-token")
      connection.send({ type: "metadata", channel, tsId: tsIdString(id(1)), properties: { host: "a" } })
      for (const timestamp of [1000, 2000]) {
        connection.sendBinary(
          dataFrame({ channel, timestamp, points: [{ tsId: id(1), valueType: 1, value: timestamp / 1000 }] })
        )
      }
      connection.send({ type: "control-message", channel, event: "END_OF_CHANNEL", timestampMs: 3 })
      const gathered = yield* Fiber.join(gathering)
      expect(gathered).toEqual([
        { logicalTimestampMs: 1000, values: [{ tsId: tsIdString(id(1)), value: 1, metadata: { host: "a" } }] },
        { logicalTimestampMs: 2000, values: [{ tsId: tsIdString(id(1)), value: 2, metadata: { host: "a" } }] }
      ])
      // The facade closes an idle socket at once, so that a script that is done can end.
      expect(yield* connection.closed).toBe(1000)

      const failing = yield* Effect.fork(Effect.promise(async () => {
        try {
          for await (const _ of signalflow.execute("dta('cpu')")) {
            // nothing arrives
          }
          return undefined
        } catch (error) {
          return error
        }
      }))
      const next = yield* acceptExecute(peer)
      next.connection.send({ type: "error", channel: next.channel, errors: [{ code: "ANALYTICS_PROGRAM_NAME_ERROR" }] })
      const error = yield* Fiber.join(failing)
      expect(error).toBeInstanceOf(ComputationFailedError)
    }))

  it.scopedLive(
    "a script that read a computation to its end ends by itself, without close()",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer
        const script = yield* Effect.fork(
          Effect.promise(() => runScript("test/fixtures/scripts/signalflow-ends.ts", { SIGNALFLOW_URL: peer.url }))
        )
        const { channel, connection } = yield* acceptExecute(peer)
        connection.send({ type: "control-message", channel, event: "JOB_START", handle: "H", timestampMs: 1 })
        connection.send({ type: "control-message", channel, event: "END_OF_CHANNEL", timestampMs: 2 })
        const result = yield* Fiber.join(script)
        // Killed (code null) if the socket had held the process open.
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout).toBe("JOB_START\ndone\n")
      }),
    { timeout: 30_000 }
  )
})
