/**
 * effect-signalfx/promise: the `SignalFx` client with a Promise API, for code that does not use
 * Effect (ingest and metadata), the host's cloud ids, and the error classes its promises reject
 * with.
 *
 * @since 0.1.0
 * @module effect-signalfx/promise
 */

export {
  /**
   * @since 0.1.0
   */
  SignalFx
} from "./SignalFx.js"

export {
  /**
   * @since 0.1.0
   */
  type SignalFxLogger,
  /**
   * @since 0.1.0
   */
  type SignalFxOptions
} from "./options.js"

export {
  /**
   * @since 0.2.0
   */
  type SignalFxMetadata
} from "./metadata.js"

export {
  /**
   * @since 0.2.0
   */
  SignalFlowClient,
  /**
   * @since 0.2.0
   */
  type SignalFlowClientOptions,
  /**
   * @since 0.2.0
   */
  type SignalFlowIterable
} from "./signalflow.js"

export {
  /**
   * @since 0.2.0
   */
  AWS_ID_DIMENSION,
  /**
   * @since 0.2.0
   */
  type AwsIdOptions,
  /**
   * @since 0.2.0
   */
  AZURE_ID_DIMENSION,
  /**
   * @since 0.2.0
   */
  type AzureIdOptions,
  /**
   * @since 0.2.0
   */
  GCP_ID_DIMENSION,
  /**
   * @since 0.2.0
   */
  type GcpIdOptions,
  /**
   * @since 0.2.0
   */
  getAwsUniqueId,
  /**
   * @since 0.2.0
   */
  getAzureResourceId,
  /**
   * @since 0.2.0
   */
  getGcpId
} from "./hostIdentity.js"

export {
  /**
   * @since 0.2.0
   */
  ComputationAbortedError,
  /**
   * @since 0.2.0
   */
  ComputationFailedError,
  /**
   * @since 0.2.0
   */
  SignalFlowAuthenticationError,
  /**
   * @since 0.2.0
   */
  SignalFlowConnectionError
} from "../SignalFxError.js"

export {
  /**
   * @since 0.1.0
   */
  ClosedError,
  /**
   * @since 0.1.0
   */
  ConfigurationError,
  /**
   * @since 0.2.0
   */
  RestNotFoundError,
  /**
   * @since 0.2.0
   */
  RestRejectedError,
  /**
   * @since 0.2.0
   */
  RestRequestError,
  /**
   * @since 0.1.0
   */
  ValidationError,
  /**
   * @since 0.1.0
   */
  ValidationIssue
} from "../SignalFxError.js"

export type {
  /**
   * @since 0.2.0
   */
  LoginOptions,
  /**
   * @since 0.2.0
   */
  Promised,
  /**
   * @since 0.2.0
   */
  RestClient
} from "./rest.js"

export type {
  /**
   * @since 0.1.0
   */
  Datapoint,
  /**
   * @since 0.1.0
   */
  Datapoints,
  /**
   * @since 0.1.0
   */
  Dimensions,
  /**
   * @since 0.1.0
   */
  Value
} from "../Datapoint.js"

export type {
  /**
   * @since 0.1.0
   */
  Category as EventCategory,
  /**
   * @since 0.1.0
   */
  Event,
  /**
   * @since 0.1.0
   */
  Properties as EventProperties
} from "../Event.js"

export type {
  /**
   * @since 0.1.0
   */
  PipelineStats,
  /**
   * @since 0.1.0
   */
  Stats
} from "../Ingest.js"

export type {
  /**
   * @since 0.2.0
   */
  Dimension,
  /**
   * @since 0.2.0
   */
  DimensionPatch,
  /**
   * @since 0.2.0
   */
  DimensionUpdate,
  /**
   * @since 0.2.0
   */
  Metric,
  /**
   * @since 0.2.0
   */
  MetricTimeSeries,
  /**
   * @since 0.2.0
   */
  MetricUpdate,
  /**
   * @since 0.2.0
   */
  SearchOptions,
  /**
   * @since 0.2.0
   */
  SearchResult,
  /**
   * @since 0.2.0
   */
  StreamOptions,
  /**
   * @since 0.2.0
   */
  Tag,
  /**
   * @since 0.2.0
   */
  TagUpdate
} from "../Metadata.js"
