import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { describe, expect } from "vitest"
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
  timed,
  withLogs
} from "./support.js"

const TOKEN_PATH = "/latest/api/token"
const DOCUMENT_PATH = "/latest/dynamic/instance-identity/document"

/** IMDS answering IMDSv2: tokens `token-1`, `token-2`, …; the document with a valid token. */
const imdsV2 = (options: { readonly requireToken: boolean; readonly expired?: ReadonlyArray<string> }) => {
  let issued = 0
  return (request: Received): Reply => {
    if (request.method === "PUT" && request.path === TOKEN_PATH) {
      if (request.headers["x-aws-ec2-metadata-token-ttl-seconds"] !== "21600") return { status: 400 }
      return { status: 200, body: `token-${++issued}` }
    }
    if (request.method === "GET" && request.path === DOCUMENT_PATH) {
      const token = request.headers["x-aws-ec2-metadata-token"]
      if (token === undefined) return options.requireToken ? { status: 401 } : json(identityDocument)
      if (typeof token !== "string" || !token.startsWith("token-")) return { status: 401 }
      if (options.expired?.includes(token)) return { status: 401 }
      return json(identityDocument)
    }
    return { status: 404 }
  }
}

const lookUp = (url: string, options: Parameters<typeof loopbackOptions>[1] = {}) =>
  Effect.gen(function*() {
    const unreachable = yield* closedPort
    const identity = yield* makeIdentity(loopbackOptions(unreachable, { awsEndpoint: url, ...options }))
    return yield* identity.awsUniqueId
  })

const describeRequests = (received: ReadonlyArray<Received>) =>
  received.map((r) => `${r.method} ${r.path}${r.headers["x-aws-ec2-metadata-token"] === undefined ? "" : " +token"}`)

const warnings = (lines: ReadonlyArray<string>) => lines.filter((line) => line.startsWith("WARN"))

describe("HostIdentity (Effect 4): AWS", () => {
  effect("IMDSv2: a token first, then the identity document with it", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer(imdsV2({ requireToken: false }))
      expect(yield* lookUp(imds.url)).toEqual(Option.some(AWS_ID))
      expect(describeRequests(imds.received)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${DOCUMENT_PATH} +token`])
      expect(imds.received[1]!.headers["x-aws-ec2-metadata-token"]).toBe("token-1")
    }))

  effect("an instance that requires IMDSv2 (401 to a request without a token)", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer(imdsV2({ requireToken: true }))
      expect(yield* lookUp(imds.url)).toEqual(Option.some(AWS_ID))
    }))

  for (const status of [403, 404, 405]) {
    effect(
      `IMDSv1 only: a token request answered ${status} falls back to asking without a token`,
      () =>
        Effect.gen(function*() {
          const imds = yield* fakeMetadataServer((request) =>
            request.method === "PUT"
              ? { status }
              : request.path === DOCUMENT_PATH
              ? json(identityDocument)
              : { status: 404 }
          )
          expect(yield* lookUp(imds.url)).toEqual(Option.some(AWS_ID))
          expect(describeRequests(imds.received)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${DOCUMENT_PATH}`])
        })
    )
  }

  effect("a token request never answered falls back after half the timeout", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer((request) => request.method === "PUT" ? "hang" : json(identityDocument))
      const [id, millis] = yield* timed(lookUp(imds.url, { timeout: 600 }))
      expect(id).toEqual(Option.some(AWS_ID))
      // At least half the timeout went to the token request; the lookup then finished within it.
      expect(millis).toBeGreaterThanOrEqual(250)
      expect(describeRequests(imds.received)).toEqual([`PUT ${TOKEN_PATH}`, `GET ${DOCUMENT_PATH}`])
    }))

  effect("an expired token (401 with a token) is replaced once", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer(imdsV2({ requireToken: true, expired: ["token-1"] }))
      expect(yield* lookUp(imds.url)).toEqual(Option.some(AWS_ID))
      expect(describeRequests(imds.received)).toEqual([
        `PUT ${TOKEN_PATH}`,
        `GET ${DOCUMENT_PATH} +token`,
        `PUT ${TOKEN_PATH}`,
        `GET ${DOCUMENT_PATH} +token`
      ])
      expect(imds.received[3]!.headers["x-aws-ec2-metadata-token"]).toBe("token-2")
    }))

  effect("a token refused twice gives up with a warning", () =>
    withLogs((lines) =>
      Effect.gen(function*() {
        const imds = yield* fakeMetadataServer(imdsV2({ requireToken: true, expired: ["token-1", "token-2"] }))
        expect(yield* lookUp(imds.url)).toEqual(Option.none())
        expect(imds.received).toHaveLength(4)
        expect(warnings(lines)).toEqual([expect.stringContaining("answered 401 even with a new IMDSv2 token")])
      })
    ))

  effect(
    "a token request answered 400 is an error: none, and no request without a token",
    () =>
      withLogs((lines) =>
        Effect.gen(function*() {
          const imds = yield* fakeMetadataServer((request) =>
            request.method === "PUT" ? { status: 400 } : json(identityDocument)
          )
          expect(yield* lookUp(imds.url)).toEqual(Option.none())
          expect(describeRequests(imds.received)).toEqual([`PUT ${TOKEN_PATH}`])
          expect(lines).toContainEqual(expect.stringMatching(/^DEBUG No AWSUniqueId: PUT .* answered 400$/))
        })
      )
  )

  effect(
    "IMDSv2 required but the token request times out: none, with a warning about the hop limit",
    () =>
      withLogs((lines) =>
        Effect.gen(function*() {
          const imds = yield* fakeMetadataServer((request) => request.method === "PUT" ? "hang" : { status: 401 })
          expect(yield* lookUp(imds.url, { timeout: 300 })).toEqual(Option.none())
          expect(warnings(lines)).toEqual([expect.stringContaining("hop limit must be at least 2")])
        })
      )
  )

  effect(
    "an identity document that is not JSON, or lacks a field, gives none and one warning",
    () =>
      Effect.gen(function*() {
        for (const body of ["<html>captive portal</html>", JSON.stringify({ ...identityDocument, region: "" })]) {
          yield* withLogs((lines) =>
            Effect.gen(function*() {
              const imds = yield* fakeMetadataServer((request) =>
                request.method === "PUT" ? { status: 200, body: "t" } : { status: 200, body }
              )
              expect(yield* lookUp(imds.url)).toEqual(Option.none())
              expect(warnings(lines)).toEqual([expect.stringContaining("not an instance identity document")])
            })
          )
        }
      })
  )

  effect("the IMDSv2 token never appears in logs", () =>
    withLogs((lines) =>
      Effect.gen(function*() {
        const imds = yield* fakeMetadataServer((request) =>
          request.method === "PUT" ? { status: 200, body: "s3cr3t-imds-token" } : { status: 200, body: "{" }
        )
        yield* lookUp(imds.url)
        expect(lines.length).toBeGreaterThan(0)
        expect(lines.join("\n")).not.toContain("s3cr3t-imds-token")
      })
    ))

  effect("a 5xx is retried when retries are allowed, not by default", () =>
    Effect.gen(function*() {
      const flaky = () => {
        let documents = 0
        return (request: Received): Reply =>
          request.method === "PUT" ? { status: 404 } : ++documents === 1 ? { status: 503 } : json(identityDocument)
      }
      const once = yield* fakeMetadataServer(flaky())
      expect(yield* lookUp(once.url)).toEqual(Option.none())
      const retried = yield* fakeMetadataServer(flaky())
      expect(yield* lookUp(retried.url, { retries: 1 })).toEqual(Option.some(AWS_ID))
      expect(describeRequests(retried.received)).toEqual([
        `PUT ${TOKEN_PATH}`,
        `GET ${DOCUMENT_PATH}`,
        `PUT ${TOKEN_PATH}`,
        `GET ${DOCUMENT_PATH}`
      ])
    }))

  effect("an endpoint with a path keeps it", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer((request) =>
        request.path === `/imds${DOCUMENT_PATH}` ? json(identityDocument) : { status: 404 }
      )
      expect(yield* lookUp(`${imds.url}/imds/`)).toEqual(Option.some(AWS_ID))
    }))
})

describe("HostIdentity (Effect 4): ECS", () => {
  const task = (TaskARN: string) =>
    fakeMetadataServer((request) =>
      request.path === "/v4/abc-123/task" ? json({ Cluster: "default", TaskARN, Family: "app" }) : { status: 404 }
    )

  effect(
    "inside a task, the id is the task's: {taskId}_{region}_{accountId}, EC2 not asked",
    () =>
      Effect.gen(function*() {
        const imds = yield* fakeMetadataServer(imdsV2({ requireToken: false }))
        const ecs = yield* task("arn:aws:ecs:eu-west-1:111122223333:task/my-cluster/0123456789abcdef0123456789abcdef")
        const id = yield* lookUp(imds.url, { ecsMetadataUri: `${ecs.url}/v4/abc-123` })
        expect(id).toEqual(Option.some("0123456789abcdef0123456789abcdef_eu-west-1_111122223333"))
        expect(imds.received).toEqual([])
      })
  )

  effect("the older ARN form without the cluster, and other partitions", () =>
    Effect.gen(function*() {
      const old = yield* task("arn:aws:ecs:us-east-1:111122223333:task/7e6a6a0e-1c2b-4b1e-9b3a-2f3c4d5e6f70")
      expect(yield* lookUp(yield* closedPort, { ecsMetadataUri: `${old.url}/v4/abc-123` })).toEqual(
        Option.some("7e6a6a0e-1c2b-4b1e-9b3a-2f3c4d5e6f70_us-east-1_111122223333")
      )
      const china = yield* task("arn:aws-cn:ecs:cn-north-1:111122223333:task/c/abc")
      expect(yield* lookUp(yield* closedPort, { ecsMetadataUri: `${china.url}/v4/abc-123` })).toEqual(
        Option.some("abc_cn-north-1_111122223333")
      )
    }))

  effect(
    "task metadata without a usable TaskARN falls back to EC2, with a warning",
    () =>
      withLogs((lines) =>
        Effect.gen(function*() {
          const imds = yield* fakeMetadataServer(imdsV2({ requireToken: true }))
          const ecs = yield* task("arn:aws:ec2:us-east-1:111122223333:instance/i-1")
          expect(yield* lookUp(imds.url, { ecsMetadataUri: `${ecs.url}/v4/abc-123` })).toEqual(Option.some(AWS_ID))
          expect(warnings(lines)).toEqual([expect.stringContaining("TaskARN is not an ECS task ARN")])
        })
      )
  )

  effect("EC2 disabled and no task metadata: none without a request", () =>
    Effect.gen(function*() {
      const imds = yield* fakeMetadataServer(imdsV2({ requireToken: false }))
      expect(yield* lookUp(imds.url, { ec2MetadataDisabled: true })).toEqual(Option.none())
      expect(imds.received).toEqual([])
    }))
})
