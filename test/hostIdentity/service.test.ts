import { FetchHttpClient } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Exit, Fiber, Layer, Option, Redacted, Scope } from "effect"
import { HostIdentity, Ingest } from "../../src/index.js"
import { ConfigurationError } from "../../src/SignalFxError.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { Received, Reply } from "./support.js"
import {
  AWS_ID,
  closedPort,
  eventually,
  fakeMetadataServer,
  identityDocument,
  json,
  loopbackOptions,
  makeIdentity,
  timed
} from "./support.js"

const imds = (request: Received): Reply =>
  request.method === "PUT" ? { status: 200, body: "t" } : json(identityDocument)

describe("HostIdentity service", () => {
  it.scopedLive("outside every cloud (refused connections): none for each, {} for the dimensions, fast", () =>
    Effect.gen(function*() {
      // A refused connection answers at once: the lookups must not wait out their timeout (a
      // minute here, so that a loaded machine's slowness cannot pass for it).
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { timeout: 60_000 }))
      const [dimensions, millis] = yield* timed(identity.dimensions)
      assert.deepStrictEqual(dimensions, {})
      expect(millis).toBeLessThan(30_000)
      assert.deepStrictEqual(yield* identity.awsUniqueId, Option.none())
      assert.deepStrictEqual(yield* identity.gcpId, Option.none())
      assert.deepStrictEqual(yield* identity.azureResourceId, Option.none())
    }))

  it.scopedLive("a metadata server that never answers costs the timeout, once", () =>
    Effect.gen(function*() {
      const silent = yield* fakeMetadataServer(() => "hang")
      const identity = yield* makeIdentity({
        clouds: ["aws", "gcp", "azure"],
        awsEndpoint: silent.url,
        gcpEndpoint: silent.url,
        azureEndpoint: silent.url,
        timeout: 300
      })
      const [dimensions, millis] = yield* timed(identity.dimensions)
      assert.deepStrictEqual(dimensions, {})
      // The three clouds are asked concurrently, each within its timeout.
      expect(millis).toBeGreaterThanOrEqual(280)
      expect(millis).toBeLessThan(800)
      const [, again] = yield* timed(identity.dimensions)
      expect(again).toBeLessThan(50)
    }))

  it.scopedLive("each lookup runs once: concurrent and later calls make no more requests", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer(imds)
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { awsEndpoint: server.url }))
      const ids = yield* Effect.all([identity.awsUniqueId, identity.awsUniqueId, identity.dimensions], {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(ids, [Option.some(AWS_ID), Option.some(AWS_ID), { AWSUniqueId: AWS_ID }])
      expect(server.received).toHaveLength(2)
      assert.deepStrictEqual(yield* identity.awsUniqueId, Option.some(AWS_ID))
      assert.deepStrictEqual(yield* identity.dimensions, { AWSUniqueId: AWS_ID })
      expect(server.received).toHaveLength(2)
    }))

  it.scopedLive("a first caller that gives up does not cancel the lookup for the others", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer((request) =>
        request.method === "PUT" ? { status: 404 } : { ...json(identityDocument), delayMillis: 100 }
      )
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { awsEndpoint: server.url }))
      const impatient = yield* identity.awsUniqueId.pipe(Effect.timeout(20), Effect.either)
      expect(Either.isLeft(impatient)).toBe(true)
      assert.deepStrictEqual(yield* identity.awsUniqueId, Option.some(AWS_ID))
      expect(server.received).toHaveLength(2)
    }))

  it.scopedLive("closing the service's scope interrupts a lookup still running", () =>
    Effect.gen(function*() {
      const silent = yield* fakeMetadataServer(() => "hang")
      const scope = yield* Scope.make()
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { awsEndpoint: silent.url })).pipe(
        Scope.extend(scope)
      )
      const waiting = yield* Effect.fork(identity.awsUniqueId)
      yield* eventually(() => silent.received.length === 1)
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(waiting)
      expect(Exit.isInterrupted(exit)).toBe(true)
    }))

  it.scopedLive("clouds limits what is asked", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer(imds)
      const identity = yield* makeIdentity({ clouds: ["gcp"], awsEndpoint: server.url, gcpEndpoint: yield* closedPort })
      assert.deepStrictEqual(yield* identity.awsUniqueId, Option.none())
      assert.deepStrictEqual(yield* identity.dimensions, {})
      expect(server.received).toEqual([])
    }))

  it.scopedLive("dimensions gathers every cloud's id under its dimension name", () =>
    Effect.gen(function*() {
      const aws = yield* fakeMetadataServer(imds)
      const gcp = yield* fakeMetadataServer(() => ({
        status: 200,
        body: "p",
        headers: { "metadata-flavor": "Google" }
      }))
      const azure = yield* fakeMetadataServer(() =>
        json({ compute: { subscriptionId: "S", resourceGroupName: "G", name: "V" } })
      )
      const identity = yield* makeIdentity({ awsEndpoint: aws.url, gcpEndpoint: gcp.url, azureEndpoint: azure.url })
      assert.deepStrictEqual(yield* identity.dimensions, {
        AWSUniqueId: AWS_ID,
        gcp_id: "p_p",
        azure_resource_id: "s/g/microsoft.compute/virtualmachines/v"
      })
      assert.deepStrictEqual(HostIdentity.dimensionNames, {
        aws: "AWSUniqueId",
        gcp: "gcp_id",
        azure: "azure_resource_id"
      })
    }))

  it.scopedLive("unusable options fail with a ConfigurationError naming the option", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [HostIdentity.Options, string]> = [
        [{ awsEndpoint: "not a url" }, "awsEndpoint"],
        [{ gcpEndpoint: "ftp://metadata" }, "gcpEndpoint"],
        [{ timeout: 0 }, "timeout"],
        [{ timeout: -5 }, "timeout"],
        [{ retries: 1.5 }, "retries"],
        [{ ecsMetadataUri: "::" }, "ecsMetadataUri"]
      ]
      for (const [options, option] of cases) {
        const error = yield* Effect.flip(makeIdentity(options))
        assert.instanceOf(error, ConfigurationError)
        expect(error.option).toBe(option)
      }
    }))
})

describe("HostIdentity.layerConfig", () => {
  const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromJson(env))
  const awsId = Effect.flatMap(HostIdentity.HostIdentity, (identity) => identity.awsUniqueId)

  it.scopedLive("AWS_EC2_METADATA_SERVICE_ENDPOINT moves the EC2 endpoint; AWS_EC2_METADATA_DISABLED=true turns it off", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer(imds)
      const layer = HostIdentity.layerConfig({ clouds: ["aws"] }).pipe(Layer.provide(FetchHttpClient.layer))
      const found = yield* awsId.pipe(
        Effect.provide(layer),
        withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url })
      )
      assert.deepStrictEqual(found, Option.some(AWS_ID))
      expect(server.received).toHaveLength(2)
      for (const disabled of ["true", "TRUE"]) {
        const none = yield* awsId.pipe(
          Effect.provide(layer),
          withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url, AWS_EC2_METADATA_DISABLED: disabled })
        )
        assert.deepStrictEqual(none, Option.none())
      }
      expect(server.received).toHaveLength(2)
    }))

  it.scopedLive("ECS_CONTAINER_METADATA_URI_V4 makes the AWS id the task's; options in code win over the environment", () =>
    Effect.gen(function*() {
      const ecs = yield* fakeMetadataServer(() => json({ TaskARN: "arn:aws:ecs:us-west-2:111122223333:task/c/t1" }))
      const server = yield* fakeMetadataServer(imds)
      const env = withEnv({
        ECS_CONTAINER_METADATA_URI_V4: `${ecs.url}/v4/x`,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: yield* closedPort
      })
      const fromEnv = HostIdentity.layerConfig({ clouds: ["aws"] }).pipe(Layer.provide(FetchHttpClient.layer))
      assert.deepStrictEqual(yield* awsId.pipe(Effect.provide(fromEnv), env), Option.some("t1_us-west-2_111122223333"))
      expect(ecs.received.map((r) => r.path)).toEqual(["/v4/x/task"])
      const overridden = HostIdentity.layerConfig({ clouds: ["aws"], ecsMetadataUri: "", awsEndpoint: server.url })
        .pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      assert.deepStrictEqual(yield* awsId.pipe(Effect.provide(overridden), env), Option.some(AWS_ID))
    }))

  it.effect("a bad AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        HostIdentity.config.pipe(withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv5" }))
      )
      expect(String(error)).toContain("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
      const ipv6 = yield* HostIdentity.config.pipe(withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "ipv6" }))
      expect(ipv6.awsEndpointMode).toBe("IPv6")
    }))
})

describe("HostIdentity.addToIngest", () => {
  it.scopedLive("adds the ids found to the global dimensions of everything sent afterwards", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer(imds)
      const signalfx = yield* FakeSignalFx.make()
      const unreachable = yield* closedPort
      const live = Layer.effectDiscard(HostIdentity.addToIngest).pipe(
        Layer.provideMerge(
          Ingest.layer({ token: Redacted.make("t"), ingestEndpoint: signalfx.url, flushInterval: 10 })
        ),
        Layer.provideMerge(HostIdentity.layer(loopbackOptions(unreachable, { awsEndpoint: server.url }))),
        Layer.provide(FetchHttpClient.layer)
      )
      yield* Effect.gen(function*() {
        const ingest = yield* Ingest.Ingest
        assert.deepStrictEqual(yield* ingest.dimensions, { AWSUniqueId: AWS_ID })
        yield* ingest.send({ gauges: [{ metric: "cpu", value: 1, dimensions: { host: "a" } }] })
        yield* ingest.flush
      }).pipe(Effect.provide(live))
      expect(signalfx.datapoints().map((point) => point.dimensions)).toEqual([{ host: "a", AWSUniqueId: AWS_ID }])
    }))

  it.scopedLive("outside a cloud it adds nothing", () =>
    Effect.gen(function*() {
      const signalfx = yield* FakeSignalFx.make()
      const added = yield* HostIdentity.addToIngest.pipe(
        Effect.provide(Ingest.layer({ token: Redacted.make("t"), ingestEndpoint: signalfx.url })),
        Effect.provide(HostIdentity.layer(loopbackOptions(yield* closedPort))),
        Effect.provide(FetchHttpClient.layer)
      )
      assert.deepStrictEqual(added, {})
    }))
})
