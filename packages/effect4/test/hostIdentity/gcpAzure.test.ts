import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { describe, expect } from "vitest"
import { effect } from "../support.js"
import type { Received, Reply } from "./support.js"
import { closedPort, fakeMetadataServer, json, loopbackOptions, makeIdentity, withLogs } from "./support.js"

const gcpMetadata = (options: { readonly echo: boolean }) => (request: Received): Reply => {
  const headers: Record<string, string> = options.echo ? { "metadata-flavor": "Google" } : {}
  if (request.headers["metadata-flavor"] !== "Google") return { status: 403, headers }
  switch (request.path) {
    case "/computeMetadata/v1/project/project-id":
      return { status: 200, body: "my-project", headers }
    case "/computeMetadata/v1/instance/id":
      return { status: 200, body: "4520031799277581759", headers }
    default:
      return { status: 404, headers }
  }
}

const azureCompute = (compute: Record<string, string>) => (request: Received): Reply =>
  request.headers["metadata"] === "true" && request.path === "/metadata/instance?api-version=2018-10-01"
    ? json({ compute: { location: "westeurope", vmId: "02aab8a4-74ef-476e-8182-f6d2ba4166a6", ...compute } })
    : json({ error: "Bad request" }, 400)

const gcpIdAt = (url: string) =>
  Effect.gen(function*() {
    const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { gcpEndpoint: url }))
    return yield* identity.gcpId
  })

const azureIdAt = (url: string) =>
  Effect.gen(function*() {
    const identity = yield* makeIdentity(loopbackOptions(yield* closedPort, { azureEndpoint: url }))
    return yield* identity.azureResourceId
  })

describe("HostIdentity (Effect 4): GCP", () => {
  effect("gcp_id is {project-id}_{instance-id}, asked with Metadata-Flavor: Google", () =>
    Effect.gen(function*() {
      const metadata = yield* fakeMetadataServer(gcpMetadata({ echo: true }))
      expect(yield* gcpIdAt(metadata.url)).toEqual(Option.some("my-project_4520031799277581759"))
      expect(metadata.received.map((r) => r.path).sort()).toEqual([
        "/computeMetadata/v1/instance/id",
        "/computeMetadata/v1/project/project-id"
      ])
    }))

  effect(
    "an answer without the Metadata-Flavor echo is not GCP: none, logged at debug level only",
    () =>
      withLogs((lines) =>
        Effect.gen(function*() {
          const impostor = yield* fakeMetadataServer(gcpMetadata({ echo: false }))
          expect(yield* gcpIdAt(impostor.url)).toEqual(Option.none())
          expect(lines).toContainEqual(expect.stringContaining("without metadata-flavor: Google"))
          expect(lines.filter((line) => !line.startsWith("DEBUG"))).toEqual([])
        })
      )
  )

  effect("an empty project id gives none and a warning", () =>
    withLogs((lines) =>
      Effect.gen(function*() {
        const metadata = yield* fakeMetadataServer(() => ({
          status: 200,
          body: " ",
          headers: { "metadata-flavor": "Google" }
        }))
        expect(yield* gcpIdAt(metadata.url)).toEqual(Option.none())
        expect(lines.filter((line) => line.startsWith("WARN"))).toEqual([expect.stringContaining("empty body")])
      })
    ))
})

describe("HostIdentity (Effect 4): Azure", () => {
  effect(
    "a VM: {subscriptionId}/{resourceGroupName}/microsoft.compute/virtualmachines/{name}, lower-cased",
    () =>
      Effect.gen(function*() {
        const imds = yield* fakeMetadataServer(azureCompute({
          subscriptionId: "8D10DA13-8125-4BA9-A717-BF7490507B3D",
          resourceGroupName: "My-Resource-Group",
          name: "Web-VM-01",
          vmScaleSetName: ""
        }))
        expect(yield* azureIdAt(imds.url)).toEqual(
          Option.some(
            "8d10da13-8125-4ba9-a717-bf7490507b3d/my-resource-group/microsoft.compute/virtualmachines/web-vm-01"
          )
        )
        expect(imds.received[0]!.headers["metadata"]).toBe("true")
      })
  )

  effect(
    "a scale set's instance: .../virtualmachinescalesets/{vmScaleSetName}/virtualmachines/{instance}",
    () =>
      Effect.gen(function*() {
        const imds = yield* fakeMetadataServer(azureCompute({
          subscriptionId: "8d10da13-8125-4ba9-a717-bf7490507b3d",
          resourceGroupName: "RG",
          name: "WebScaleSet_12",
          vmScaleSetName: "WebScaleSet"
        }))
        expect(yield* azureIdAt(imds.url)).toEqual(
          Option.some(
            "8d10da13-8125-4ba9-a717-bf7490507b3d/rg/microsoft.compute/virtualmachinescalesets/webscaleset/virtualmachines/12"
          )
        )
      })
  )

  effect(
    "missing fields give none and a warning; another cloud's 404 gives none quietly",
    () =>
      Effect.gen(function*() {
        yield* withLogs((lines) =>
          Effect.gen(function*() {
            const partial = yield* fakeMetadataServer(azureCompute({ subscriptionId: "s", name: "vm" }))
            expect(yield* azureIdAt(partial.url)).toEqual(Option.none())
            expect(lines.filter((line) => line.startsWith("WARN"))).toEqual([
              expect.stringContaining("compute.resourceGroupName: is missing")
            ])
          })
        )
        yield* withLogs((lines) =>
          Effect.gen(function*() {
            const aws = yield* fakeMetadataServer(() => ({ status: 404 }))
            expect(yield* azureIdAt(aws.url)).toEqual(Option.none())
            expect(lines).toEqual([expect.stringMatching(/^DEBUG No azure_resource_id: GET .* answered 404$/)])
          })
        )
      })
  )
})
