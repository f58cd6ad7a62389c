/**
 * Every bad argument to the facade gets the library's typed error naming what is wrong, and an
 * unknown option is refused with the right name, as JavaScript callers (and the official
 * clients' users) will pass them.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { ConfigurationError, SignalFx, type SignalFxOptions, ValidationError } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())

/** What the constructor throws for `options`, which a JavaScript caller could pass. */
const constructing = (token: unknown, options: unknown): unknown => {
  try {
    // Reflect.construct: the point is to pass what the types forbid.
    const sfx: SignalFx = Reflect.construct(SignalFx, [token, options])
    void sfx.stop()
  } catch (error) {
    return error
  }
  return assert.fail("expected a throw")
}

const options = (extra: Record<string, unknown>): Record<string, unknown> => ({
  ingestEndpoint: server.url,
  logger: false,
  ...extra
})

describe("the constructor", () => {
  it("throws a ConfigurationError for options that are not an object, or a token that is not a string", () => {
    for (const bad of [null, 5, "realm=us1", [], () => {}]) {
      const error = constructing("token", bad)
      assert.instanceOf(error, ConfigurationError, String(bad))
      assert.strictEqual(error.option, "options")
    }
    for (const bad of [5, null, {}, Symbol("token")]) {
      const error = constructing(bad, options({}))
      assert.instanceOf(error, ConfigurationError)
      assert.strictEqual(error.option, "token")
    }
  })

  it("throws a ConfigurationError naming hostIdentity when it is neither a boolean nor options", () => {
    for (const bad of [null, 1, "aws"]) {
      const error = constructing("token", options({ hostIdentity: bad }))
      assert.instanceOf(error, ConfigurationError, String(bad))
      assert.strictEqual(error.option, "hostIdentity")
    }
  })

  it("names a symbol-valued option instead of failing to print it", () => {
    const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ realm: Symbol("us1") }, "realm"],
      [{ maxBatchSize: Symbol("many") }, "maxBatchSize"],
      [{ retry: { maxElapsed: Symbol("long") } }, "retry.maxElapsed"]
    ]
    for (const [extra, option] of cases) {
      const error = constructing("token", options(extra))
      assert.instanceOf(error, ConfigurationError, option)
      assert.strictEqual(error.option, option)
      assert.include(error.message, "symbol")
    }
  })

  it("refuses the official clients' option names, saying which to use", () => {
    const cases: ReadonlyArray<[string, string]> = [
      ["enableAmazonUniqueId", "hostIdentity"],
      ["timeout", "requestTimeout"],
      ["batchSize", "maxBatchSize"],
      ["userAgents", "userAgent"],
      ["endpoint", "ingestEndpoint"]
    ]
    for (const [name, instead] of cases) {
      const error = constructing("token", options({ [name]: 1 }))
      assert.instanceOf(error, ConfigurationError, name)
      assert.strictEqual(error.option, name)
      assert.include(error.message, `did you mean ${instead}`)
    }
  })

  it("refuses a misspelt option with the closest name, and a stranger with the list", () => {
    const misspelt = constructing("token", options({ shutdownTimout: 1_000 }))
    assert.instanceOf(misspelt, ConfigurationError)
    assert.include(misspelt.message, "did you mean shutdownTimeout?")
    const stranger = constructing("token", options({ colour: "blue" }))
    assert.instanceOf(stranger, ConfigurationError)
    assert.include(stranger.message, "the options are realm, ingestEndpoint")
  })

  it("lets every known option through, and an undefined one", () => {
    const all: SignalFxOptions = {
      ingestEndpoint: server.url,
      format: "json",
      compression: "none",
      maxBatchSize: 10,
      flushInterval: 10,
      queueCapacity: 100,
      eventQueueCapacity: 100,
      overflow: "dropOldest",
      maxConcurrentRequests: 1,
      requestTimeout: 1_000,
      retry: { maxElapsed: 1_000 },
      shutdownTimeout: 1_000,
      dimensions: { service: "checkout" },
      userAgent: "app/1",
      allowInsecureHttp: false,
      hostIdentity: false,
      logger: false,
      realm: undefined
    }
    assert.doesNotThrow(() => void new SignalFx("token", all).stop())
  })
})

describe("fromEnv", () => {
  it("refuses realm and ingestEndpoint, which it reads from the environment", () => {
    for (const name of ["realm", "ingestEndpoint"]) {
      let error: unknown
      try {
        Reflect.apply(SignalFx.fromEnv, SignalFx, [{ [name]: "us1" }])
      } catch (thrown) {
        error = thrown
      }
      assert.instanceOf(error, ConfigurationError, name)
      assert.strictEqual(error.option, name)
      assert.include(error.message, "fromEnv reads")
    }
  })
})

describe("methods", () => {
  const client = () => new SignalFx("token", { ingestEndpoint: server.url, logger: false })

  it("removeDimensions refuses a lone string instead of removing its characters, and a non-array", () => {
    const sfx = client()
    sfx.addDimensions({ h: "1", host: "server1" })
    for (const bad of ["host", 5, null, new Set(["host"]), [1]]) {
      let error: unknown
      try {
        Reflect.apply(sfx.removeDimensions, sfx, [bad])
      } catch (thrown) {
        error = thrown
      }
      assert.instanceOf(error, ValidationError, String(bad))
    }
    assert.deepStrictEqual(sfx.dimensions(), { h: "1", host: "server1" })
    sfx.removeDimensions(["host"])
    assert.deepStrictEqual(sfx.dimensions(), { h: "1" })
    return sfx.stop()
  })

  it("reportMeasured refuses a registry that is not an object and an interval that would spin", async () => {
    const sfx = client()
    const cases: ReadonlyArray<[unknown, unknown, string]> = [
      [null, {}, "registry"],
      ["jobs", {}, "registry"],
      [{}, { interval: 0 }, "options.interval"],
      [{}, { interval: -5 }, "options.interval"],
      [{}, { interval: "soon" }, "options.interval"],
      [{}, { prefix: 5 }, "options.prefix"],
      [{}, { include: "jobs.*" }, "options.include"],
      [{}, null, "options"]
    ]
    for (const [registry, options, path] of cases) {
      let error: unknown
      try {
        Reflect.apply(sfx.reportMeasured, sfx, [registry, options])
      } catch (thrown) {
        error = thrown
      }
      assert.instanceOf(error, ValidationError, path)
      assert.strictEqual(error.issues[0]!.path, path)
    }
    await sfx.stop()
  })

  it("a registry whose reading throws costs its report, never stop()", async () => {
    const sfx = client()
    const broken = {
      get _metrics(): never {
        throw new Error("a broken registry")
      }
    }
    sfx.reportMeasured(broken, { interval: 60_000 })
    await sfx.stop()
    assert.strictEqual(sfx.stats().datapoints.accepted, 0)
  })

  it("flush rejects options that are not an object with a ValidationError", async () => {
    const sfx = client()
    const error = await Reflect.apply(sfx.flush, sfx, [null]).then(() => undefined, (thrown: unknown) => thrown)
    assert.instanceOf(error, ValidationError)
    await sfx.stop()
  })

  it("messages read as English", async () => {
    const sfx = client()
    const error = await Reflect.apply(sfx.send, sfx, [{ gauges: {} }]).then(() => undefined, (e: unknown) => e)
    assert.instanceOf(error, ValidationError)
    assert.include(error.message, "got an object")
    assert.include(error.message, "1 problem in the input")
    await sfx.stop()
  })
})
