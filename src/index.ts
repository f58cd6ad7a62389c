/**
 * effect-signalfx: an Effect-native client for SignalFx / Splunk Observability Cloud.
 *
 * @since 0.1.0
 * @module effect-signalfx
 */

/**
 * Datapoints, metric types, and the rules SignalFx holds them to.
 *
 * @since 0.1.0
 */
export * as Datapoint from "./Datapoint.js"

/**
 * Events: type, category, dimensions and properties.
 *
 * @since 0.1.0
 */
export * as Event from "./Event.js"

/**
 * The errors of the library, as tagged classes.
 *
 * @since 0.1.0
 */
export * as SignalFxError from "./SignalFxError.js"

/**
 * The Ingest service: batched, retried, bounded sending of datapoints and events.
 *
 * @since 0.1.0
 */
export * as Ingest from "./Ingest.js"

/**
 * Periodic reporting of Effect's `Metric` registry and of measured-core registries.
 *
 * @since 0.1.0
 */
export * as MetricsReporter from "./MetricsReporter.js"

/**
 * The Metadata service: search, read and update metric, dimension, metric time series and tag
 * metadata over the REST API.
 *
 * @since 0.1.0
 */
export * as Metadata from "./Metadata.js"

/**
 * Host identity: the AWS (IMDSv2 included, and ECS), GCP and Azure ids of the host, for the
 * `AWSUniqueId`, `gcp_id` and `azure_resource_id` dimensions.
 *
 * @since 0.1.0
 */
export * as HostIdentity from "./HostIdentity.js"

/**
 * The Rest service: organization, charts, dashboards, dashboard groups, detectors, incidents and
 * data links over the REST API, and `login` for a session token.
 *
 * @since 0.2.0
 */
export * as Rest from "./Rest.js"

/**
 * An `HttpClient` that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY, an explicit proxy, and
 * private certificate authorities, for every service of the library.
 *
 * @since 0.2.0
 */
export * as ProxyHttpClient from "./ProxyHttpClient.js"

/**
 * The SignalFlow service: SignalFlow programs' output as Effect Streams of typed messages, over
 * one shared, resuming WebSocket (or server-sent events).
 *
 * @since 0.2.0
 */
export * as SignalFlow from "./SignalFlow.js"
