/**
 * What every command that talks to SignalFx shares: the token, the realm and the endpoints, from
 * the command line or the environment as the library reads it, and the services' layers built
 * from them. The command runs the library's services, as the Promise facade does: there is no
 * second client in here.
 */
import * as Options from "@effect/cli/Options"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { INGEST_URL } from "../../core/ingest/options.js"
import { STREAM_URL } from "../../core/signalflow/options.js"
import * as Ingest from "../../Ingest.js"
import * as Metadata from "../../Metadata.js"
import * as ProxyHttpClient from "../../ProxyHttpClient.js"
import * as Rest from "../../Rest.js"
import * as SignalFlow from "../../SignalFlow.js"
import { accessToken, apiUrl, firstSet, realm } from "../config.js"
import { makeWithEnvironment as makeSignalFlow } from "../signalflow/service.js"
import type { CliError } from "./exit.js"
import { fail } from "./exit.js"

/** The longest token file read: a token is some 20 to a few hundred characters. */
const MAX_TOKEN_FILE_BYTES = 16 * 1024

/**
 * The options that say where and as whom to connect, shared by every command that does.
 * @internal
 */
export const connectionOptions = {
  token: Options.redacted("token").pipe(
    Options.withDescription(
      "The access token. Prefer SPLUNK_ACCESS_TOKEN or --token-file: a command line is visible to other users of the machine."
    ),
    Options.optional
  ),
  tokenFile: Options.text("token-file").pipe(
    Options.withDescription("A file holding the access token (its first line)."),
    Options.optional
  ),
  realm: Options.text("realm").pipe(
    Options.withDescription("The realm, e.g. us1 or eu0 (default SPLUNK_REALM, then us0)."),
    Options.optional
  ),
  ingestUrl: Options.text("ingest-url").pipe(
    Options.withDescription("The ingest API's base URL (default SPLUNK_INGEST_URL, then the realm's)."),
    Options.optional
  ),
  apiUrl: Options.text("api-url").pipe(
    Options.withDescription("The REST API's base URL (default SPLUNK_API_URL, then the realm's)."),
    Options.optional
  ),
  streamUrl: Options.text("stream-url").pipe(
    Options.withDescription("The SignalFlow API's base URL (default SPLUNK_STREAM_URL, then the realm's)."),
    Options.optional
  )
} as const

/** The parsed {@link connectionOptions}. @internal */
export interface ConnectionArgs {
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly tokenFile: Option.Option<string>
  readonly realm: Option.Option<string>
  readonly ingestUrl: Option.Option<string>
  readonly apiUrl: Option.Option<string>
  readonly streamUrl: Option.Option<string>
}

/** Where to connect and as whom, every part resolved. @internal */
export interface Connection {
  readonly token: Redacted.Redacted<string>
  readonly realm: string | undefined
  readonly ingestUrl: string | undefined
  readonly apiUrl: string | undefined
  readonly streamUrl: string | undefined
}

/**
 * Where `login` keeps the session token and every command finds it when no other is given:
 * `$XDG_CONFIG_HOME/effect-signalfx/token`, else `~/.config/effect-signalfx/token`.
 * @internal
 */
export const savedTokenPath = (): string =>
  path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config"), "effect-signalfx", "token")

/** The first line of a token file; a missing, empty or oversized file is a usage mistake naming it. */
const readTokenFile = (file: string, origin: string): Effect.Effect<Redacted.Redacted<string>, CliError> =>
  Effect.try({
    try: () => {
      const size = fs.statSync(file).size
      if (size > MAX_TOKEN_FILE_BYTES) throw new Error(`it is ${size} bytes; a token file holds one line`)
      return fs.readFileSync(file, "utf8").split(/\r?\n/, 1)[0]?.trim() ?? ""
    },
    catch: (error) =>
      fail("usage", `cannot read the token file ${origin} ${file}: ${error instanceof Error ? error.message : error}`)
  }).pipe(
    Effect.filterOrFail(
      (token) => token !== "",
      () => fail("usage", `the token file ${origin} ${file} is empty`)
    ),
    Effect.map(Redacted.make)
  )

const optionalVariable = (variables: Parameters<typeof firstSet>[0]) =>
  Config.option(firstSet(variables, Config.string))

const NO_TOKEN = "no access token: set SPLUNK_ACCESS_TOKEN, give --token-file, or run `effect-signalfx login`"

/**
 * The connection: each part from its option, else from the environment as the library reads it
 * (`SPLUNK_*`, then the older `SIGNALFX_*` names), the token last from the file `login` saved.
 * No token at all fails with exit code 3.
 * @internal
 */
export const resolveConnection = (args: ConnectionArgs): Effect.Effect<Connection, CliError> =>
  Effect.gen(function*() {
    const environment = yield* Config.all({
      token: Config.option(accessToken),
      realm,
      ingestUrl: optionalVariable(INGEST_URL),
      apiUrl,
      streamUrl: optionalVariable(STREAM_URL)
    }).pipe(Effect.mapError((error) => fail("usage", `a malformed environment variable: ${error}`)))
    const saved = savedTokenPath()
    const token = Option.isSome(args.token)
      ? args.token.value
      : Option.isSome(args.tokenFile)
      ? yield* readTokenFile(args.tokenFile.value, "given by --token-file,")
      : Option.isSome(environment.token)
      ? environment.token.value
      : fs.existsSync(saved)
      ? yield* readTokenFile(saved, "saved by `effect-signalfx login`,")
      : yield* fail("token", NO_TOKEN)
    const pick = (option: Option.Option<string>, fallback: Option.Option<string>) =>
      Option.getOrUndefined(Option.orElse(option, () => fallback))
    return {
      token,
      realm: pick(args.realm, environment.realm),
      ingestUrl: pick(args.ingestUrl, environment.ingestUrl),
      apiUrl: pick(args.apiUrl, environment.apiUrl),
      streamUrl: pick(args.streamUrl, environment.streamUrl)
    }
  })

/**
 * The HTTP client of every command: the platform's, through the proxy the environment names
 * (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, either case) and with `NODE_EXTRA_CA_CERTS`, as the
 * library's `ProxyHttpClient.layerConfig` reads them.
 * @internal
 */
export const httpClientLayer: Layer.Layer<HttpClient.HttpClient, CliError> = ProxyHttpClient.layerConfig().pipe(
  Layer.mapError((error) => fail("usage", error.message))
)

/** The Ingest service for this connection. @internal */
export const ingestLayer = (
  connection: Connection,
  options: Omit<Ingest.Options, "token" | "realm" | "ingestEndpoint"> = {}
): Layer.Layer<Ingest.Ingest, CliError> =>
  Ingest.layer({
    ...options,
    token: connection.token,
    realm: connection.realm,
    ingestEndpoint: connection.ingestUrl
  }).pipe(Layer.mapError((error) => fail("usage", error.message)), Layer.provide(httpClientLayer))

/**
 * A person waits on the command: a server that does not answer is reported after some 15
 * seconds of retries, not the library's minute, which suits a program in the background.
 */
const API_RETRY = { maxElapsed: "15 seconds" } as const

const apiOptions = (connection: Connection): Metadata.Options => ({
  token: connection.token,
  realm: connection.realm,
  apiEndpoint: connection.apiUrl,
  retry: API_RETRY
})

/** The Metadata service for this connection. @internal */
export const metadataLayer = (connection: Connection): Layer.Layer<Metadata.Metadata, CliError> =>
  Metadata.layer(apiOptions(connection)).pipe(
    Layer.mapError((error) => fail("usage", error.message)),
    Layer.provide(httpClientLayer)
  )

/** The Rest service for this connection. @internal */
export const restLayer = (connection: Connection): Layer.Layer<Rest.Rest, CliError> =>
  Rest.layer(apiOptions(connection)).pipe(
    Layer.mapError((error) => fail("usage", error.message)),
    Layer.provide(httpClientLayer)
  )

/** The SignalFlow service (WebSocket, through the environment's proxy) for this connection. @internal */
export const signalFlowLayer = (
  connection: Connection,
  options: Omit<SignalFlow.Options, "token" | "realm" | "streamEndpoint"> = {}
): Layer.Layer<SignalFlow.SignalFlow, CliError> =>
  Layer.scoped(
    SignalFlow.SignalFlow,
    makeSignalFlow({
      ...options,
      token: connection.token,
      realm: connection.realm,
      streamEndpoint: connection.streamUrl
    }).pipe(Effect.mapError((error) => fail("usage", error.message)))
  )
