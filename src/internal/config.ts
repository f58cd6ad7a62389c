import * as Config from "effect/Config"

/**
 * The first of several configs that is set, for the environment variables the Splunk and the
 * older SignalFx tools each name differently.
 * @internal
 */
export const firstOf = <A>(first: Config.Config<A>, ...rest: ReadonlyArray<Config.Config<A>>): Config.Config<A> =>
  rest.reduce((config, fallback) => Config.orElse(config, () => fallback), first)
