/**
 * The interpreter of the REST API's declarations (`core/rest/metadataApi.ts`,
 * `core/rest/restApi.ts`): it turns each operation — how its arguments make a request, which
 * schema its answer decodes with, which 404 means a missing object and which statuses a refusal —
 * into the service's function over the request client, and each search into a stream of its
 * pages. Retries, encoding and the error family are the client's; the declarations say only what
 * is particular to each call.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Answer, Declarations, Item, Operation, Page, Pages, Request } from "../../core/rest/declaration.js"
import { interpretAll, invalidPageSize, meaningOf, nextOffset, pageLimit, toCall } from "../../core/rest/declaration.js"
import type * as Metadata from "../../Metadata.js"
import type * as Rest from "../../Rest.js"
import { RestNotFoundError, RestRejectedError, RestRequestError } from "../../SignalFxError.js"
import type { Client } from "../http/client.js"
import * as metadataSchema from "../metadata/schema.js"
import * as restSchema from "./schema.js"

/**
 * `schema`, its type named by the public interface `A` (`Metric` rather than its fields), so
 * that the operations' types read as the service's documentation does.
 */
const typedAs = <A>() => <E>(schema: Schema.Codec<A, E>): Schema.Codec<A, E> => schema

/**
 * The schema of each object the declarations name.
 * @internal
 */
export const schemas = {
  Metric: typedAs<Metadata.Metric>()(metadataSchema.Metric),
  Dimension: typedAs<Metadata.Dimension>()(metadataSchema.Dimension),
  MetricTimeSeries: typedAs<Metadata.MetricTimeSeries>()(metadataSchema.MetricTimeSeries),
  Tag: typedAs<Metadata.Tag>()(metadataSchema.Tag),
  Organization: typedAs<Rest.Organization>()(restSchema.Organization),
  Chart: typedAs<Rest.Chart>()(restSchema.Chart),
  Dashboard: typedAs<Rest.Dashboard>()(restSchema.Dashboard),
  DashboardGroup: typedAs<Rest.DashboardGroup>()(restSchema.DashboardGroup),
  Detector: typedAs<Rest.Detector>()(restSchema.Detector),
  DetectorEvent: typedAs<Rest.DetectorEvent>()(restSchema.DetectorEvent),
  Incident: typedAs<Rest.Incident>()(restSchema.Incident),
  DataLink: typedAs<Rest.DataLink>()(restSchema.DataLink),
  Session: typedAs<Rest.Session>()(restSchema.Session)
} satisfies { readonly [I in Item]: Schema.Codec<unknown, unknown> }

/**
 * The type of each object the declarations name.
 * @internal
 */
export type Types = { readonly [I in Item]: (typeof schemas)[I]["Type"] }

type Answered<A, T extends { readonly [I in Item]: unknown }> = A extends Answer<"one", infer I> ? T[I]
  : A extends Answer<"page", infer I> ? Page<T[I]>
  : A extends Answer<"list", infer I> ? ReadonlyArray<T[I]>
  : void

/**
 * What one declaration is to the service: an operation a function answering an effect (failing
 * with a `RestNotFoundError` where it names a missing object, a `RestRejectedError` where it
 * names a refusal), a search's pages a function answering a stream, a group a group of them.
 * (The errors are written out rather than named by an alias, so that the service's type reads
 * as plain function types.)
 */
type Interpret<O, T extends { readonly [I in Item]: unknown }> = O extends
  { readonly _tag: "Operation"; request(...args: infer Args): Request } ? (...args: Args) => Effect.Effect<
    O extends { readonly answer: infer A } ? Answered<A, T> : void,
    | RestRequestError
    | (O extends { readonly notFound: unknown } ? RestNotFoundError : never)
    | (O extends { readonly rejected: unknown } ? RestRejectedError : never)
  >
  : O extends { readonly _tag: "Pages"; options(...args: infer Args): unknown; readonly items: infer I extends Item }
    ? (...args: Args) => Stream.Stream<T[I], RestRequestError>
  : { readonly [K in keyof O]: Interpret<O[K], T> }

/**
 * The declarations as the service's functions (see {@link Interpret}).
 * @internal
 */
export type Interpreted<D, T extends { readonly [I in Item]: unknown } = Types> = {
  readonly [K in keyof D]: Interpret<D[K], T>
}

const pageOf = (item: Schema.Codec<unknown, unknown>) =>
  Schema.Struct({ count: Schema.Number, results: Schema.Array(item) })

/** The schema an answer decodes with. */
const decoding = (answer: Answer): Schema.Codec<unknown, unknown> => {
  const item: Schema.Codec<unknown, unknown> = schemas[answer.item]
  return answer.form === "one" ? item : answer.form === "page" ? pageOf(item) : Schema.Array(item)
}

/**
 * The service's functions of `declarations` over one client.
 * @internal
 */
export const interpret = <D extends Declarations>(client: Client, declarations: D): Interpreted<D> => {
  const failure = (operation: Operation<ReadonlyArray<unknown>>, args: ReadonlyArray<unknown>) =>
  (
    error: RestRequestError
  ): RestRequestError | RestNotFoundError | RestRejectedError => {
    const meaning = meaningOf(operation, args, error)
    return meaning === undefined
      ? error
      : meaning._tag === "NotFound"
      ? new RestNotFoundError(meaning.missing)
      : new RestRejectedError(meaning.refusal)
  }

  const operation = (declaration: Operation<ReadonlyArray<unknown>>) => (...args: ReadonlyArray<unknown>) => {
    const call = toCall(declaration.request(...args), declaration)
    const answer: Effect.Effect<unknown, RestRequestError> = declaration.answer === undefined
      ? client.empty(call)
      : client.json(call, decoding(declaration.answer))
    return Effect.mapError(answer, failure(declaration, args))
  }

  const pages = (declaration: Pages<ReadonlyArray<unknown>, { readonly pageSize?: number | undefined }, Item>) => {
    const items: Schema.Codec<unknown, unknown> = schemas[declaration.items]
    const counted = pageOf(items)
    const listed = Schema.Array(items)
    return (...args: ReadonlyArray<unknown>): Stream.Stream<unknown, RestRequestError> => {
      const options = declaration.options(...args)
      const pageSize = options.pageSize ?? declaration.pageSize
      const page = (offset: number, limit: number): Effect.Effect<{
        readonly count: number | undefined
        readonly results: ReadonlyArray<unknown>
      }, RestRequestError> => {
        const call = toCall(declaration.search({ ...options, offset, limit }), {})
        return declaration.counted
          ? client.json(call, counted)
          : Effect.map(client.json(call, listed), (results) => ({ results, count: undefined }))
      }
      const invalid = invalidPageSize(declaration, options, pageSize)
      if (invalid !== undefined) return Stream.fail(new RestRequestError({ reason: "InvalidRequest", ...invalid }))
      return Stream.paginate(
        0,
        (offset) =>
          Effect.map(page(offset, pageLimit(offset, pageSize, declaration.window)), ({ count, results }) =>
            [
              results,
              Option.fromUndefinedOr(nextOffset(offset, results.length, count, declaration.window))
            ] as const)
      )
    }
  }

  // The one cast of the interpreter: the walk builds, for each declaration, the function that
  // `Interpreted` names, which TypeScript cannot follow through the walk over the table's keys.
  return interpretAll(declarations, { operation, pages }) as Interpreted<D>
}
