/**
 * What every REST capability of the Promise facade shares (the Metadata and Rest services): the
 * facade's options turned into a service's token, realm and endpoint, and the runner of the
 * service, loaded on the first call (`runner.ts`): a script that only sends never loads them.
 */
import type * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { ConfigurationError } from "../../SignalFxError.js"
import { ClosedError } from "../../SignalFxError.js"
import { invalid, resolving } from "../http/options.js"
import type * as OnFirstUse from "./onFirstUse.js"
import type { Loaded } from "./runner.js"
import { ServiceRunner } from "./runner.js"

/**
 * The facade's options that concern its REST calls.
 * @internal
 */
export interface FacadeApiOptions {
  /** The REST API's base URL; the realm's `https://api.{realm}.signalfx.com` without it. */
  readonly apiEndpoint?: string | undefined
  /** The token for REST calls; the client's (ingest) token without it. */
  readonly apiToken?: string | Redacted.Redacted<string> | undefined
  readonly realm?: string | undefined
  readonly userAgent?: string | undefined
  readonly allowInsecureHttp?: boolean | undefined
}

/**
 * The options every REST service of the library takes (`Metadata.Options` and its like), as the
 * facade gives them.
 * @internal
 */
export interface ApiSettings {
  readonly token: Redacted.Redacted<string>
  readonly realm?: string | undefined
  readonly apiEndpoint?: string | undefined
  readonly userAgent?: string | undefined
  readonly allowInsecureHttp?: boolean | undefined
}

/**
 * The REST services' settings: `apiToken` when given (checked here, so that its error names it),
 * the client's token otherwise; the realm, User-Agent and plain-http permission the client's.
 * @internal
 */
export const apiSettings = (
  clientToken: Redacted.Redacted<string>,
  options: FacadeApiOptions
): Either.Either<ApiSettings, ConfigurationError> =>
  resolving(() => {
    const { apiToken } = options
    if (apiToken !== undefined) {
      const value = Redacted.isRedacted(apiToken) ? Redacted.value(apiToken) : apiToken
      if (typeof value !== "string" || value.trim() === "") invalid("apiToken", "must be a non-empty string")
    }
    return {
      token: apiToken === undefined ? clientToken : Redacted.isRedacted(apiToken) ? apiToken : Redacted.make(apiToken),
      realm: options.realm,
      apiEndpoint: options.apiEndpoint,
      userAgent: options.userAgent,
      allowInsecureHttp: options.allowInsecureHttp
    }
  })

/**
 * The runner of one REST service (Metadata, Rest), loaded on the first call: `load` builds it
 * from the module of what the facade loads on first use. After `close()` its calls reject with a
 * `ClosedError` for requests.
 * @internal
 */
export const makeApiRunner = <S>(load: (onFirstUse: typeof OnFirstUse) => Promise<Loaded<S>>): ServiceRunner<S> =>
  new ServiceRunner(() => import("./onFirstUse.js").then(load), {
    closedError: () => new ClosedError({ what: "requests", count: 0 })
  })
