/**
 * The Promise facade: a `SignalFx` client for code that does not use Effect.
 *
 * It is a thin layer over the {@link Ingest} service, run on the facade's own runtime: the same
 * validation, batching, retries and accounting. Promises reject only for invalid input or a
 * stopped client, with the library's own error classes, so `instanceof` works.
 *
 * A client never keeps the process alive by itself: an idle client lets a script end, and a
 * script that sends and simply ends still delivers what it sent (the client flushes when Node
 * runs out of work, within `shutdownTimeout`). `process.exit()` ends the process at once and
 * cannot be waited for: `await sfx.stop()` before it.
 *
 * @example
 * ```ts
 * import { SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("MY_TOKEN", { realm: "us1", dimensions: { service: "checkout" } })
 * await sfx.send({
 *   gauges: [{ metric: "cpu.utilization", value: 42.5, dimensions: { host: "server1" } }],
 *   cumulative_counters: [{ metric: "requests.total", value: 1234 }]
 * })
 * await sfx.sendEvent({ eventType: "deployments", properties: { version: "1.2.3" } })
 * await sfx.stop()
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as util from "node:util"
import type * as Datapoint from "../Datapoint.js"
import type * as Event from "../Event.js"
import type * as Ingest from "../Ingest.js"
import { resolve } from "../internal/ingest/options.js"
import {
  checkConstructorArguments,
  checkReporterArguments,
  environmentOptions,
  flushTimeout,
  hostIdentityFrom,
  methodOptions,
  withoutUndefined
} from "../internal/promise/arguments.js"
import { ClientEnding } from "../internal/promise/ending.js"
import { unrefFetch } from "../internal/promise/fetch.js"
import { lookUpHost, StartedIngest } from "../internal/promise/ingest.js"
import { hold } from "../internal/promise/lifecycle.js"
import { defineOperations } from "../internal/promise/runner.js"
import { layerFromEnvironment } from "../internal/proxy/client.js"
import type * as MetricsReporter from "../MetricsReporter.js"
import { ClosedError, ValidationError } from "../SignalFxError.js"
import { ApiClients } from "./apiClients.js"
import { metadataOperations, type SignalFxMetadata } from "./metadata.js"
import type { SignalFxOptions } from "./options.js"
import type { LoginOptions, RestClient } from "./rest.js"
import type { SignalFlowClient } from "./signalflow.js"

/**
 * A SignalFx client with a Promise API: ingest, and the metadata methods of
 * {@link SignalFxMetadata}.
 *
 * @example
 * ```ts
 * import { SignalFx, ValidationError } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("MY_TOKEN", { realm: "eu0" })
 * try {
 *   await sfx.send({ gauges: [{ metric: "", value: 1 }] })
 * } catch (error) {
 *   if (error instanceof ValidationError) console.error(error.message)
 * }
 * await sfx.stop()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
// The metadata methods are declared by the interface of the same name and defined on the
// prototype from the service's operations (`defineOperations`), which a class body cannot express.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SignalFx {
  /**
   * A client whose token, realm and endpoints come from the environment: `SPLUNK_ACCESS_TOKEN`
   * (or `SIGNALFX_ACCESS_TOKEN`), `SPLUNK_REALM` (or `SIGNALFX_REALM`), `SPLUNK_INGEST_URL`
   * (or `SIGNALFX_INGEST_URL`, `SIGNALFX_INGEST_ENDPOINT`), `SPLUNK_API_URL` (or
   * `SIGNALFX_API_URL`). Throws a `ConfigurationError` when no token is set.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * // SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 node app.js
   * const sfx = SignalFx.fromEnv({ dimensions: { service: "checkout" } })
   * ```
   *
   * @since 0.1.0
   */
  static fromEnv(options: Omit<SignalFxOptions, "realm" | "ingestEndpoint" | "apiEndpoint"> = {}): SignalFx {
    const { token, ...fromEnvironment } = environmentOptions(options)
    return new SignalFx(token, fromEnvironment)
  }

  static {
    defineOperations(SignalFx.prototype, metadataOperations, (sfx) => sfx.#api.metadata)
  }

  readonly #ingest: StartedIngest
  readonly #api: ApiClients
  readonly #hostIdentity: Promise<Datapoint.Dimensions>
  /** Ends the host identity lookup, when one is running, at `stop()`. */
  readonly #endLookup = new AbortController()
  readonly #endpoint: string
  readonly #ending: ClientEnding
  #stopping: Promise<void> | undefined

  /**
   * Checks the options and starts the client. Throws a `ConfigurationError` right away for an
   * unusable option (an empty token, a malformed URL, a realm that is not one).
   *
   * @since 0.1.0
   */
  constructor(token: string | Redacted.Redacted<string>, options: SignalFxOptions = {}) {
    const { apiEndpoint, apiToken, ca, hostIdentity, logger, proxy, signalflow, ...rest } = checkConstructorArguments(
      token,
      options
    )
    // The token is wrapped at once; the plain string is never stored on the client.
    const ingestOptions: Ingest.Options = {
      ...rest,
      token: Redacted.isRedacted(token) ? token : Redacted.make(token)
    }
    const resolved = resolve(ingestOptions)
    if (Either.isLeft(resolved)) throw resolved.left
    this.#endpoint = resolved.right.endpoint.href
    // Every request of the client, ingest and REST alike, goes through the same proxy and CAs.
    // Directly, without a proxy or a `ca`, on sockets that never hold the process open: the exit
    // deadline then counts from the program's end, whatever the server does with an open request.
    const network = { proxy, ca }
    const httpClient = layerFromEnvironment(network, unrefFetch)
    this.#api = new ApiClients(
      ingestOptions.token,
      { ...rest, apiEndpoint, apiToken, logger, proxy, ca, signalflow },
      httpClient
    )
    const identityOptions = hostIdentityFrom(hostIdentity)
    this.#ingest = new StartedIngest(ingestOptions, network, logger)
    this.#ending = new ClientEnding(
      this.#ingest,
      Duration.toMillis(resolved.right.shutdownTimeout),
      () => this.#stopping !== undefined
    )
    // Without the option, HostIdentity is not even loaded; `stop()` ends the lookup.
    this.#hostIdentity = identityOptions === undefined
      ? Promise.resolve({})
      : lookUpHost(this.#ingest.runtime, identityOptions, httpClient, this.#endLookup.signal).catch(() => ({}))
  }

  /**
   * The ingest base URL the client sends to.
   *
   * @since 0.1.0
   */
  get endpoint(): string {
    return this.#endpoint
  }

  /**
   * Validates the datapoints and queues them for sending. Resolves once they are accepted;
   * rejects with a `ValidationError` listing every problem (and then nothing of the call is
   * sent), or with a `ClosedError` after {@link stop}. Network trouble never rejects: it is
   * retried, and what still fails is counted in {@link stats}.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("MY_TOKEN")
   * await sfx.send({
   *   gauges: [{ metric: "queue.depth", value: 12, timestamp: Date.now() }],
   *   counters: [{ metric: "requests", value: 3, dimensions: { route: "/home" } }],
   *   cumulative_counters: [{ metric: "bytes.total", value: 123456789 }]
   * })
   * ```
   *
   * @since 0.1.0
   */
  send(datapoints: Datapoint.Datapoints): Promise<void> {
    return this.#ingest.offer(
      (internals) => internals.send(datapoints),
      (service) => service.send(datapoints),
      this.#stopping
    )
  }

  /**
   * Validates one event and queues it; rejects like {@link send}.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("MY_TOKEN")
   * await sfx.sendEvent({
   *   eventType: "deployments",
   *   category: "USER_DEFINED",
   *   dimensions: { service: "checkout" },
   *   properties: { version: "1.2.3" }
   * })
   * ```
   *
   * @since 0.1.0
   */
  sendEvent(event: Event.Event): Promise<void> {
    return this.#ingest.offer(
      (internals) => internals.sendEvent(event),
      (service) => service.sendEvent(event),
      this.#stopping
    )
  }

  /**
   * Validates several events and queues them; error paths start with the index.
   *
   * @since 0.1.0
   */
  sendEvents(events: ReadonlyArray<Event.Event>): Promise<void> {
    return this.#ingest.offer(
      (internals) => internals.sendEvents(events),
      (service) => service.sendEvents(events),
      this.#stopping
    )
  }

  /**
   * Resolves once everything sent so far was delivered or dropped (see {@link stats}): sent
   * at once rather than after the linger, and retried as the `retry` option says, so against an
   * unreachable server it waits up to `retry.maxElapsed` (5 minutes by default). With a
   * `timeout` it waits at most that long. It resolves `true` when everything was settled, `false`
   * when the timeout came first (what is left stays queued and is still delivered or dropped as
   * usual); it rejects only with a `ValidationError` for a timeout that is not a duration. The
   * process stays alive while it waits.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("MY_TOKEN")
   * await sfx.send({ gauges: [{ metric: "jobs.done", value: 1 }] })
   * if (!(await sfx.flush({ timeout: "2 seconds" }))) console.error(sfx.stats().datapoints.lastError)
   * ```
   *
   * @since 0.1.0
   */
  flush(options: { readonly timeout?: Duration.DurationInput | undefined } = {}): Promise<boolean> {
    const checked = methodOptions("options", options)
    if (checked instanceof ValidationError) return Promise.reject(checked)
    const settled = Effect.as(this.#ingest.service.flush, true)
    if (checked.timeout === undefined) return hold(this.#ingest.run(settled, this.#stopping))
    const timeout = flushTimeout(checked.timeout)
    if (timeout instanceof ValidationError) return Promise.reject(timeout)
    return hold(
      this.#ingest.run(
        Effect.timeoutTo(settled, { duration: timeout, onSuccess: () => true, onTimeout: () => false }),
        this.#stopping
      )
    )
  }

  /**
   * Resolves, never rejects, once the `hostIdentity` lookup has ended, with the dimensions it
   * added (`{}` outside a cloud, without the option, or when `stop()` came first). Await it
   * before the first `send` for every datapoint to carry the host's ids; the wait is at most the
   * lookup's timeout (1 second by default), a few milliseconds inside a cloud.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("MY_TOKEN", { hostIdentity: { clouds: ["aws"] } })
   * console.log(await sfx.hostIdentity()) // { AWSUniqueId: "i-0abc_us-east-1_123456789012" } on EC2
   * await sfx.send({ gauges: [{ metric: "cpu.utilization", value: 42.5 }] })
   * ```
   *
   * @since 0.1.0
   */
  hostIdentity(): Promise<Datapoint.Dimensions> {
    return this.#hostIdentity
  }

  /**
   * Adds dimensions to every datapoint and event sent from now on; a dimension given on the
   * datapoint or event itself wins. Throws a `ValidationError` for a bad key or value, for an
   * argument that is not a plain object, and past 36 global dimensions (a datapoint's most). A key
   * whose value is `undefined` is skipped, so that
   * `sfx.addDimensions({ [AWS_ID_DIMENSION]: await getAwsUniqueId() })` adds nothing outside AWS.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("MY_TOKEN")
   * sfx.addDimensions({ host: "server1", region: "eu-west-1" })
   * sfx.removeDimensions(["region"])
   * console.log(sfx.dimensions()) // { host: "server1" }
   * ```
   *
   * @since 0.1.0
   */
  addDimensions(dimensions: { readonly [key: string]: string | undefined }): void {
    this.#ingest.sync(this.#ingest.service.addDimensions(withoutUndefined(dimensions)))
  }

  /**
   * Stops adding these global dimensions to what is sent from now on. Throws a `ValidationError`
   * when `keys` is not an array of strings.
   *
   * @since 0.1.0
   */
  removeDimensions(keys: ReadonlyArray<string>): void {
    this.#ingest.sync(this.#ingest.service.removeDimensions(keys))
  }

  /**
   * The global dimensions in force.
   *
   * @since 0.1.0
   */
  dimensions(): Datapoint.Dimensions {
    return this.#ingest.sync(this.#ingest.service.dimensions)
  }

  /**
   * What became of everything accepted so far, per kind: at every moment
   * `accepted = delivered + pending + Σ dropped`.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("MY_TOKEN")
   * await sfx.send({ gauges: [{ metric: "cpu", value: 1 }] })
   * await sfx.flush()
   * const { delivered, dropped } = sfx.stats().datapoints
   * console.log(delivered, dropped.retriesExhausted)
   * ```
   *
   * @since 0.1.0
   */
  stats(): Ingest.Stats {
    return this.#ingest.sync(this.#ingest.service.stats)
  }

  /**
   * Reports a measured-core registry (a `Collection`, or an object of named metrics) every
   * `interval` (10 seconds by default) through this client, and a last time on {@link stop} —
   * or when a script simply ends. Counters become cumulative counters, gauges gauges, and
   * histograms, meters and timers a `.count` cumulative counter with their statistics as gauges,
   * as the official clients' pyformance reporter did. Throws a `ClosedError` after `stop()`.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   * import { Collection } from "measured-core"
   *
   * const sfx = new SignalFx("MY_TOKEN")
   * const api = new Collection("api")
   * sfx.reportMeasured(api, { interval: 10_000, dimensions: { service: "checkout" } })
   * api.counter("requests").inc()
   * await sfx.stop() // reports once more, then delivers
   * ```
   *
   * @since 0.1.0
   */
  reportMeasured(registry: MetricsReporter.MeasuredRegistry, options: MetricsReporter.Options = {}): void {
    if (this.#stopping !== undefined) throw new ClosedError({ what: "datapoints", count: 0 })
    checkReporterArguments(registry, options)
    this.#ending.report(registry, options)
  }

  /**
   * The REST API: organization, charts, dashboards, dashboard groups, detectors, incidents and
   * data links, with promises and async iterables (see `Rest` for the operations). It uses
   * `apiToken` (by default the client's token, which then needs the API scope) and
   * `apiEndpoint` (by default the realm's). After {@link stop} its calls reject with a
   * `ClosedError`.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("INGEST_TOKEN", { realm: "us1", apiToken: "API_TOKEN" })
   * const detector = await sfx.rest.detectors.create({
   *   name: "CPU too high",
   *   programText: "detect(when(data('cpu.utilization').mean() > 90, '5m')).publish('cpu high')",
   *   rules: [{ detectLabel: "cpu high", severity: "Critical" }]
   * })
   * for await (const incident of sfx.rest.incidents.stream()) console.log(incident.incidentId)
   * await sfx.rest.detectors.delete(detector.id)
   * ```
   *
   * @since 0.2.0
   */
  get rest(): RestClient {
    return this.#api.rest
  }

  /**
   * Logs a user in (`POST /v2/session`, as the Python client's `sfx.login(email, password)`) and
   * resolves with the session token, for the REST and SignalFlow APIs (not for ingest): give it
   * as `apiToken`, or to `SignalFlowClient`. It is a `Redacted`, shown as `<redacted>`
   * (`Redacted.value` from `effect` reads it). It goes to the client's `apiEndpoint` (by default
   * the realm's), through its proxy, sending no token. A refused login rejects with a
   * `RestRejectedError`, an empty or malformed argument with a `ConfigurationError`, and after
   * {@link stop} with a `ClosedError`; the password never appears in an error.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("INGEST_TOKEN", { realm: "us1" })
   * const sessionToken = await sfx.login("me@example.com", process.env.SFX_PASSWORD ?? "")
   * const api = new SignalFx("INGEST_TOKEN", { realm: "us1", apiToken: sessionToken })
   * console.log((await api.rest.organization.get()).organizationName)
   * await Promise.all([sfx.stop(), api.stop()])
   * ```
   *
   * @since 0.2.0
   */
  login(
    email: string,
    password: string | Redacted.Redacted<string>,
    options?: LoginOptions
  ): Promise<Redacted.Redacted<string>> {
    return this.#api.login(email, password, options)
  }

  /**
   * SignalFlow: run programs and read their output as async iterables (see `SignalFlowClient`).
   * Created on first use, with the `signalflow` option's token, or `apiToken`, or the client's;
   * `stop()` closes it (first used after `stop()`, it is closed already: its calls reject with a
   * `SignalFlowConnectionError` and open no socket).
   *
   * @since 0.2.0
   */
  get signalflow(): SignalFlowClient {
    return this.#api.signalflow
  }

  /**
   * Stops accepting data and delivers what is queued, giving up at `shutdownTimeout` (what is
   * left then is counted as `dropped.shutdownDeadline`). Calling it again returns the same
   * promise. Afterwards `send`, the metadata methods and `rest` reject with a `ClosedError` (a
   * REST call already running finishes).
   *
   * @since 0.1.0
   */
  stop(): Promise<void> {
    if (this.#stopping === undefined) {
      this.#ending.removeExitHook()
      this.#endLookup.abort()
      const apiClosed = this.#api.close()
      // The reporters report a last time first, while the service still takes their datapoints.
      this.#stopping = hold(
        this.#ingest.runtime.runPromise(this.#ending.closeReporters).then(() =>
          Promise.all([this.#ingest.runtime.dispose(), apiClosed])
        )
      ).then(() => undefined)
    }
    return this.#stopping
  }

  /**
   * @since 0.1.0
   */
  toJSON(): { readonly endpoint: string; readonly stopped: boolean; readonly stats: Ingest.Stats } {
    return { endpoint: this.#endpoint, stopped: this.#stopping !== undefined, stats: this.stats() }
  }

  /**
   * @since 0.1.0
   */
  toString(): string {
    return `SignalFx(${this.#endpoint})`
  }

  /**
   * @since 0.1.0
   */
  [Symbol.for("nodejs.util.inspect.custom")](_depth: number, options: util.InspectOptions): string {
    return `SignalFx ${util.inspect(this.toJSON(), options)}`
  }
}

/**
 * The metadata methods of a `SignalFx` client (see {@link SignalFxMetadata}), derived from the
 * `Metadata` service.
 *
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the class
export interface SignalFx extends SignalFxMetadata {}
