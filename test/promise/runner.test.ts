/**
 * The facade's one runner, over a service of its own: every operation of a service shape, nested
 * groups included, reaches plain code as a promise or an async iterable with nothing written for
 * it; the service is loaded on the first call; streams are pulled a chunk at a time; after
 * `close()` calls and loops reject with the runner's closed error.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { loadService } from "../../src/internal/promise/loaded.js"
import type { Promised } from "../../src/internal/promise/runner.js"
import { promised, ServiceRunner } from "../../src/internal/promise/runner.js"
import { ClosedError, ConfigurationError } from "../../src/SignalFxError.js"
import { collect } from "../collect.js"

interface Toy {
  readonly greet: (name: string) => Effect.Effect<string>
  /** Pages of two numbers, up to `to`; `pulled` counts the pages asked. */
  readonly count: (to: number) => Stream.Stream<number>
  readonly admin: {
    readonly refuse: (option: string) => Effect.Effect<void, ConfigurationError>
  }
}

class ToyService extends Context.Tag("test/Toy")<ToyService, Toy>() {}

const makeToy = () => {
  const counters = { loads: 0, pages: 0 }
  const toy: Toy = {
    greet: (name) => Effect.succeed(`hello ${name}`),
    count: (to) =>
      Stream.paginateChunkEffect(1, (from) =>
        Effect.sync(() => {
          counters.pages++
          const page = Chunk.range(from, Math.min(from + 1, to))
          return [page, from + 2 <= to ? Option.some(from + 2) : Option.none()] as const
        })),
    admin: { refuse: (option) => Effect.fail(new ConfigurationError({ option, reason: "refused" })) }
  }
  const runner = new ServiceRunner(() => {
    counters.loads++
    return loadService(ToyService, Layer.succeed(ToyService, toy), { logger: false })
  }, { closedError: () => new ClosedError({ what: "requests", count: 0 }) })
  return { counters, runner, client: promised(runner) }
}

describe("promised(runner)", () => {
  it("runs each operation of the shape, nested groups included, loading the service on the first call", async () => {
    const { client, counters, runner } = makeToy()
    const typed: Promised<Toy> = client
    assert.strictEqual(counters.loads, 0)
    const greeting: Promise<string> = typed.greet("you")
    assert.strictEqual(await greeting, "hello you")
    assert.deepStrictEqual(await collect(typed.count(5)), [1, 2, 3, 4, 5])
    const refused = await typed.admin.refuse("x").catch((error: unknown) => error)
    assert.instanceOf(refused, ConfigurationError)
    assert.strictEqual(counters.loads, 1)
    assert.strictEqual(client.admin, client.admin)
    await runner.close()
  })

  it("pulls a chunk only when the loop has used the last, and stops pulling when the loop is left", async () => {
    const { client, counters, runner } = makeToy()
    const seen: Array<number> = []
    for await (const n of client.count(10)) {
      seen.push(n)
      assert.strictEqual(counters.pages, Math.ceil(n / 2))
      if (n === 3) break
    }
    assert.deepStrictEqual(seen, [1, 2, 3])
    assert.strictEqual(counters.pages, 2)
    await runner.close()
  })

  it("after close(), calls and loops reject with the closed error; awaiting a stream hands back its iterable", async () => {
    const { client, runner } = makeToy()
    const iterable = await client.count(2)
    assert.deepStrictEqual(await collect(iterable), [1, 2])
    await runner.close()
    await expect(client.greet("late")).rejects.toBeInstanceOf(ClosedError)
    await expect(collect(client.count(2))).rejects.toBeInstanceOf(ClosedError)
  })

  it("a name that is not an operation of the service rejects with a TypeError naming it", async () => {
    const { runner } = makeToy()
    const error = await runner.invoke(["admin", "missing"], []).catch((failure: unknown) => failure)
    assert.instanceOf(error, TypeError)
    assert.include(error.message, "admin.missing")
    await runner.close()
  })
})
