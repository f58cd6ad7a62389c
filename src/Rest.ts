/**
 * The Rest service: the rest of the SignalFx REST API that scripts use to manage alerting and
 * dashboards as code (organization, charts, dashboards, dashboard groups, detectors, incidents,
 * data links), and `login` for a user session token.
 *
 * One service, its operations grouped by the kind of object they act on
 * (`rest.detectors.create(…)`, `rest.incidents.clear(id)`): every family shares one token, one
 * endpoint and one set of retries, so one layer provides them all. Calls go through the same
 * request machinery as the {@link Metadata} service: percent-encoded ids, retries with jittered
 * backoff honouring `Retry-After` (a POST that creates is retried only on 429, so it never
 * creates twice), capped error bodies, no redirects, and a token that never appears in an error.
 *
 * Objects are decoded with `effect/Schema` and keep every field the service sends, known or not,
 * so `update(id, { ...read, name: "…" })` sends back all that was read.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted, Stream } from "effect"
 * import { Rest } from "effect-signalfx"
 *
 * const program = Effect.gen(function*() {
 *   const rest = yield* Rest.Rest
 *   const detector = yield* rest.detectors.create({
 *     name: "CPU too high",
 *     programText: "detect(when(data('cpu.utilization').mean() > 90, '5m')).publish('cpu high')",
 *     rules: [{ detectLabel: "cpu high", severity: "Critical" }]
 *   })
 *   yield* rest.detectors.update(detector.id, { ...detector, description: "paged on call" })
 *   const mine = yield* Stream.runCollect(rest.detectors.stream({ tags: ["team-payments"] }))
 *   console.log(mine.length)
 * })
 *
 * const RestLive = Rest.layer({ token: Redacted.make("API_TOKEN"), realm: "us1" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * Effect.runPromise(program.pipe(Effect.provide(RestLive)))
 * ```
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type { Item } from "./core/rest/declaration.js"
import type { family, NameSearch, NameStream } from "./core/rest/restApi.js"
import * as internal from "./internal/rest/api.js"
import type { Interpreted } from "./internal/rest/operation.js"
import * as schema from "./internal/rest/schema.js"
import * as Metadata from "./Metadata.js"
import type { ConfigurationError, RestNotFoundError, RestRejectedError, RestRequestError } from "./SignalFxError.js"

/**
 * The organization the token belongs to: its `id`, `organizationName`, and every other field the
 * service sends.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Organization = schema.Organization

/**
 * @since 0.2.0
 * @category models
 */
export interface Organization extends Schema.Schema.Type<typeof schema.Organization> {}

/**
 * A chart: `id`, `name`, `programText`, `options` (its visualization), `tags`, and every other
 * field the service sends.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Chart = schema.Chart

/**
 * @since 0.2.0
 * @category models
 */
export interface Chart extends Schema.Schema.Type<typeof schema.Chart> {}

/**
 * A dashboard: `id`, `name`, `groupId`, `charts` (where each chart sits), and every other field.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Dashboard = schema.Dashboard

/**
 * @since 0.2.0
 * @category models
 */
export interface Dashboard extends Schema.Schema.Type<typeof schema.Dashboard> {}

/**
 * A dashboard group: `id`, `name`, `dashboards` (their ids), and every other field.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DashboardGroup = schema.DashboardGroup

/**
 * @since 0.2.0
 * @category models
 */
export interface DashboardGroup extends Schema.Schema.Type<typeof schema.DashboardGroup> {}

/**
 * A detector: `id`, `name`, `programText` (SignalFlow), `rules` (one per published label, with
 * its severity and notifications), `tags`, and every other field.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Detector = schema.Detector

/**
 * @since 0.2.0
 * @category models
 */
export interface Detector extends Schema.Schema.Type<typeof schema.Detector> {}

/**
 * An event of a detector: an alert raised or cleared (`anomalyState`), with its `incidentId`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DetectorEvent = schema.DetectorEvent

/**
 * @since 0.2.0
 * @category models
 */
export interface DetectorEvent extends Schema.Schema.Type<typeof schema.DetectorEvent> {}

/**
 * An incident: an alert of a detector's rule, `active` until it clears, with its `events`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Incident = schema.Incident

/**
 * @since 0.2.0
 * @category models
 */
export interface Incident extends Schema.Schema.Type<typeof schema.Incident> {}

/**
 * A data link: the `propertyName` (and `propertyValue`) whose values link to the `targets`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DataLink = schema.DataLink

/**
 * @since 0.2.0
 * @category models
 */
export interface DataLink extends Schema.Schema.Type<typeof schema.DataLink> {}

/**
 * A user session: the `accessToken` (a `Redacted`), when it expires (`expiryMs`), and every other
 * field the service sends.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Session = schema.Session

/**
 * @since 0.2.0
 * @category models
 */
export interface Session extends Schema.Schema.Type<typeof schema.Session> {}

export type { Page } from "./core/rest/declaration.js"
export type {
  ChartInput,
  DashboardGroupInput,
  DashboardInput,
  DataLinkSearch,
  DetectorInput,
  DetectorRuleInput,
  IncidentSearch,
  NameSearch,
  NameStream
} from "./core/rest/restApi.js"

/**
 * How a call about one object fails: it does not exist (`RestNotFoundError`), or the request
 * failed (`RestRequestError`).
 *
 * @since 0.2.0
 * @category errors
 */
export type NotFound = RestNotFoundError | RestRequestError

/**
 * How a write fails: the service refused it, with its message (`RestRejectedError`), or the
 * request failed (`RestRequestError`).
 *
 * @since 0.2.0
 * @category errors
 */
export type Refused = RestRejectedError | RestRequestError

/**
 * The operations of a kind of object that can be searched, read and written.
 *
 * @since 0.2.0
 * @category models
 */
export interface Family<A, Input, Search = NameSearch, StreamOptions = NameStream> extends
  Interpreted<
    ReturnType<typeof family<Item, Input, Search & NameSearch, StreamOptions & NameStream>>,
    { readonly [I in Item]: A }
  >
{}

/**
 * The operations, grouped by the kind of object. Ids are sent percent-encoded; an empty id, `.`
 * or `..` fails without a request, with a `RestRequestError` whose reason is `"InvalidRequest"`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Service extends ReturnType<typeof internal.operations> {}

/**
 * The options: those of the {@link Metadata} service (`token`, `realm` or `apiEndpoint`,
 * `requestTimeout`, `retry`, `userAgent`, `allowInsecureHttp`). The token is an org access token
 * with the API scope, or a user session token (see {@link login}).
 *
 * @since 0.2.0
 * @category models
 */
export type Options = Metadata.Options

/**
 * The Rest service tag.
 *
 * @since 0.2.0
 * @category tags
 */
export class Rest extends Context.Tag("effect-signalfx/Rest")<Rest, Service>() {}

/**
 * Builds the service. It holds no resources, so it needs no scope.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 * import { Rest } from "effect-signalfx"
 *
 * const incidents = Effect.gen(function*() {
 *   const rest = yield* Rest.make({ token: Redacted.make("API_TOKEN"), realm: "eu0" })
 *   return yield* rest.incidents.list({ includeResolved: true, limit: 20 })
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<Service, ConfigurationError, HttpClient.HttpClient> =
  internal.make

/**
 * The service as a layer. It needs an `HttpClient`, such as `FetchHttpClient.layer`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { Rest } from "effect-signalfx"
 *
 * const RestLive = Rest.layer({ token: Redacted.make("API_TOKEN"), realm: "us1" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Rest, ConfigurationError, HttpClient.HttpClient> =>
  Layer.effect(Rest, make(options))

/**
 * The service as a layer whose token, realm and endpoint come from the same `Config` as the
 * Metadata service's: `SPLUNK_ACCESS_TOKEN`, `SPLUNK_REALM`, `SPLUNK_API_URL` (or their
 * `SIGNALFX_` names).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { Rest } from "effect-signalfx"
 *
 * const RestLive = Rest.layerConfig({ requestTimeout: "5 seconds" }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "token" | "realm" | "apiEndpoint"> = {}
): Layer.Layer<Rest, ConfigurationError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(Rest, Effect.flatMap(Metadata.config, (fromConfig) => make({ ...options, ...fromConfig })))

/**
 * What {@link login} needs: a user's `email` and `password` (a `Redacted`, never shown in an
 * error or a log), the `organizationId` when the email belongs to several organizations, and the
 * endpoint and request options of the service.
 *
 * @since 0.2.0
 * @category models
 */
export interface LoginOptions extends Omit<Options, "token"> {
  readonly email: string
  readonly password: Redacted.Redacted<string>
  readonly organizationId?: string | undefined
}

/**
 * Logs a user in (`POST /v2/session`) and answers the session, whose `accessToken` works with
 * the REST and SignalFlow APIs (not for ingest). A refused login fails with a `RestRejectedError`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 * import { Rest } from "effect-signalfx"
 *
 * const organization = Effect.gen(function*() {
 *   const session = yield* Rest.login({ email: "me@example.com", password: Redacted.make("…"), realm: "us1" })
 *   const rest = yield* Rest.make({ token: session.accessToken, realm: "us1" })
 *   return yield* rest.organization.get()
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const login: (
  options: LoginOptions
) => Effect.Effect<Session, RestRejectedError | RestRequestError | ConfigurationError, HttpClient.HttpClient> =
  internal.login
