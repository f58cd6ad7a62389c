/**
 * The language the REST API is declared in (`metadataApi.ts`, `restApi.ts`), without Effect: for
 * each operation how its arguments make a request, which answer it decodes (by the name of a
 * schema each package supplies), which 404 means a missing object and which statuses a refusal;
 * for each search how its pages are asked for. Each package interprets the same declarations
 * over its own request client (`internal/rest/operation.ts`), so a new operation is one
 * declaration for both.
 */

import type { Method, Params } from "../http/restPath.js"

/** A query parameter: left out when `undefined`, repeated for a list, a number or boolean as text. */
type QueryValue = string | number | boolean | ReadonlyArray<string> | undefined

/**
 * What one call sends, made from the operation's arguments.
 * @internal
 */
export interface Request {
  readonly method: Method
  /** The path after `/v2/`, one raw segment per element: the client percent-encodes each. */
  readonly path: ReadonlyArray<string>
  readonly query?: Readonly<Record<string, QueryValue>>
  /** Sent as JSON. */
  readonly body?: unknown
}

/**
 * The objects the API answers, by the name of the schema each package decodes them with.
 * @internal
 */
export type Item =
  | "Metric"
  | "Dimension"
  | "MetricTimeSeries"
  | "Tag"
  | "Organization"
  | "Chart"
  | "Dashboard"
  | "DashboardGroup"
  | "Detector"
  | "DetectorEvent"
  | "Incident"
  | "DataLink"
  | "Session"

/**
 * What an answer decodes to: one object, a `{count, results}` page of them, or a plain list.
 * @internal
 */
export interface Answer<Form extends "one" | "page" | "list" = "one" | "page" | "list", I extends Item = Item> {
  readonly form: Form
  readonly item: I
}

/** @internal */
export const one = <const I extends Item>(item: I): Answer<"one", I> => ({ form: "one", item })
/** @internal */
export const page = <const I extends Item>(item: I): Answer<"page", I> => ({ form: "page", item })
/** @internal */
export const list = <const I extends Item>(item: I): Answer<"list", I> => ({ form: "list", item })

/**
 * One page of a search: `count` objects match in all, `results` holds this page.
 *
 * @since 0.2.0
 * @category models
 */
export interface Page<A> {
  readonly count: number
  readonly results: ReadonlyArray<A>
}

/**
 * The kinds of object a 404 can name (`RestNotFoundError["kind"]`).
 * @internal
 */
export type MissingKind =
  | "metric"
  | "dimension"
  | "metricTimeSeries"
  | "tag"
  | "chart"
  | "dashboard"
  | "dashboardGroup"
  | "detector"
  | "incident"
  | "dataLink"

/**
 * The kinds of object the service can refuse (`RestRejectedError["kind"]`).
 * @internal
 */
export type RefusedKind = "chart" | "dashboard" | "dashboardGroup" | "detector" | "incident" | "session"

/** The object a 404 says does not exist. @internal */
export interface Missing {
  readonly kind: MissingKind
  readonly id: string
}

/** Which answers of the service refuse what was sent, and what they refuse. @internal */
export interface Refusal {
  readonly kind: RefusedKind
  readonly statuses: ReadonlyArray<number>
}

/**
 * What an operation may say beside its request.
 * @internal
 */
export interface OperationTraits<Args extends ReadonlyArray<unknown>> {
  /** The answer's schema; an operation without one answers nothing (204). */
  readonly answer?: Answer
  /** The object a 404 means is missing, named from the arguments. */
  notFound?(...args: Args): Missing
  readonly rejected?: Refusal
  /** `false` for a POST that creates: it is retried only on 429, so it never creates twice. */
  readonly idempotent?: false
  /** Sends no token (a login, whose secret travels in the body). */
  readonly withoutToken?: true
}

/**
 * One operation of the API. (Its functions are methods, so that a table of operations with
 * different arguments is one type: {@link Declarations}.)
 * @internal
 */
export interface Operation<Args extends ReadonlyArray<unknown>> extends OperationTraits<Args> {
  readonly _tag: "Operation"
  request(...args: Args): Request
}

/**
 * Declares an operation. Its type keeps what each package's interpreter turns into the
 * operation's type: the arguments of `request`, the answer's item, and whether a 404 or a
 * refusal has an error of its own.
 * @internal
 */
export const operation = <Args extends ReadonlyArray<unknown>, const Traits extends OperationTraits<NoInfer<Args>>>(
  declaration: { readonly request: (...args: Args) => Request } & Traits
): Operation<Args> & Traits & { readonly request: (...args: Args) => Request } => ({
  _tag: "Operation",
  ...declaration
})

interface PageSize {
  readonly pageSize?: number | undefined
}

/** Where a page starts, and how many results it asks for. @internal */
export interface Window {
  readonly offset: number
  readonly limit: number
}

/**
 * A stream of every result of a search, page after page. Each page starts where the results so
 * far end; the stream ends on an empty page, once `count` results came where the answer has a
 * count, or at the `window` the service searches within.
 * @internal
 */
export interface Pages<Args extends ReadonlyArray<unknown>, S extends PageSize, I extends Item> {
  readonly _tag: "Pages"
  /** The stream's options: what the search filters on, and `pageSize`. */
  options(...args: Args): S
  /** The search, given the stream's options and the page's `offset` and `limit`. */
  search(options: S & Window): Request
  readonly items: I
  /** Whether the answer is `{count, results}`, or (`false`) a plain list of results. */
  readonly counted: boolean
  readonly pageSize: number
  readonly window?: number
}

/** Declares a paging stream. @internal */
export const pages = <Args extends ReadonlyArray<unknown>, S extends PageSize, const I extends Item>(
  declaration: Omit<Pages<Args, S, I>, "_tag">
): Pages<Args, S, I> => ({ _tag: "Pages", ...declaration })

/**
 * A missing object of `kind`, named by the operation's first argument. (Variadic, so that the
 * operation's parameters take their names from its request.)
 * @internal
 */
export const missing = (kind: MissingKind) => (...[id]: readonly [id: string, ...ReadonlyArray<unknown>]): Missing => ({
  kind,
  id
})

/**
 * A refusal of a `kind` of object: one of `statuses` (400 unless named).
 * @internal
 */
export const refused = (kind: RefusedKind, statuses: ReadonlyArray<number> = [400]): Refusal => ({ kind, statuses })

/**
 * A tree of declarations: operations and streams, grouped (`detectors.create`).
 * @internal
 */
export interface Declarations {
  readonly [name: string]:
    | Operation<ReadonlyArray<unknown>>
    | Pages<ReadonlyArray<unknown>, PageSize, Item>
    | Declarations
}

/**
 * The tree with each declaration replaced by what `interpret` makes of it. The caller names the
 * type of the result, which a walk over keys cannot show TypeScript.
 * @internal
 */
export const interpretAll = (
  declarations: Declarations,
  interpret: {
    readonly operation: (declaration: Operation<ReadonlyArray<unknown>>) => unknown
    readonly pages: (declaration: Pages<ReadonlyArray<unknown>, PageSize, Item>) => unknown
  }
): unknown =>
  Object.fromEntries(
    Object.entries(declarations).map(([name, declaration]) => [
      name,
      declaration._tag === "Operation"
        ? interpret.operation(declaration)
        : declaration._tag === "Pages"
        ? interpret.pages(declaration)
        : interpretAll(declaration, interpret)
    ])
  )

/**
 * A request's query as the client sends it: `undefined` left out, numbers and booleans as text.
 * @internal
 */
export const queryParams = (request: Request): Params => {
  const params: Record<string, string | ReadonlyArray<string>> = {}
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) {
      params[name] = typeof value === "number" || typeof value === "boolean" ? String(value) : value
    }
  }
  return params
}

/**
 * The call the request client makes for `request` (the `Call` of `internal/http/client.ts`).
 * @internal
 */
export const toCall = (
  request: Request,
  traits: Pick<OperationTraits<ReadonlyArray<unknown>>, "idempotent" | "withoutToken">
) => ({
  method: request.method,
  segments: request.path,
  params: queryParams(request),
  body: request.body,
  idempotent: traits.idempotent,
  withoutToken: traits.withoutToken
})

/** The fields of a failed call (`RestRequestError`'s) that say how the service answered. @internal */
export interface Failed {
  readonly reason: string
  readonly method: string
  readonly path: string
  readonly status?: number | undefined
  readonly serviceMessage?: string | undefined
  readonly description: string
}

const answeredWith = (failed: Failed, statuses: ReadonlyArray<number>): failed is Failed & {
  readonly status: number
} => failed.reason === "StatusCode" && failed.status !== undefined && statuses.includes(failed.status)

/**
 * What a failed call of `operation` with `args` means, when the declaration gives it a meaning of
 * its own: a 404 about the object named (the fields of a `RestNotFoundError`), or a refusal (those
 * of a `RestRejectedError`, with the service's message). Otherwise the failure stays as it is.
 * @internal
 */
export const meaningOf = (
  operation: Operation<ReadonlyArray<unknown>>,
  args: ReadonlyArray<unknown>,
  failed: Failed
):
  | { readonly _tag: "NotFound"; readonly missing: Missing }
  | {
    readonly _tag: "Rejected"
    readonly refusal: {
      readonly kind: RefusedKind
      readonly method: string
      readonly path: string
      readonly status: number
      readonly serviceMessage: string
    }
  }
  | undefined =>
{
  if (operation.notFound !== undefined && answeredWith(failed, [404])) {
    return { _tag: "NotFound", missing: operation.notFound(...args) }
  }
  const rejected = operation.rejected
  if (rejected === undefined || !answeredWith(failed, rejected.statuses)) return undefined
  return {
    _tag: "Rejected",
    refusal: {
      kind: rejected.kind,
      method: failed.method,
      path: failed.path,
      status: failed.status,
      serviceMessage: failed.serviceMessage ?? failed.description
    }
  }
}

/**
 * Why a stream cannot ask for pages of `pageSize`, if it cannot: the fields of the
 * `RestRequestError` (reason `"InvalidRequest"`) it fails with, naming the search's first page.
 * @internal
 */
export const invalidPageSize = (
  pages: Pages<ReadonlyArray<unknown>, PageSize, Item>,
  options: PageSize,
  pageSize: number
): { readonly method: Method; readonly path: string; readonly description: string } | undefined => {
  if (Number.isSafeInteger(pageSize) && pageSize > 0) return undefined
  const { method, path } = pages.search({ ...options, offset: 0, limit: pageSize })
  return { method, path: `/v2/${path.join("/")}`, description: `pageSize must be a positive integer, got ${pageSize}` }
}

/**
 * How many results the page at `offset` asks for: `pageSize`, or fewer at the end of the window.
 * @internal
 */
export const pageLimit = (offset: number, pageSize: number, window: number = Number.POSITIVE_INFINITY): number =>
  Math.min(pageSize, window - offset)

/**
 * Where the next page starts after one of `received` results at `offset`, or `undefined` when
 * the stream ends: on an empty page, once `count` results came, or at the end of the window.
 * @internal
 */
export const nextOffset = (
  offset: number,
  received: number,
  count: number | undefined,
  window: number = Number.POSITIVE_INFINITY
): number | undefined => {
  const next = offset + received
  return received > 0 && (count === undefined || next < count) && next < window ? next : undefined
}
