/**
 * What the metadata commands share: the Metadata service for the command's connection, bounded
 * searches over the service's paging streams, the options that change tags and custom
 * properties, and how an object is shown (a table row, or a field per row for `get`).
 */
import * as Args from "@effect/cli/Args"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Metadata from "../../../Metadata.js"
import type { ConnectionArgs } from "../common.js"
import { metadataLayer, resolveConnection } from "../common.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"
import { checkLimit, MAX_LIMIT } from "../limit.js"
import * as Output from "../output.js"

/** The most a stream asks for in one request (the library's default page size). */
const MAX_PAGE_SIZE = 1_000

/**
 * Runs `work` with the Metadata service of the connection the options name.
 * @internal
 */
export const withMetadata = <A, E, R>(
  connection: ConnectionArgs,
  work: (metadata: Metadata.Service) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliError, Exclude<R, Metadata.Metadata>> =>
  Effect.flatMap(
    resolveConnection(connection),
    (resolved) => Effect.flatMap(Metadata.Metadata, work).pipe(Effect.provide(metadataLayer(resolved)))
  )

/** `<query>` of every search. @internal */
export const queryArg = Args.text({ name: "query" }).pipe(
  Args.withDescription("The search, e.g. `sf_metric:cpu.*` or `host:web-1 AND env:prod` (the service's query syntax).")
)

/**
 * The first `limit` results of a search's stream, and whether more match. The stream asks for
 * pages of at most `limit + 1` results, so a small search is one request.
 * @internal
 */
export const boundedSearch = <A, E>(
  search: (options: Metadata.StreamOptions) => Stream.Stream<A, E>,
  query: string,
  limit: number
): Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly more: boolean }, E | CliError, Output.Output> =>
  Effect.gen(function*() {
    yield* checkLimit(limit)
    const output = yield* Output.Output
    yield* output.progress("searching…")
    const found = yield* search({ query, pageSize: Math.min(limit + 1, MAX_PAGE_SIZE) }).pipe(
      Stream.take(limit + 1),
      Stream.runCollect
    )
    const items = Chunk.toReadonlyArray(found)
    return { items: items.slice(0, limit), more: items.length > limit }
  }).pipe(Effect.scoped)

/**
 * Prints a search's results as a table (or JSON), and a note on stderr when more match than
 * were shown, or when nothing matched.
 * @internal
 */
export const printSearch = <A>(
  found: { readonly items: ReadonlyArray<A>; readonly more: boolean },
  what: string,
  columns: ReadonlyArray<readonly [heading: string, cell: (item: A) => string]>,
  json: boolean
): Effect.Effect<void, never, Output.Output> =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (found.items.length === 0 && !json) return yield* output.warn(`no ${what} match the query`)
    yield* output.table(found.items, columns, json)
    if (found.more) {
      yield* output.warn(
        `more ${what} match than the ${found.items.length} shown: raise --limit (at most ${MAX_LIMIT}) or narrow the query`
      )
    }
  })

/** Custom properties as `key=value, …`. @internal */
export const formatProperties = (properties: Readonly<Record<string, string>>): string =>
  Object.entries(properties).map(([key, value]) => `${key}=${value}`).join(", ")

/** Tags as `a, b`. @internal */
export const formatTags = (tags: ReadonlyArray<string>): string => tags.join(", ")

const formatTime = (millis: number | undefined): string =>
  millis === undefined || !Number.isFinite(millis) ? "" : new Date(millis).toISOString()

/** The fields every REST object has: who made and changed it, and when. @internal */
export const systemRows = (
  item: {
    readonly created?: number | undefined
    readonly creator?: string | undefined
    readonly lastUpdated?: number | undefined
    readonly lastUpdatedBy?: string | undefined
  }
): ReadonlyArray<readonly [string, string]> => [
  ["created", `${formatTime(item.created)}${item.creator ? ` by ${item.creator}` : ""}`],
  ["last updated", `${formatTime(item.lastUpdated)}${item.lastUpdatedBy ? ` by ${item.lastUpdatedBy}` : ""}`]
]

/**
 * One object: with `--json` as the library answers it, else a field per row.
 * @internal
 */
export const printObject = (
  item: unknown,
  rows: ReadonlyArray<readonly [field: string, value: string]>,
  json: boolean
): Effect.Effect<void, never, Output.Output> =>
  Effect.flatMap(Output.Output, (output) =>
    json
      ? output.json(item)
      : output.table(rows, [["FIELD", ([field]) => field], ["VALUE", ([, value]) => value]], false))

/** The options that change an object's custom properties. @internal */
export const propertyOptions = {
  property: Options.text("property").pipe(
    Options.withDescription("Set a custom property, key=value; repeat for more."),
    Options.repeated
  ),
  removeProperty: Options.text("remove-property").pipe(
    Options.withDescription("Remove a custom property by its key; repeat for more."),
    Options.repeated
  ),
  description: Options.text("description").pipe(
    Options.withDescription("Set the description."),
    Options.optional
  )
} as const

/** The options that change an object's tags. @internal */
export const tagOptions = {
  tag: Options.text("tag").pipe(
    Options.withDescription("Add a tag; repeat for more."),
    Options.repeated
  ),
  removeTag: Options.text("remove-tag").pipe(
    Options.withDescription("Remove a tag; repeat for more."),
    Options.repeated
  )
} as const

/** What an update changes, from {@link propertyOptions} (and {@link tagOptions}). @internal */
export interface Changes {
  readonly description: Option.Option<string>
  readonly property: ReadonlyArray<string>
  readonly removeProperty: ReadonlyArray<string>
  readonly tag?: ReadonlyArray<string>
  readonly removeTag?: ReadonlyArray<string>
}

/** `key=value` as its parts; a missing `=` or an empty key is a usage mistake naming it. */
const parseProperty = (text: string): Effect.Effect<readonly [string, string], CliError> => {
  const equals = text.indexOf("=")
  return equals <= 0
    ? fail("usage", `--property ${text} is not key=value`)
    : Effect.succeed([text.slice(0, equals), text.slice(equals + 1)])
}

/**
 * The object's custom properties, tags and description with `changes` applied; nothing to
 * change is a usage mistake.
 * @internal
 */
export const applyChanges = (
  current: {
    readonly description?: string | undefined
    readonly customProperties: Readonly<Record<string, string>>
    readonly tags?: ReadonlyArray<string>
  },
  changes: Changes
): Effect.Effect<
  {
    readonly description: string | undefined
    readonly customProperties: Readonly<Record<string, string>>
    readonly tags: ReadonlyArray<string>
  },
  CliError
> =>
  Effect.gen(function*() {
    const added = changes.tag ?? []
    const removed = changes.removeTag ?? []
    if (
      Option.isNone(changes.description) && changes.property.length === 0 && changes.removeProperty.length === 0 &&
      added.length === 0 && removed.length === 0
    ) {
      return yield* fail(
        "usage",
        "nothing to change: give --description, --property or --remove-property (or a tag option)"
      )
    }
    const customProperties: Record<string, string> = { ...current.customProperties }
    for (const key of changes.removeProperty) delete customProperties[key]
    for (const text of changes.property) {
      const [key, value] = yield* parseProperty(text)
      customProperties[key] = value
    }
    const tags = [...(current.tags ?? []).filter((tag) => !removed.includes(tag))]
    for (const tag of added) if (!tags.includes(tag)) tags.push(tag)
    return {
      description: Option.getOrElse(changes.description, () => current.description),
      customProperties,
      tags
    }
  })
