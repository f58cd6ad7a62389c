/**
 * Turns the proxy and certificate settings, given in code or read from the environment, into
 * checked ones (the checks are the core's, `core/proxy/options.ts`), failing with a
 * `ConfigurationError` that names the option (or the environment variable) and never shows a
 * proxy's credentials, which are `Redacted` from the moment they are read.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Result from "effect/Result"
import type { Variables } from "../../core/environment.js"
import type { Named } from "../../core/proxy/options.js"
import * as core from "../../core/proxy/options.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { firstSet } from "../config.js"
import { resolving } from "../http/options.js"

export type { Named } from "../../core/proxy/options.js"

const secrets: core.Secrets<Redacted.Redacted<string>> = {
  fromGiven: (value) => Redacted.isRedacted(value) ? value : Redacted.make(value),
  conceal: Redacted.make,
  reveal: Redacted.value
}

/** A proxy, its credentials apart so that its URL can be shown. @internal */
export type ProxyEndpoint = core.ProxyEndpoint<Redacted.Redacted<string>>

/** @internal */
export type ResolvedOptions = core.Resolved<Redacted.Redacted<string>>

/** What {@link resolve} checks. @internal */
export type Settings = core.Settings<Redacted.Redacted<string>>

/** The proxy settings given in code: `ProxyHttpClient.Options`, and the same on `SignalFlow.Options`. @internal */
export type Given = core.Given<Redacted.Redacted<string>>

/** @internal */
export const resolve = (settings: Settings): Result.Result<ResolvedOptions, ConfigurationError> =>
  resolving(() => core.resolve(secrets, settings))

/** The settings given in code, over the environment's: `proxy` overrides both proxy variables. @internal */
export const fromOptions = (
  options: Given,
  environment: Omit<Settings, "ca">
): Result.Result<ResolvedOptions, ConfigurationError> =>
  resolve(core.givenOverEnvironment(secrets, options, environment))

/** No proxy variables: what `make` and `layer` go by. @internal */
export const noEnvironment: Omit<Settings, "ca"> = core.noEnvironment

/** A variable set to blanks is as good as unset: the next one is read. */
const named = (name: string): Config.Config<Named<Redacted.Redacted<string>>> =>
  Config.Redacted(name).pipe(
    Config.mapEffect((value) =>
      Redacted.value(value).trim() === ""
        ? Effect.fail(new Config.ConfigError(new ConfigProvider.SourceError({ message: `${name} is empty` })))
        : Effect.succeed({ option: name, value })
    )
  )

/** The first of the variables that is set and not empty. */
const proxyVariable = (variables: Variables): Config.Config<Option.Option<Named<Redacted.Redacted<string>>>> =>
  Config.option(firstSet(variables, named)).pipe(
    Config.orElse(() => Config.succeed(Option.none()))
  )

/**
 * The environment's proxy settings: `https_proxy` / `HTTPS_PROXY` for https URLs, `http_proxy` /
 * `HTTP_PROXY` for http ones (the lower-case name first, as curl reads them), `no_proxy` /
 * `NO_PROXY`.
 * @internal
 */
export const fromEnvironment: Effect.Effect<Omit<Settings, "ca">> = Config.all({
  httpProxy: proxyVariable(core.ENVIRONMENT.httpProxy),
  httpsProxy: proxyVariable(core.ENVIRONMENT.httpsProxy),
  noProxy: Config.option(firstSet(core.ENVIRONMENT.noProxy, Config.String))
}).pipe(
  Effect.orElseSucceed(() => ({ httpProxy: Option.none(), httpsProxy: Option.none(), noProxy: Option.none() })),
  Effect.map(({ httpProxy, httpsProxy, noProxy }) => ({
    httpProxy: Option.getOrUndefined(httpProxy),
    httpsProxy: Option.getOrUndefined(httpsProxy),
    noProxy: Option.getOrUndefined(noProxy)
  }))
)

/**
 * The certificates of `NODE_EXTRA_CA_CERTS` (see `core/proxy/options.ts`), the variable read
 * through `Config` so that tests and applications can set it.
 * @internal
 */
export const extraCertificates: Effect.Effect<ReadonlyArray<string>> = Config.option(
  Config.String(core.ENVIRONMENT.extraCertificates)
).pipe(
  Effect.orElseSucceed(() => Option.none<string>()),
  Effect.map(Option.match({ onNone: () => [], onSome: core.readExtraCertificates }))
)
