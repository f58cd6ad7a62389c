/**
 * The environment variables the services read, each a list because the Splunk and the older
 * SignalFx tools name them differently: the first one set is used.
 */

/** Names tried in order, the first set winning. @internal */
export type Variables = readonly [string, ...Array<string>]

/** The access token, shared by ingest and the REST API. @internal */
export const ACCESS_TOKEN: Variables = ["SPLUNK_ACCESS_TOKEN", "SIGNALFX_ACCESS_TOKEN"]

/** The realm (`us0`, `eu0`, …). @internal */
export const REALM: Variables = ["SPLUNK_REALM", "SIGNALFX_REALM"]

/** The REST API's base URL. @internal */
export const API_URL: Variables = ["SPLUNK_API_URL", "SIGNALFX_API_URL"]
