/**
 * effect-signalfx for Effect 4: an Effect-native client for SignalFx / Splunk Observability Cloud.
 *
 * @since 0.2.0
 * @module @effect-signalfx/effect4
 */

/**
 * Datapoints, metric types, and the rules SignalFx holds them to.
 *
 * @since 0.2.0
 */
export * as Datapoint from "./Datapoint.js"

/**
 * Events: type, category, dimensions and properties.
 *
 * @since 0.2.0
 */
export * as Event from "./Event.js"

/**
 * The errors of the library, as tagged classes.
 *
 * @since 0.2.0
 */
export * as SignalFxError from "./SignalFxError.js"

/**
 * The Metadata service: search, read and update metric, dimension, metric time series and tag
 * metadata over the REST API.
 *
 * @since 0.2.0
 */
export * as Metadata from "./Metadata.js"

/**
 * The Rest service: organization, charts, dashboards, dashboard groups, detectors, incidents and
 * data links over the REST API, and `login` for a session token.
 *
 * @since 0.2.0
 */
export * as Rest from "./Rest.js"

/**
 * Host identity: the AWS, GCP and Azure ids of the host, from each cloud's metadata server.
 *
 * @since 0.2.0
 */
export * as HostIdentity from "./HostIdentity.js"

/**
 * Reports Effect's `Metric` registry, or a measured-core registry, through the Ingest service.
 *
 * @since 0.2.0
 */
export * as MetricsReporter from "./MetricsReporter.js"

/**
 * An `HttpClient` through an HTTP(S) proxy, trusting private certificate authorities.
 *
 * @since 0.2.0
 */
export * as ProxyHttpClient from "./ProxyHttpClient.js"

/**
 * The Ingest service: datapoints and events sent in the background, batched, compressed,
 * retried and bounded, and everything queued delivered when its scope closes.
 *
 * @since 0.2.0
 */
export * as Ingest from "./Ingest.js"

/**
 * SignalFlow: run SignalFlow programs and stream their output, over WebSocket or server-sent
 * events.
 *
 * @since 0.2.0
 */
export * as SignalFlow from "./SignalFlow.js"
