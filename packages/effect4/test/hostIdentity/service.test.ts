import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import { describe, expect } from "vitest"
import * as HostIdentity from "../../src/HostIdentity.js"
import * as Ingest from "../../src/Ingest.js"
import { ConfigurationError } from "../../src/SignalFxError.js"
import * as FakeSignalFx from "../../src/testing/FakeSignalFx.js"
import { eventually } from "../ingest/support.js"
import { effect } from "../support.js"
import type { Received, Reply } from "./support.js"
import {
  AWS_ID,
  closedPort,
  fakeMetadataServer,
  identityDocument,
  json,
  loopbackOptions,
  makeIdentity,
  timed
} from "./support.js"

const imds = (request: Received): Reply =>
  request.method === "PUT" ? { status: 200, body: "t" } : json(identityDocument)

describe("HostIdentity (Effect 4) service", () => {
  effect(
    "outside every cloud (refused connections): none for each, {} for the dimensions",
    () =>
      Effect.gen(function*() {
        const identity = yield* makeIdentity(loopbackOptions(yield* closedPort))
        expect(yield* identity.dimensions).toEqual({})
        expect(yield* identity.awsUniqueId).toEqual(Option.none())
        expect(yield* identity.gcpId).toEqual(Option.none())
        expect(yield* identity.azureResourceId).toEqual(Option.none())
      })
  )

  effect("a metadata server that never answers costs the timeout, once", () =>
    Effect.gen(function*() {
      const silent = yield* fakeMetadataServer(() => "hang")
      const identity = yield* makeIdentity({
        awsEndpoint: silent.url,
        gcpEndpoint: silent.url,
        azureEndpoint: silent.url,
        timeout: 300
      })
      const [dimensions, millis] = yield* timed(identity.dimensions)
      expect(dimensions).toEqual({})
      expect(millis).toBeGreaterThanOrEqual(280)
      const asked = silent.received.length
      // Answered from memory: no request, whatever the clock says.
      expect(yield* identity.dimensions).toEqual({})
      expect(silent.received).toHaveLength(asked)
    }))

  effect("each lookup runs once: concurrent and later calls make no more requests", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer(imds)
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { awsEndpoint: server.url }))
      const ids = yield* Effect.all([identity.awsUniqueId, identity.awsUniqueId, identity.dimensions], {
        concurrency: "unbounded"
      })
      expect(ids).toEqual([Option.some(AWS_ID), Option.some(AWS_ID), { AWSUniqueId: AWS_ID }])
      expect(server.received).toHaveLength(2)
      expect(yield* identity.awsUniqueId).toEqual(Option.some(AWS_ID))
      expect(yield* identity.dimensions).toEqual({ AWSUniqueId: AWS_ID })
      expect(server.received).toHaveLength(2)
    }))

  effect("a first caller that gives up does not cancel the lookup for the others", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer((request) =>
        request.method === "PUT" ? { status: 404 } : { ...json(identityDocument), delayMillis: 100 }
      )
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { awsEndpoint: server.url }))
      const impatient = yield* identity.awsUniqueId.pipe(Effect.timeout(20), Effect.result)
      expect(Result.isFailure(impatient)).toBe(true)
      expect(yield* identity.awsUniqueId).toEqual(Option.some(AWS_ID))
      expect(server.received).toHaveLength(2)
    }))

  effect("closing the service's scope interrupts a lookup still running", () =>
    Effect.gen(function*() {
      const silent = yield* fakeMetadataServer(() => "hang")
      const scope = yield* Scope.make()
      const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { awsEndpoint: silent.url })).pipe(
        Scope.provide(scope)
      )
      const waiting = yield* Effect.forkChild(identity.awsUniqueId)
      yield* eventually(() => silent.received.length === 1)
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(waiting)
      expect(Exit.hasInterrupts(exit)).toBe(true)
    }))

  effect("clouds limits what is asked", () =>
    Effect.gen(function*() {
      const server = yield* fakeMetadataServer(imds)
      const identity = yield* makeIdentity({ clouds: ["gcp"], awsEndpoint: server.url, gcpEndpoint: yield* closedPort })
      expect(yield* identity.awsUniqueId).toEqual(Option.none())
      expect(yield* identity.dimensions).toEqual({})
      expect(server.received).toEqual([])
    }))

  effect("dimensions gathers every cloud's id under its dimension name", () =>
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
      expect(yield* identity.dimensions).toEqual({
        AWSUniqueId: AWS_ID,
        gcp_id: "p_p",
        azure_resource_id: "s/g/microsoft.compute/virtualmachines/v"
      })
      expect(HostIdentity.dimensionNames).toEqual({ aws: "AWSUniqueId", gcp: "gcp_id", azure: "azure_resource_id" })
    }))

  effect("unusable options fail with a ConfigurationError naming the option", () =>
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
        expect(error).toBeInstanceOf(ConfigurationError)
        expect(error.option).toBe(option)
      }
    }))
})

describe("HostIdentity.layerConfig (Effect 4)", () => {
  const withEnv = (env: Record<string, string>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.provideService(self, ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord(env))
  const awsId = Effect.flatMap(HostIdentity.HostIdentity, (identity) => identity.awsUniqueId)

  effect(
    "AWS_EC2_METADATA_SERVICE_ENDPOINT moves the EC2 endpoint; AWS_EC2_METADATA_DISABLED=true turns it off",
    () =>
      Effect.gen(function*() {
        const server = yield* fakeMetadataServer(imds)
        const layer = HostIdentity.layerConfig({ clouds: ["aws"] }).pipe(Layer.provide(FetchHttpClient.layer))
        const found = yield* awsId.pipe(
          Effect.provide(layer),
          withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url })
        )
        expect(found).toEqual(Option.some(AWS_ID))
        expect(server.received).toHaveLength(2)
        for (const disabled of ["true", "TRUE"]) {
          const none = yield* awsId.pipe(
            Effect.provide(layer),
            withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url, AWS_EC2_METADATA_DISABLED: disabled })
          )
          expect(none).toEqual(Option.none())
        }
        expect(server.received).toHaveLength(2)
      })
  )

  effect(
    "ECS_CONTAINER_METADATA_URI_V4 makes the AWS id the task's; options in code win over the environment",
    () =>
      Effect.gen(function*() {
        const ecs = yield* fakeMetadataServer(() => json({ TaskARN: "arn:aws:ecs:us-west-2:111122223333:task/c/t1" }))
        const server = yield* fakeMetadataServer(imds)
        const env = withEnv({
          ECS_CONTAINER_METADATA_URI_V4: `${ecs.url}/v4/x`,
          AWS_EC2_METADATA_SERVICE_ENDPOINT: yield* closedPort
        })
        const fromEnv = HostIdentity.layerConfig({ clouds: ["aws"] }).pipe(Layer.provide(FetchHttpClient.layer))
        expect(yield* awsId.pipe(Effect.provide(fromEnv), env)).toEqual(Option.some("t1_us-west-2_111122223333"))
        expect(ecs.received.map((r) => r.path)).toEqual(["/v4/x/task"])
        const overridden = HostIdentity.layerConfig({ clouds: ["aws"], ecsMetadataUri: "", awsEndpoint: server.url })
          .pipe(Layer.provide(FetchHttpClient.layer))
        expect(yield* awsId.pipe(Effect.provide(overridden), env)).toEqual(Option.some(AWS_ID))
      })
  )

  effect("a bad AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        HostIdentity.config.pipe(withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv5" }))
      )
      expect(String(error)).toContain("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
      const ipv6 = yield* HostIdentity.config.pipe(withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "ipv6" }))
      expect(ipv6.awsEndpointMode).toBe("IPv6")
    }))
})

describe("HostIdentity.addToIngest (Effect 4)", () => {
  effect("adds the ids found to the global dimensions of everything sent afterwards", () =>
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
        expect(yield* ingest.dimensions).toEqual({ AWSUniqueId: AWS_ID })
        yield* ingest.send({ gauges: [{ metric: "cpu", value: 1, dimensions: { host: "a" } }] })
        yield* ingest.flush
      }).pipe(Effect.provide(live))
      expect(signalfx.datapoints().map((point) => point.dimensions)).toEqual([{ host: "a", AWSUniqueId: AWS_ID }])
    }))

  effect("outside a cloud it adds nothing", () =>
    Effect.gen(function*() {
      const signalfx = yield* FakeSignalFx.make()
      const added = yield* HostIdentity.addToIngest.pipe(
        Effect.provide(Ingest.layer({ token: Redacted.make("t"), ingestEndpoint: signalfx.url })),
        Effect.provide(HostIdentity.layer(loopbackOptions(yield* closedPort))),
        Effect.provide(FetchHttpClient.layer)
      )
      expect(added).toEqual({})
    }))
})
