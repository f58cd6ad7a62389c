import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { FakeSignalFx } from "../../src/testing/index.js"

const send = (server: FakeSignalFx.Server, metric: string) =>
  Effect.promise(() =>
    fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": "t", "Content-Type": "application/json" },
      body: JSON.stringify({ gauge: [{ metric, value: 1 }] })
    })
  )

describe("FakeSignalFx.make", () => {
  it.scoped("is a scoped resource", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tokens: ["t"] })
      const response = yield* send(server, "from.effect")
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(server.datapoints().map((point) => point.metric), ["from.effect"])
    }))

  it.effect("closes with its scope", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* FakeSignalFx.make().pipe(Scope.extend(scope))
      assert.strictEqual((yield* send(server, "m")).status, 200)
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.promise(() => send(server, "m").pipe(Effect.exit, Effect.runPromise))
      assert.isTrue(Exit.isFailure(after), "the port no longer answers")
    }))
})

// `layer` changes the shared `it` for what follows it in the file, so it comes last.
layer(FakeSignalFx.layer())("FakeSignalFx.layer", (it) => {
  it.effect("provides the server as a service", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.FakeSignalFx
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.strictEqual((yield* send(server, "via.layer")).status, 200)
      assert.deepStrictEqual(server.datapoints().map((point) => point.metric), ["via.layer"])
    }))
})
