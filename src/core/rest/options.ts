/**
 * The REST API's defaults, which the Metadata and Rest services of both packages share: someone
 * waits on each of these calls, so retries give up sooner than the Ingest service's, which has no
 * caller waiting.
 */

/** @internal */
export const restDefaults = {
  requestTimeoutMillis: 10_000,
  /** Far above any single answer of the API (a search page of 10,000 results included). */
  maxResponseBytes: 16 * 1024 * 1024,
  retry: {
    initialDelayMillis: 500,
    maxDelayMillis: 10_000,
    maxElapsedMillis: 60_000,
    maxRetryAfterMillis: 60_000
  }
} as const

/**
 * Where the options name the endpoint, and the API's host in a realm.
 * @internal
 */
export const apiEndpoint = (url: string | undefined) => ({
  option: "apiEndpoint",
  url,
  host: (realm: string) => `api.${realm}.signalfx.com`
})
