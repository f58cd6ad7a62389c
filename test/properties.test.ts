/**
 * Thousands of generated malformed inputs to the public API, the Promise facade and the Effect
 * service alike: wrong types, NaN, huge and sparse arrays, getters that throw, Proxies, cycles,
 * `__proto__` keys, symbols. Each gets the library's typed error or is accepted; nothing crashes,
 * hangs or leaves an unhandled rejection; and valid sends afterwards arrive exactly.
 *
 * The one documented exception: input whose reading throws (a getter, a Proxy trap) fails with
 * what it threw, as a rejection from the facade and a defect from the Effect API.
 */
import { FetchHttpClient } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Logger, Redacted, Scope } from "effect"
import * as fc from "fast-check"
import { Ingest, Metadata } from "../src/index.js"
import { ClosedError, ConfigurationError, SignalFx, ValidationError } from "../src/promise/index.js"
import { FakeSignalFx } from "../src/testing/index.js"

/** What a hostile input throws when read. */
class Poison extends Error {}

const throwingGetter = (): object =>
  Object.defineProperty({}, "metric", {
    enumerable: true,
    get: () => {
      throw new Poison("a getter that throws")
    }
  })

const throwingProxy = (): object =>
  new Proxy({}, {
    get: () => {
      throw new Poison("a proxy get trap")
    },
    ownKeys: () => {
      throw new Poison("a proxy ownKeys trap")
    }
  })

const cycle = (): object => {
  const node: Record<string, unknown> = { metric: "cyclic", value: 1 }
  node.self = node
  node.dimensions = node
  return node
}

const sparse = (length: number, present: ReadonlyArray<unknown>): Array<unknown> => {
  const list = new Array<unknown>(length)
  present.forEach((item, i) => (list[Math.floor((i * length) / Math.max(1, present.length))] = item))
  return list
}

/** Anything a JavaScript caller might pass where a value goes. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    2 ** 64,
    null,
    undefined,
    "",
    Symbol("s"),
    10n ** 30n,
    () => 1,
    new Date(Number.NaN),
    Object.create(null),
    JSON.parse("{\"__proto__\": {\"polluted\": true}, \"metric\": \"m\", \"value\": 1}"),
    { __proto__: null, metric: "m", value: 1 }
  ),
  fc.constant(null).map(throwingGetter),
  fc.constant(null).map(throwingProxy),
  fc.constant(null).map(cycle),
  fc.tuple(fc.integer({ min: 0, max: 5_000_000 }), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 })).map((
    [length, present]
  ) => sparse(length, present)),
  fc.record({ [Symbol.iterator]: fc.constant(() => [].values()) }),
  fc.dictionary(fc.string(), fc.anything({ maxDepth: 1 }), { maxKeys: 5 })
)

/** A datapoint-shaped input with hostile parts. */
const datapointish: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.record({ metric: hostile, value: hostile }),
  fc.record({ metric: fc.constant("m"), value: fc.constant(1), dimensions: hostile, timestamp: hostile }),
  fc.record({ metric: fc.constant("m"), value: hostile })
)

const sendArgument: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.record({ gauges: hostile }),
  fc.record({ gauges: fc.array(datapointish, { maxLength: 4 }) }),
  fc.record({ counters: fc.array(datapointish, { maxLength: 4 }), gauge: hostile }),
  fc.record({ cumulative_counters: fc.array(datapointish, { maxLength: 2 }) }, { requiredKeys: [] })
)

const eventArgument: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.record({ eventType: hostile, category: hostile, properties: hostile, dimensions: hostile, timestamp: hostile }, {
    requiredKeys: []
  })
)

/** What a failure may be: the library's own errors, or what the input itself threw. */
const isAllowed = (error: unknown): boolean =>
  error instanceof ValidationError ||
  error instanceof ConfigurationError ||
  error instanceof ClosedError ||
  error instanceof Poison

const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: ["token"] })
  process.on("unhandledRejection", onUnhandled)
})
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled)
  await server.close()
})

/** Calls `f` with an argument the types forbid; returns what it threw, or undefined. */
const calling = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  return undefined
}

const settled = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  return undefined
}

const afterwardsDelivered = async (sfx: SignalFx, label: string): Promise<void> => {
  const gauges = Array.from({ length: 50 }, (_, i) => ({ metric: "after.properties", value: i, dimensions: { label } }))
  await sfx.send({ gauges })
  await sfx.flush()
  const arrived = server.datapoints().filter((point) => point.dimensions.label === label)
  assert.deepStrictEqual(arrived.map((point) => point.value), gauges.map((point) => point.value))
}

describe("the Promise facade, given malformed input", () => {
  it("answers every call with a typed error or an acceptance, and still delivers exactly afterwards", async () => {
    const sfx = new SignalFx("token", { ingestEndpoint: server.url, logger: false, flushInterval: 5 })
    const methods: ReadonlyArray<readonly [string, fc.Arbitrary<unknown>, (input: unknown) => unknown]> = [
      ["send", sendArgument, (input) => Reflect.apply(sfx.send, sfx, [input])],
      ["sendEvent", eventArgument, (input) => Reflect.apply(sfx.sendEvent, sfx, [input])],
      [
        "sendEvents",
        fc.oneof(hostile, fc.array(eventArgument, { maxLength: 3 })),
        (input) => Reflect.apply(sfx.sendEvents, sfx, [input])
      ],
      ["addDimensions", hostile, (input) => Reflect.apply(sfx.addDimensions, sfx, [input])],
      ["removeDimensions", hostile, (input) => Reflect.apply(sfx.removeDimensions, sfx, [input])],
      [
        "reportMeasured",
        fc.tuple(hostile, fc.oneof(hostile, fc.record({ interval: hostile, dimensions: hostile }))),
        (input) => Reflect.apply(sfx.reportMeasured, sfx, Array.isArray(input) ? input : [])
      ],
      [
        "flush",
        fc.oneof(hostile, fc.record({ timeout: hostile })),
        (input) =>
          Reflect.apply(sfx.flush, sfx, [input]).then((done: unknown) => {
            if (typeof done !== "boolean") throw new Error("flush must resolve a boolean")
          })
      ]
    ]
    for (const [name, argument, call] of methods) {
      await fc.assert(
        fc.asyncProperty(argument, async (input) => {
          let outcome: unknown
          const thrown = calling(() => (outcome = call(input)))
          const failure = outcome instanceof Promise ? await settled(outcome) : thrown
          assert.isTrue(failure === undefined || isAllowed(failure), `${name}: ${String(failure)}`)
        }),
        { numRuns: 400 }
      )
    }
    // Global dimensions the properties may have added must not break what follows.
    for (const key of Object.keys(sfx.dimensions())) sfx.removeDimensions([key])
    await afterwardsDelivered(sfx, "facade")
    const { datapoints, events } = sfx.stats()
    for (const stats of [datapoints, events]) {
      const dropped = Object.values(stats.dropped).reduce((sum, n) => sum + n, 0)
      assert.strictEqual(stats.accepted, stats.delivered + stats.pending + dropped)
    }
    await sfx.stop()
    assert.deepStrictEqual(unhandled, [])
  }, 120_000)

  // Without hostIdentity (it would ask the real metadata addresses) or an endpoint: a client
  // made here is stopped before it sends anything, so nothing leaves the machine.
  it("refuses malformed constructor arguments with a ConfigurationError (or what reading them threw)", () => {
    fc.assert(
      fc.property(
        fc.oneof(hostile, fc.constant("token")),
        fc.oneof(
          hostile,
          fc.dictionary(
            fc.constantFrom(
              "realm",
              "maxBatchSize",
              "retry",
              "logger",
              "timeout",
              "hostIdentity",
              "dimensions",
              "format",
              "flushInterval",
              "userAgent",
              "ingestEndpoint"
            ),
            hostile
          )
        ),
        (token, options) => {
          let client: unknown
          const thrown = calling(() => (client = Reflect.construct(SignalFx, [token, options])))
          if (client instanceof SignalFx) void client.stop()
          assert.isTrue(thrown === undefined || isAllowed(thrown), String(thrown))
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe("the Effect API, given malformed input", () => {
  it.live("Ingest.make and Metadata.make fail with a ConfigurationError for malformed options", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom(
              "token",
              "realm",
              "maxBatchSize",
              "retry",
              "requestTimeout",
              "dimensions",
              "format",
              "userAgent"
            ),
            hostile
          ),
          async (options) => {
            for (const make of [Ingest.make, Metadata.make]) {
              const exit = await Effect.runPromiseExit(
                Effect.suspend((): Effect.Effect<unknown, unknown, HttpClient.HttpClient | Scope.Scope> =>
                  Reflect.apply(make, undefined, [{ token: Redacted.make("token"), ...options }])
                ).pipe(
                  Effect.scoped,
                  Effect.provide(FetchHttpClient.layer)
                )
              )
              if (Exit.isFailure(exit)) {
                const failure = Cause.squash(exit.cause)
                assert.isTrue(isAllowed(failure), String(failure))
              }
            }
          }
        ),
        { numRuns: 300 }
      )
    ))

  it.live(
    "fails every call with a ValidationError (or dies with what reading it threw), then delivers exactly",
    () =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const ingest = yield* Ingest.make({
          token: Redacted.make("token"),
          ingestEndpoint: server.url,
          flushInterval: 5
        })
          .pipe(Effect.provide(FetchHttpClient.layer), Scope.extend(scope))
        const check = (exit: Exit.Exit<unknown, unknown>): void => {
          if (Exit.isSuccess(exit)) return
          const failure = Cause.squash(exit.cause)
          assert.isTrue(isAllowed(failure), String(failure))
        }
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(sendArgument, eventArgument, async (datapoints, event) => {
              check(await Effect.runPromiseExit(Effect.suspend(() => Reflect.apply(ingest.send, ingest, [datapoints]))))
              check(await Effect.runPromiseExit(Effect.suspend(() => Reflect.apply(ingest.sendEvent, ingest, [event]))))
            }),
            { numRuns: 600 }
          )
        )
        const gauges = Array.from(
          { length: 50 },
          (_, i) => ({ metric: "after.properties", value: i, dimensions: { label: "effect" } })
        )
        yield* ingest.send({ gauges })
        yield* ingest.flush
        const arrived = server.datapoints().filter((point) => point.dimensions.label === "effect")
        assert.deepStrictEqual(arrived.map((point) => point.value), gauges.map((point) => point.value))
        yield* Scope.close(scope, Exit.void)
        assert.deepStrictEqual(unhandled, [])
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, Logger.none))),
    120_000
  )
})
