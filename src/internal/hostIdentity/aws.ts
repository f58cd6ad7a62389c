/**
 * The AWS unique id, `{instanceId}_{region}_{accountId}` from the EC2 instance identity
 * document, or `{taskId}_{region}_{accountId}` from the ECS task metadata (docs/protocol.md §4).
 *
 * IMDSv2 first, as the AWS SDKs do: a session token from `PUT /latest/api/token`, then the
 * document with the token. The token request answered 403, 404 or 405, or not answered in
 * time, means IMDSv1 only (or a container beyond the instance's hop limit): the document is
 * asked for without a token. A 400 is not retried without a token. A 401 to the document asked
 * with a token means the token expired: one new token is fetched.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Answer, LookupFailure, Request } from "./http.js"
import {
  asDimensionValue,
  AWS_TOKEN_HEADER,
  describeParseError,
  isSuccess,
  NotThere,
  Unreachable,
  unsuccessful,
  Unusable
} from "./http.js"
import { join } from "./options.js"

const TOKEN_PATH = "/latest/api/token"
const DOCUMENT_PATH = "/latest/dynamic/instance-identity/document"
/** Six hours, the AWS SDKs' default; the token is used for one lookup only. */
const TOKEN_TTL_SECONDS = "21600"

const IdentityDocument = Schema.parseJson(Schema.Struct({
  instanceId: Schema.NonEmptyTrimmedString,
  region: Schema.NonEmptyTrimmedString,
  accountId: Schema.NonEmptyTrimmedString
}))

const TaskMetadata = Schema.parseJson(Schema.Struct({ TaskARN: Schema.NonEmptyTrimmedString }))

/**
 * `arn:{partition}:ecs:{region}:{account}:task/{cluster}/{taskId}`, or the older form without
 * the cluster, `arn:{partition}:ecs:{region}:{account}:task/{taskId}`.
 */
const parseTaskArn = (arn: string): string | undefined => {
  const [prefix, partition, service, region, account, resource, ...more] = arn.split(":")
  if (prefix !== "arn" || service !== "ecs" || more.length > 0) return undefined
  if (!partition || !region || !account || resource === undefined) return undefined
  const [kind, ...path] = resource.split("/")
  const taskId = path.at(-1)
  if (kind !== "task" || path.length > 2 || path.includes("") || taskId === undefined) return undefined
  return `${taskId}_${region}_${account}`
}

/** A token, or why there is none and the document is asked for without one. */
type TokenResult =
  | { readonly _tag: "Token"; readonly token: string }
  | { readonly _tag: "NoToken"; readonly reason: string }

const fetchToken = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<TokenResult, LookupFailure> =>
  request("PUT", join(endpoint, TOKEN_PATH), { "x-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS }, timeout)
    .pipe(
      Effect.matchEffect({
        onFailure: (failure): Effect.Effect<TokenResult, LookupFailure> =>
          failure.timedOut
            ? Effect.succeed({ _tag: "NoToken", reason: failure.reason })
            : Effect.fail(failure),
        onSuccess: (answer): Effect.Effect<TokenResult, LookupFailure> => {
          if (isSuccess(answer)) {
            const token = answer.body.trim()
            return token === ""
              ? Effect.fail(new Unusable({ reason: `PUT ${answer.url}: answered ${answer.status} with no token` }))
              : Effect.succeed({ _tag: "Token", token })
          }
          if (answer.status === 403 || answer.status === 404 || answer.status === 405) {
            return Effect.succeed({ _tag: "NoToken", reason: `PUT ${answer.url}: answered ${answer.status}` })
          }
          // 400 included: the SDKs give up rather than ask without a token. Azure's metadata
          // server, at the same address, answers 400 to requests without its own header.
          return Effect.fail(unsuccessful(answer, "PUT"))
        }
      })
    )

const getDocument = (
  request: Request,
  endpoint: URL,
  token: TokenResult,
  timeout: Duration.Duration
): Effect.Effect<Answer, Unreachable> =>
  request(
    "GET",
    join(endpoint, DOCUMENT_PATH),
    token._tag === "Token" ? { [AWS_TOKEN_HEADER]: token.token } : {},
    timeout
  )

const readDocument = (answer: Answer, token: TokenResult): Effect.Effect<string, LookupFailure> => {
  if (answer.status === 401) {
    return Effect.fail(
      new Unusable({
        reason: token._tag === "Token"
          ? `GET ${answer.url}: answered 401 even with a new IMDSv2 token`
          : `the instance requires IMDSv2 (GET ${answer.url} answered 401) but no token could be had: ` +
            `${token.reason}. In a container, the instance's metadata hop limit must be at least 2`
      })
    )
  }
  if (!isSuccess(answer)) return Effect.fail(unsuccessful(answer))
  const document = Schema.decodeUnknownEither(IdentityDocument)(answer.body)
  if (Either.isLeft(document)) {
    return Effect.fail(
      new Unusable({
        reason: `GET ${answer.url}: not an instance identity document: ${describeParseError(document.left)}`
      })
    )
  }
  const { accountId, instanceId, region } = document.right
  return asDimensionValue(`${instanceId}_${region}_${accountId}`, "the instance identity document")
}

/**
 * The EC2 id, the whole exchange bounded by `timeout`; the token request may take half of it,
 * so that a token request that is never answered leaves time for the document without one.
 * @internal
 */
export const ec2UniqueId = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  Effect.gen(function*() {
    let token = yield* fetchToken(request, endpoint, Duration.unsafeDivide(timeout, 2))
    if (token._tag === "NoToken") yield* Effect.logDebug(`Asking without an IMDSv2 token: ${token.reason}`)
    let answer = yield* getDocument(request, endpoint, token, timeout)
    if (answer.status === 401 && token._tag === "Token") {
      yield* Effect.logDebug("The IMDSv2 token was refused; fetching a new one")
      token = yield* fetchToken(request, endpoint, timeout)
      answer = yield* getDocument(request, endpoint, token, timeout)
    }
    return yield* readDocument(answer, token)
  }).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () =>
        new Unreachable({
          reason: `${join(endpoint, DOCUMENT_PATH)}: no answer within ${Duration.format(timeout)}`,
          timedOut: true
        })
    })
  )

/**
 * The ECS task id from `{ecsMetadataUri}/task` (task metadata v4; v3 answers the same shape).
 * @internal
 */
export const ecsTaskId = (
  request: Request,
  metadataUri: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  request("GET", join(metadataUri, "/task"), {}, timeout).pipe(
    Effect.flatMap((answer): Effect.Effect<string, LookupFailure> => {
      if (!isSuccess(answer)) return Effect.fail(unsuccessful(answer))
      const metadata = Schema.decodeUnknownEither(TaskMetadata)(answer.body)
      if (Either.isLeft(metadata)) {
        return Effect.fail(
          new Unusable({ reason: `GET ${answer.url}: not ECS task metadata: ${describeParseError(metadata.left)}` })
        )
      }
      const arn = metadata.right.TaskARN
      const id = parseTaskArn(arn)
      return id === undefined
        ? Effect.fail(new Unusable({ reason: `GET ${answer.url}: TaskARN is not an ECS task ARN: ${arn}` }))
        : asDimensionValue(id, "the ECS TaskARN")
    })
  )

/**
 * Nothing to ask: EC2 metadata disabled and no ECS metadata URI.
 * @internal
 */
export const disabled: Effect.Effect<never, NotThere> = Effect.fail(
  new NotThere({ reason: "the EC2 metadata service is disabled and there is no ECS task metadata URI" })
)
