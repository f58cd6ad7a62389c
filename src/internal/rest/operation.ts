/**
 * The interpreter of the REST API's declarations (`rest/api.ts`, `metadata/api.ts`): it turns an
 * operation — how its arguments make a request, what the answer decodes to, which 404 means a
 * missing object and which statuses a refusal — into the service's function over the request
 * client, and a search into a stream of its pages. Retries, encoding and the error family are
 * the client's; the declarations say only what is particular to each call.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { RestNotFoundError, RestRejectedError, RestRequestError } from "../../SignalFxError.js"
import type { Call, Client, Method } from "../http/client.js"

/** A query parameter: left out when `undefined`, repeated for a list, a number or boolean as text. */
type QueryValue = string | number | boolean | ReadonlyArray<string> | undefined

interface PageSize {
  readonly pageSize?: number | undefined
}

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
 * One operation of the API.
 * @internal
 */
export interface Operation<Args extends ReadonlyArray<unknown>, N, J> {
  readonly request: (...args: Args) => Request
  /** The error a 404 means: the object the arguments name does not exist. */
  readonly notFound?: (...args: Args) => N
  /** How the service's refusal of what was sent reads (see {@link rejected}). */
  readonly rejected?: (error: RestRequestError) => J
  /** `false` for a POST that creates: it is retried only on 429, so it never creates twice. */
  readonly idempotent?: false
  /** Sends no token (a login, whose secret travels in the body). */
  readonly withoutToken?: true
}

/**
 * A stream of every result of a search, page after page. Each page starts where the results so
 * far end; the stream ends on an empty page, once `count` results came where the answer has a
 * count, or at the `window` the service searches within.
 * @internal
 */
export interface Pages<Args extends ReadonlyArray<unknown>, S extends PageSize, A, I> {
  /** The stream's options: what the search filters on, and `pageSize`. */
  readonly options: (...args: Args) => S
  /** The search, given the stream's options and the page's `offset` and `limit`. */
  readonly search: (options: S & { readonly offset: number; readonly limit: number }) => Request
  readonly items: Schema.Schema<A, I>
  /** Whether the answer is `{count, results}`, or (`false`) a plain list of results. */
  readonly counted: boolean
  readonly pageSize: number
  readonly window?: number
}

/**
 * A missing object of `kind`, named by the operation's first argument. (Variadic, so that the
 * operation's parameters take their names from its request.)
 * @internal
 */
export const notFound =
  (kind: RestNotFoundError["kind"]) => (...[id]: readonly [id: string, ...ReadonlyArray<unknown>]): RestNotFoundError =>
    new RestNotFoundError({ kind, id })

const answered = (error: RestRequestError, statuses: ReadonlyArray<number>): error is RestRequestError & {
  readonly status: number
} => error.reason === "StatusCode" && error.status !== undefined && statuses.includes(error.status)

/**
 * A refusal of a `kind` of object: one of `statuses` (400 unless named), with the service's message.
 * @internal
 */
export const rejected =
  (kind: RestRejectedError["kind"], statuses: ReadonlyArray<number> = [400]) =>
  (error: RestRequestError): RestRejectedError | RestRequestError =>
    answered(error, statuses)
      ? new RestRejectedError({
        kind,
        method: error.method,
        path: error.path,
        status: error.status,
        serviceMessage: error.serviceMessage ?? error.description
      })
      : error

const toCall = (request: Request, operation: Omit<Operation<never, unknown, unknown>, "request">): Call => {
  const params: Record<string, string | ReadonlyArray<string>> = {}
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) {
      params[name] = typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : value
    }
  }
  return {
    method: request.method,
    segments: request.path,
    params,
    body: request.body,
    idempotent: operation.idempotent,
    withoutToken: operation.withoutToken
  }
}

/**
 * The functions of the declarations over one client.
 * @internal
 */
export const interpreter = (client: Client) => {
  const failure =
    <Args extends ReadonlyArray<unknown>, N, J>(operation: Operation<Args, N, J>, args: Args) =>
    (error: RestRequestError): RestRequestError | N | J =>
      operation.notFound !== undefined && answered(error, [404])
        ? operation.notFound(...args)
        : operation.rejected === undefined
        ? error
        : operation.rejected(error)

  /** An operation whose answer decodes with `answer`, or (without one) has no body. */
  function operation<Args extends ReadonlyArray<unknown>, A, I, N = never, J = never>(
    declaration: Operation<Args, N, J> & { readonly answer: Schema.Schema<A, I> }
  ): (...args: Args) => Effect.Effect<A, RestRequestError | N | J>
  function operation<Args extends ReadonlyArray<unknown>, N = never, J = never>(
    declaration: Operation<Args, N, J>
  ): (...args: Args) => Effect.Effect<void, RestRequestError | N | J>
  function operation<Args extends ReadonlyArray<unknown>, A, I, N, J>(
    declaration: Operation<Args, N, J> & { readonly answer?: Schema.Schema<A, I> }
  ): (...args: Args) => Effect.Effect<A | void, RestRequestError | N | J> {
    return (...args) => {
      const call = toCall(declaration.request(...args), declaration)
      const answer = declaration.answer === undefined ? client.empty(call) : client.json(call, declaration.answer)
      return Effect.mapError(answer, failure(declaration, args))
    }
  }

  const pages = <Args extends ReadonlyArray<unknown>, S extends PageSize, A, I>(declaration: Pages<Args, S, A, I>) => {
    const counted = Schema.Struct({ count: Schema.Number, results: Schema.Array(declaration.items) })
    const listed = Schema.Array(declaration.items)
    const window = declaration.window ?? Number.POSITIVE_INFINITY
    return (...args: Args): Stream.Stream<A, RestRequestError> => {
      const options = declaration.options(...args)
      const pageSize = options.pageSize ?? declaration.pageSize
      const page = (offset: number, limit: number): Effect.Effect<{
        readonly count: number | undefined
        readonly results: ReadonlyArray<A>
      }, RestRequestError> => {
        const call = toCall(declaration.search({ ...options, offset, limit }), {})
        return declaration.counted
          ? client.json(call, counted)
          : Effect.map(client.json(call, listed), (results) => ({ results, count: undefined }))
      }
      if (!Number.isSafeInteger(pageSize) || pageSize <= 0) {
        const { method, path } = declaration.search({ ...options, offset: 0, limit: pageSize })
        return Stream.fail(
          new RestRequestError({
            reason: "InvalidRequest",
            method,
            path: `/v2/${path.join("/")}`,
            description: `pageSize must be a positive integer, got ${pageSize}`
          })
        )
      }
      return Stream.paginateChunkEffect(
        0,
        (offset) =>
          page(offset, Math.min(pageSize, window - offset)).pipe(Effect.map(({ count, results }) => {
            const next = offset + results.length
            const more = results.length > 0 && (count === undefined || next < count) && next < window
            return [Chunk.fromIterable(results), more ? Option.some(next) : Option.none()] as const
          }))
      )
    }
  }

  /** The most common operation: read the object of `kind` whose id (or name) is the argument. */
  const get = <A, I>(collection: string, kind: RestNotFoundError["kind"], answer: Schema.Schema<A, I>) =>
    operation({
      request: (id: string) => ({ method: "GET", path: [collection, id] }),
      answer,
      notFound: notFound(kind)
    })

  return { operation, pages, get }
}

/**
 * `schema`, its type named by the public interface `A` (`Metric` rather than its fields), so
 * that the operations' types read as the service's documentation does.
 * @internal
 */
export const typedAs = <A>() => <I>(schema: Schema.Schema<A, I>): Schema.Schema<A, I> => schema
