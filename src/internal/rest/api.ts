/**
 * The Rest service: the declarations of `core/rest/restApi.ts` interpreted over the same request
 * client as the Metadata service, and the login. `Rest.Service` is the type of what
 * {@link operations} answers.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { credentialsProblem, login as loginDeclaration, restApi } from "../../core/rest/restApi.js"
import type * as Rest from "../../Rest.js"
import { ConfigurationError } from "../../SignalFxError.js"
import type { RestRejectedError, RestRequestError } from "../../SignalFxError.js"
import type { Client } from "../http/client.js"
import { makeClient } from "../http/client.js"
import * as options_ from "../metadata/options.js"
import { interpret } from "./operation.js"

/**
 * The operations over `client`. Their doc comments are the declarations' (`restApi`).
 * @internal
 */
export const operations = (client: Client) => interpret(client, restApi)

/** @internal */
export const make = (options: Rest.Options): Effect.Effect<Rest.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.flatMap(options_.resolve(options), (resolved) => Effect.map(makeClient(resolved), operations))

/** @internal */
export const login = (
  options: Rest.LoginOptions
): Effect.Effect<Rest.Session, RestRejectedError | RestRequestError | ConfigurationError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { email, organizationId, password, ...clientOptions } = options
    const problem = credentialsProblem({ email, password: Redacted.value(password) })
    if (problem !== undefined) return yield* new ConfigurationError(problem)
    // The client's secret is the password: every message it makes is scrubbed of it. It travels
    // only in the body; the declaration's `withoutToken` keeps it out of the token header.
    const resolved = yield* Either.mapLeft(
      options_.resolve({ ...clientOptions, token: password }),
      (error) => error.option === "token" ? new ConfigurationError({ option: "password", reason: error.reason }) : error
    )
    const session = interpret(yield* makeClient(resolved), { login: loginDeclaration })
    return yield* session.login({ email, password: Redacted.value(password), organizationId })
  })
