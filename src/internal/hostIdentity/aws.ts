/**
 * The AWS unique id (see `core/hostIdentity/aws.ts` for what is asked and what the answers
 * mean): the EC2 exchange sequenced and bounded, and the ECS task's.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as aws from "../../core/hostIdentity/aws.js"
import type { LookupFailure } from "../../core/hostIdentity/lookup.js"
import { unreachable } from "../../core/hostIdentity/lookup.js"
import type { Request } from "./http.js"
import { fromRead } from "./http.js"

const fetchToken = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<aws.TokenResult, LookupFailure> =>
  request(aws.tokenRequest(endpoint), timeout).pipe(
    Effect.matchEffect({
      onFailure: (failure) => failure.timedOut ? Effect.succeed(aws.noToken(failure.reason)) : Effect.fail(failure),
      onSuccess: (answer) => fromRead(aws.readToken(answer))
    })
  )

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
    let answer = yield* request(aws.documentRequest(endpoint, token), timeout)
    if (aws.tokenRefused(answer, token)) {
      yield* Effect.logDebug("The IMDSv2 token was refused; fetching a new one")
      token = yield* fetchToken(request, endpoint, timeout)
      answer = yield* request(aws.documentRequest(endpoint, token), timeout)
    }
    return yield* fromRead(aws.readDocument(answer, token))
  }).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => unreachable(`${aws.documentUrl(endpoint)}: no answer within ${Duration.format(timeout)}`, true)
    })
  )

/** @internal */
export const ecsTaskId = (
  request: Request,
  metadataUri: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  Effect.flatMap(request(aws.taskRequest(metadataUri), timeout), (answer) => fromRead(aws.readTask(answer)))

/** @internal */
export const disabled: Effect.Effect<never, LookupFailure> = Effect.fail(aws.disabled)
