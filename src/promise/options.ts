/**
 * The options of the Promise facade's `SignalFx` client.
 *
 * @since 0.1.0
 */
import type * as Redacted from "effect/Redacted"
import type * as HostIdentity from "../HostIdentity.js"
import type * as Ingest from "../Ingest.js"
import type { SignalFlowClientOptions } from "./signalflow.js"

/**
 * Every option of the Ingest service except the token, which is the constructor's first
 * argument. Durations given as numbers are milliseconds (`"2 seconds"` works too).
 *
 * @example
 * ```ts
 * import { SignalFx, type SignalFxOptions } from "effect-signalfx/promise"
 *
 * const options: SignalFxOptions = {
 *   ingestEndpoint: "http://localhost:9943", // an OpenTelemetry Collector's SignalFx receiver
 *   format: "json",
 *   maxBatchSize: 500,
 *   flushInterval: 2_000,
 *   shutdownTimeout: 5_000,
 *   retry: { initialDelay: 500, maxElapsed: 60_000 },
 *   dimensions: { service: "checkout" }
 * }
 * const sfx = new SignalFx("MY_TOKEN", options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SignalFxOptions extends Omit<Ingest.Options, "token"> {
  /**
   * Look up the host's cloud ids in the background and add those found to the global
   * dimensions: `AWSUniqueId` (the old clients' `enableAmazonUniqueId`, IMDSv2 included),
   * `gcp_id`, `azure_resource_id`. `true` asks all three clouds; HostIdentity options choose
   * (`{ clouds: ["aws"] }`) and tune them. The AWS environment variables are honoured
   * (`AWS_EC2_METADATA_DISABLED`, …). `send` never waits for the lookup: what is sent before
   * it ends does not carry the ids; `await sfx.hostIdentity()` first for everything to.
   */
  readonly hostIdentity?: boolean | HostIdentity.Options | undefined
  /**
   * Where the client's own warnings and errors go (a full queue, a refused batch, retries given
   * up, the shutdown deadline): any object with `warn` and `error`, such as `console` or a pino
   * or winston logger; `false` silences them. Without it they are plain lines on stderr
   * (`effect-signalfx: …`). A logger that throws never breaks the client: that line goes to
   * stderr instead. Messages never contain the token.
   */
  readonly logger?: SignalFxLogger | false | undefined
  /**
   * The REST API's base URL, for the metadata methods and {@link SignalFx.rest}; default the realm's
   * `https://api.{realm}.signalfx.com`.
   *
   * @since 0.2.0
   */
  readonly apiEndpoint?: string | undefined
  /**
   * The token of the metadata methods and {@link SignalFx.rest}, when it is not the client's (ingest) token: an org
   * token with the API scope, or a user session token.
   *
   * @since 0.2.0
   */
  readonly apiToken?: string | Redacted.Redacted<string> | undefined
  /**
   * The proxy for every request (`http://host:port`, credentials allowed:
   * `http://user:password@host:port`), overriding `HTTPS_PROXY` and `HTTP_PROXY`, which are
   * honoured without it, with `NO_PROXY`. Its credentials are never shown.
   *
   * @since 0.2.0
   */
  readonly proxy?: string | Redacted.Redacted<string> | undefined
  /**
   * Certificate authorities (PEM, one or more) to trust beside Node's own and
   * `NODE_EXTRA_CA_CERTS`: a private CA, or a proxy's that inspects TLS.
   *
   * @since 0.2.0
   */
  readonly ca?: string | ReadonlyArray<string> | undefined
  /**
   * Options of `sfx.signalflow`; the client's realm, and `apiToken` (or the client's token),
   * unless given here. SignalFlow needs a token with the API scope.
   *
   * @since 0.2.0
   */
  readonly signalflow?: SignalFlowClientOptions | undefined
}

/**
 * What the `logger` option takes: `console`, or any logger with `warn` and `error`.
 *
 * @example
 * ```ts
 * import { SignalFx, type SignalFxLogger } from "effect-signalfx/promise"
 *
 * const logger: SignalFxLogger = {
 *   warn: (message) => console.warn(`[metrics] ${message}`),
 *   error: (message) => console.error(`[metrics] ${message}`)
 * }
 * const sfx = new SignalFx("MY_TOKEN", { logger })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SignalFxLogger {
  readonly warn: (message: string) => void
  readonly error: (message: string) => void
}
