/**
 * getAwsUniqueId, getGcpId and getAzureResourceId from effect-signalfx/promise, every lookup
 * pointed at a loopback fake (or a closed loopback port): nothing reaches a real metadata address.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  AWS_ID_DIMENSION,
  AZURE_ID_DIMENSION,
  ConfigurationError,
  GCP_ID_DIMENSION,
  getAwsUniqueId,
  getAzureResourceId,
  getGcpId,
  SignalFx
} from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { Received, Reply } from "./support.js"
import { AWS_ID, closedPort, fakeMetadataServer, identityDocument, json } from "./support.js"

/** IMDSv2: a token for the PUT, the identity document for a GET that carries it. */
const imdsV2 = (request: Received): Reply => {
  if (request.method === "PUT" && request.path === "/latest/api/token") return { status: 200, body: "token-1" }
  return request.headers["x-aws-ec2-metadata-token"] === "token-1" &&
      request.path === "/latest/dynamic/instance-identity/document"
    ? json(identityDocument)
    : { status: 401 }
}

const gcp = (request: Received): Reply => {
  const headers = { "metadata-flavor": "Google" }
  if (request.path === "/computeMetadata/v1/project/project-id") return { status: 200, body: "my-project", headers }
  if (request.path === "/computeMetadata/v1/instance/id") return { status: 200, body: "4520031799277581759", headers }
  return { status: 404, headers }
}

const azure = (): Reply =>
  json({ compute: { subscriptionId: "SUB", resourceGroupName: "RG", name: "VM-1", vmScaleSetName: "" } })

/** Sets environment variables for the rest of the test's scope. */
const withEnv = (values: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const saved = Object.keys(values).map((name) => [name, process.env[name]] as const)
      Object.assign(process.env, values)
      return saved
    }),
    (saved) =>
      Effect.sync(() => {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      })
  )

const promise = <A>(evaluate: () => Promise<A>) => Effect.promise(evaluate)

describe("the cloud-id functions of the Promise facade", () => {
  it("name the dimensions as SignalFx's cloud integrations do", () => {
    assert.deepStrictEqual([AWS_ID_DIMENSION, GCP_ID_DIMENSION, AZURE_ID_DIMENSION], [
      "AWSUniqueId",
      "gcp_id",
      "azure_resource_id"
    ])
  })

  it.scopedLive("getAwsUniqueId resolves the EC2 id, over IMDSv2, and asks no other cloud", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer(imdsV2)
      const id = yield* promise(() => getAwsUniqueId({ awsEndpoint: imds.url, ecsMetadataUri: "" }))
      assert.strictEqual(id, AWS_ID)
      expect(imds.received.map((request) => request.method)).toEqual(["PUT", "GET"])
    }))

  it.scopedLive("getGcpId and getAzureResourceId resolve their cloud's id", () =>
    Effect.gen(function*() {
      const gcpServer = yield* fakeMetadataServer(gcp)
      const azureServer = yield* fakeMetadataServer(azure)
      assert.strictEqual(
        yield* promise(() => getGcpId({ gcpEndpoint: gcpServer.url })),
        "my-project_4520031799277581759"
      )
      assert.strictEqual(
        yield* promise(() => getAzureResourceId({ azureEndpoint: azureServer.url })),
        "sub/rg/microsoft.compute/virtualmachines/vm-1"
      )
    }))

  it.scopedLive("outside the cloud they resolve undefined and never reject: refused, silent, or not found", () =>
    Effect.gen(function*() {
      const refused = yield* closedPort
      const silent = yield* fakeMetadataServer(() => "hang")
      const notFound = yield* fakeMetadataServer(() => ({ status: 404 }))
      const ids = yield* promise(() =>
        Promise.all([
          getAwsUniqueId({ awsEndpoint: refused, ecsMetadataUri: "" }),
          getAwsUniqueId({ awsEndpoint: silent.url, ecsMetadataUri: "", timeout: 200 }),
          getGcpId({ gcpEndpoint: notFound.url }),
          getAzureResourceId({ azureEndpoint: silent.url, timeout: 200 })
        ])
      )
      assert.deepStrictEqual(ids, [undefined, undefined, undefined, undefined])
    }))

  it.scopedLive("honour the AWS environment variables, as HostIdentity.layerConfig does", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer(imdsV2)
      yield* withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url, ECS_CONTAINER_METADATA_URI_V4: "" })
      assert.strictEqual(yield* promise(() => getAwsUniqueId()), AWS_ID)
      yield* withEnv({ AWS_EC2_METADATA_DISABLED: "true" })
      const before = imds.received.length
      assert.strictEqual(yield* promise(() => getAwsUniqueId()), undefined)
      assert.strictEqual(imds.received.length, before, "EC2 was not asked")
    }))

  it("an unusable option rejects with a ConfigurationError naming it", async () => {
    try {
      await getAwsUniqueId({ awsEndpoint: "not a url" })
      assert.fail("expected a rejection")
    } catch (error) {
      assert.instanceOf(error, ConfigurationError)
      assert.strictEqual(error.option, "awsEndpoint")
    }
  })

  it.scopedLive("an unusable AWS environment variable rejects with a ConfigurationError", () =>
    Effect.gen(function*() {
      yield* withEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv5" })
      const error = yield* Effect.flip(Effect.tryPromise(() => getAwsUniqueId({ awsEndpoint: "http://127.0.0.1:1" })))
      assert.instanceOf(error.error, ConfigurationError)
      assert.include(error.error.message, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
    }))

  it.scopedLive("sfx.addDimensions({ [AWS_ID_DIMENSION]: await getAwsUniqueId() }) adds the id, or nothing", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const imds = yield* fakeMetadataServer(imdsV2)
      const refused = yield* closedPort
      const onEc2 = new SignalFx("token", { ingestEndpoint: server.url })
      const elsewhere = new SignalFx("token", { ingestEndpoint: server.url })
      yield* Effect.addFinalizer(() => promise(() => Promise.all([onEc2.stop(), elsewhere.stop()])))
      onEc2.addDimensions({
        [AWS_ID_DIMENSION]: yield* promise(() => getAwsUniqueId({ awsEndpoint: imds.url, ecsMetadataUri: "" }))
      })
      elsewhere.addDimensions({
        [AWS_ID_DIMENSION]: yield* promise(() => getAwsUniqueId({ awsEndpoint: refused, ecsMetadataUri: "" }))
      })
      assert.deepStrictEqual(onEc2.dimensions(), { AWSUniqueId: AWS_ID })
      assert.deepStrictEqual(elsewhere.dimensions(), {})
    }))
})
