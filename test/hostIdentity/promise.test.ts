import { afterEach, assert, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ConfigurationError, SignalFx, type SignalFxOptions } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { Received, Reply } from "./support.js"
import { AWS_ID, closedPort, fakeMetadataServer, identityDocument, json, loopbackOptions, timed } from "./support.js"

const clients: Array<SignalFx> = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()))
})

const client = (url: string, options: SignalFxOptions) => {
  const sfx = new SignalFx("token", { ingestEndpoint: url, flushInterval: 10, ...options })
  clients.push(sfx)
  return sfx
}

const imds = (delayMillis = 0) => (request: Received): Reply =>
  request.method === "PUT" ? { status: 404 } : { ...json(identityDocument), delayMillis }

describe("SignalFx hostIdentity option", () => {
  it.scopedLive("adds AWSUniqueId to the datapoints sent once the lookup ended", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* fakeMetadataServer(imds())
      const sfx = client(server.url, { hostIdentity: { clouds: ["aws"], awsEndpoint: metadata.url } })
      assert.deepStrictEqual(yield* Effect.promise(() => sfx.hostIdentity()), { AWSUniqueId: AWS_ID })
      assert.deepStrictEqual(sfx.dimensions(), { AWSUniqueId: AWS_ID })
      yield* Effect.promise(() => sfx.send({ gauges: [{ metric: "cpu", value: 1 }] }))
      yield* Effect.promise(() => sfx.flush())
      expect(server.datapoints().map((point) => point.dimensions)).toEqual([{ AWSUniqueId: AWS_ID }])
    }))

  it.scopedLive("send never waits for the lookup: what is sent before it ends goes without the id", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* fakeMetadataServer(imds(300))
      const sfx = client(server.url, {
        hostIdentity: loopbackOptions(yield* closedPort, { awsEndpoint: metadata.url })
      })
      const [, millis] = yield* timed(Effect.promise(() => sfx.send({ gauges: [{ metric: "early", value: 1 }] })))
      expect(millis).toBeLessThan(100)
      yield* Effect.promise(() => sfx.hostIdentity())
      yield* Effect.promise(() => sfx.send({ gauges: [{ metric: "late", value: 1 }] }))
      yield* Effect.promise(() => sfx.flush())
      const dimensionsOf = (metric: string) => server.datapoints().find((point) => point.metric === metric)?.dimensions
      assert.deepStrictEqual(dimensionsOf("early"), {})
      assert.deepStrictEqual(dimensionsOf("late"), { AWSUniqueId: AWS_ID })
    }))

  it.scopedLive("without the option nothing is asked", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const sfx = client(server.url, {})
      assert.deepStrictEqual(yield* Effect.promise(() => sfx.hostIdentity()), {})
      assert.deepStrictEqual(client(server.url, { hostIdentity: false }).dimensions(), {})
    }))

  it.scopedLive("stop() ends a lookup still running; hostIdentity() then resolves to {}", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const silent = yield* fakeMetadataServer(() => "hang")
      const sfx = client(server.url, {
        hostIdentity: loopbackOptions(yield* closedPort, { awsEndpoint: silent.url, timeout: 20_000 })
      })
      const [, millis] = yield* timed(Effect.promise(() => sfx.stop()))
      expect(millis).toBeLessThan(1_000)
      assert.deepStrictEqual(yield* Effect.promise(() => sfx.hostIdentity()), {})
    }))

  it("an unusable hostIdentity option throws a ConfigurationError naming it", () => {
    try {
      new SignalFx("token", { hostIdentity: { timeout: -1 } })
      assert.fail("expected a throw")
    } catch (error) {
      assert.instanceOf(error, ConfigurationError)
      expect(error.option).toBe("hostIdentity.timeout")
    }
  })

  it.scopedLive("AWS_EC2_METADATA_DISABLED=true in the environment is honoured", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* fakeMetadataServer(imds())
      const saved = process.env.AWS_EC2_METADATA_DISABLED
      process.env.AWS_EC2_METADATA_DISABLED = "true"
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          if (saved === undefined) delete process.env.AWS_EC2_METADATA_DISABLED
          else process.env.AWS_EC2_METADATA_DISABLED = saved
        })
      )
      const sfx = client(server.url, { hostIdentity: { clouds: ["aws"], awsEndpoint: metadata.url } })
      assert.deepStrictEqual(yield* Effect.promise(() => sfx.hostIdentity()), {})
      expect(metadata.received).toEqual([])
    }))
})
