/**
 * The path of a REST API call: `/v2/` and the percent-encoded segments, then the query.
 */

/** @internal */
export type Method = "GET" | "PUT" | "PATCH" | "DELETE" | "POST"

/** A query parameter's values: a list is sent as the parameter repeated, once per value. @internal */
export type Params = Readonly<Record<string, string | ReadonlyArray<string>>>

/**
 * Why a path segment cannot be sent: URLs have no way to carry an empty segment, or a `.` or `..`
 * one (fetch resolves them, percent-encoded or not), without changing the route.
 */
const unsendable = (segment: string): string | undefined =>
  segment === ""
    ? "an empty name"
    : segment === "." || segment === ".."
    ? `the name ${JSON.stringify(segment)}, which no URL path can carry`
    : undefined

/**
 * The path after the base URL, `/v2/<segments>?<params>`, each raw segment percent-encoded on its
 * own; and why it cannot be sent, if one of them cannot.
 * @internal
 */
export const restPath = (
  segments: ReadonlyArray<string>,
  params: Params | undefined
): { readonly path: string; readonly problem: string | undefined } => {
  const searchParams = new URLSearchParams()
  for (const [name, value] of Object.entries(params ?? {})) {
    for (const item of typeof value === "string" ? [value] : value) searchParams.append(name, item)
  }
  const query = searchParams.toString()
  const problem = segments.map(unsendable).find((reason) => reason !== undefined)
  return {
    path: `/v2/${segments.map(encodeURIComponent).join("/")}${query === "" ? "" : `?${query}`}`,
    problem: problem === undefined ? undefined : `cannot request ${problem}`
  }
}
