/**
 * The REST API on the Promise facade: `sfx.rest`, the {@link Rest} service's operations with
 * promises, and async iterables for the streams, derived from the service (`promised`): an
 * operation added to the service is there with nothing written here.
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { describeType } from "../core/english.js"
import type { ApiSettings } from "../internal/promise/api.js"
import { makeApiRunner } from "../internal/promise/api.js"
import type { LineLogger } from "../internal/promise/logger.js"
import type { Promised, ServiceRunner } from "../internal/promise/runner.js"
import type * as Rest from "../Rest.js"
import { ConfigurationError } from "../SignalFxError.js"

/**
 * The Rest service with promises: each operation answers a `Promise` (rejecting with the same
 * error classes as the Effect API: `RestNotFoundError`, `RestRejectedError`, `RestRequestError`,
 * and `ClosedError` once the client is stopped), and each `stream` an `AsyncIterable`.
 *
 * @example
 * ```ts
 * import { SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("API_TOKEN", { realm: "us1" })
 * for await (const detector of sfx.rest.detectors.stream({ tags: ["team-payments"] })) {
 *   console.log(detector.name)
 * }
 * const incidents = await sfx.rest.incidents.list()
 * await Promise.all(incidents.map((incident) => sfx.rest.incidents.clear(incident.incidentId)))
 * await sfx.stop()
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type RestClient = Promised<Rest.Service>

/**
 * A service shape as the facade runs it: see {@link RestClient}.
 *
 * @since 0.2.0
 * @category models
 */
export type { Promised }

/**
 * The runner of the Rest service for a facade client. The service and its schemas are loaded on
 * the first call; its options are the metadata options, checked with them.
 * @internal
 */
export const makeRestRunner = (
  settings: ApiSettings,
  httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>,
  logger: LineLogger | false | undefined
): ServiceRunner<Rest.Service> =>
  makeApiRunner(({ loadService, Rest }) =>
    loadService(Rest.Rest, Layer.provide(Rest.layer(settings), httpClient), { logger })
  )

/**
 * The options of `sfx.login`.
 *
 * @since 0.2.0
 * @category models
 */
export interface LoginOptions {
  /** The organization to log in to, when the email belongs to several. */
  readonly organizationId?: string | undefined
}

/**
 * `sfx.login` over the runner of the Rest service: `Rest.login` with the client's endpoint,
 * User-Agent, proxy and certificate authorities, answering the session token. It runs on the
 * runner, so that it loads with the service and is refused once the client is stopped.
 * @internal
 */
export const makeLogin = (
  runner: ServiceRunner<Rest.Service>,
  settings: ApiSettings,
  httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
) =>
(
  email: string,
  password: string | Redacted.Redacted<string>,
  options: LoginOptions = {}
): Promise<Redacted.Redacted<string>> => {
  const invalid = checkLoginArguments(email, password, options)
  if (invalid !== undefined) return Promise.reject(invalid)
  const { apiEndpoint, allowInsecureHttp, realm, userAgent } = settings
  const login: Rest.LoginOptions = {
    email,
    password: Redacted.isRedacted(password) ? password : Redacted.make(password),
    organizationId: options.organizationId,
    apiEndpoint,
    allowInsecureHttp,
    realm,
    userAgent
  }
  // The module is loaded by the time the runner runs this: the import only hands it over.
  return runner.call(() =>
    Effect.promise(() => import("../internal/promise/onFirstUse.js")).pipe(
      Effect.flatMap(({ Rest }) => Rest.login(login)),
      Effect.map((session) => session.accessToken),
      Effect.provide(httpClient)
    )
  )
}

/** `login`'s arguments as plain JavaScript may give them: the password is never described. */
const checkLoginArguments = (email: unknown, password: unknown, options: unknown): ConfigurationError | undefined => {
  if (typeof email !== "string") {
    return new ConfigurationError({ option: "email", reason: `must be a string, got ${describeType(email)}` })
  }
  const secret = Redacted.isRedacted(password) ? Redacted.value(password) : password
  if (typeof secret !== "string") {
    return new ConfigurationError({ option: "password", reason: "must be a string (or a Redacted string)" })
  }
  if (options === null || typeof options !== "object") {
    return new ConfigurationError({ option: "options", reason: `must be an object, got ${describeType(options)}` })
  }
  const organizationId = "organizationId" in options ? options.organizationId : undefined
  if (organizationId !== undefined && typeof organizationId !== "string") {
    return new ConfigurationError({
      option: "organizationId",
      reason: `must be a string, got ${describeType(organizationId)}`
    })
  }
  return undefined
}
