/**
 * A service closed while its socket is still authenticating tells the computations waiting for
 * it, instead of leaving them waiting forever.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Redacted, Scope, Stream } from "effect"
import { SignalFlow } from "../../src/index.js"
import { makePeer } from "./peer.js"

describe("SignalFlow closed while connecting", () => {
  it.scopedLive("fails the computations awaiting the socket with a SignalFlowConnectionError (Closed)", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const serviceScope = yield* Scope.make()
      const signalflow = yield* SignalFlow.make({ token: Redacted.make("t"), streamEndpoint: peer.url }).pipe(
        Scope.extend(serviceScope)
      )
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain, Effect.fork)
      // Connected, never authenticated: the computation waits for the socket to be ready.
      yield* peer.accept
      yield* Scope.close(serviceScope, Exit.void)
      const exit = yield* Fiber.await(fiber).pipe(Effect.timeout("20 seconds"))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Closed" })
      }
    }))
})
