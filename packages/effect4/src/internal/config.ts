import * as Config from "effect/Config"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as environment from "../core/environment.js"

/**
 * The first of several configs that is set, for the environment variables the Splunk and the
 * older SignalFx tools each name differently.
 * @internal
 */
export const firstOf = <A>(first: Config.Config<A>, ...rest: ReadonlyArray<Config.Config<A>>): Config.Config<A> =>
  rest.reduce((config, fallback) => Config.orElse(config, () => fallback), first)

/** The first of the variables that is set, each read by `read`. @internal */
export const firstSet = <A>(
  [first, ...rest]: environment.Variables,
  read: (name: string) => Config.Config<A>
): Config.Config<A> => firstOf(read(first), ...rest.map(read))

/**
 * The access token, shared by ingest and the REST API: `SPLUNK_ACCESS_TOKEN`, or
 * `SIGNALFX_ACCESS_TOKEN`.
 * @internal
 */
export const accessToken: Config.Config<Redacted.Redacted<string>> = firstSet(
  environment.ACCESS_TOKEN,
  Config.Redacted
)

/**
 * The realm, when set: `SPLUNK_REALM`, or `SIGNALFX_REALM`.
 * @internal
 */
export const realm: Config.Config<Option.Option<string>> = Config.option(firstSet(environment.REALM, Config.String))

/**
 * The REST API's base URL, when set: `SPLUNK_API_URL`, or `SIGNALFX_API_URL`.
 * @internal
 */
export const apiUrl: Config.Config<Option.Option<string>> = Config.option(firstSet(environment.API_URL, Config.String))
