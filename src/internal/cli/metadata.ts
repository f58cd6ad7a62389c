/**
 * `effect-signalfx metrics | dimensions | timeseries | tags`: search and read the metadata
 * SignalFx keeps, change the tags and custom properties of metrics, dimensions and tags, and
 * delete tags, through the library's Metadata service. A missing object fails with the library's
 * `RestNotFoundError` (exit code 4), a refused token with exit code 3, as `exit.ts` classifies
 * them.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import type * as Metadata from "../../Metadata.js"
import { connectionOptions } from "./common.js"
import { describe } from "./help.js"
import { limitOption } from "./limit.js"
import {
  applyChanges,
  boundedSearch,
  formatProperties,
  formatTags,
  printObject,
  printSearch,
  propertyOptions,
  queryArg,
  systemRows,
  tagOptions,
  withMetadata
} from "./metadata/shared.js"
import * as Output from "./output.js"
import { jsonOption } from "./output.js"

const searchOptions = { ...connectionOptions, json: jsonOption, limit: limitOption } as const
const getOptions = { ...connectionOptions, json: jsonOption } as const
const updateOptions = { ...connectionOptions, json: jsonOption, ...propertyOptions, ...tagOptions } as const

// Metrics

const metricColumns: ReadonlyArray<readonly [string, (metric: Metadata.Metric) => string]> = [
  ["NAME", (metric) => metric.name],
  ["TYPE", (metric) => metric.type ?? ""],
  ["DESCRIPTION", (metric) => metric.description ?? ""],
  ["TAGS", (metric) => formatTags(metric.tags)],
  ["PROPERTIES", (metric) => formatProperties(metric.customProperties)]
]

const metricRows = (metric: Metadata.Metric): ReadonlyArray<readonly [string, string]> => [
  ["name", metric.name],
  ["type", metric.type ?? ""],
  ["description", metric.description ?? ""],
  ["tags", formatTags(metric.tags)],
  ["custom properties", formatProperties(metric.customProperties)],
  ...systemRows(metric)
]

const metricName = Args.text({ name: "name" }).pipe(Args.withDescription("The metric's name."))

const metricsSearch = Command.make(
  "search",
  { ...searchOptions, query: queryArg },
  (args) =>
    withMetadata(args, (metadata) => boundedSearch(metadata.streamMetrics, args.query, args.limit)).pipe(
      Effect.flatMap((found) => printSearch(found, "metrics", metricColumns, args.json))
    )
).pipe(Command.withDescription(describe(
  "The metrics matching a query: name, type, description, tags and custom properties.",
  [
    ["every metric whose name starts with cpu.", "effect-signalfx metrics search 'sf_metric:cpu.*'"],
    [
      "the first 10 metrics tagged critical, as JSON",
      "effect-signalfx metrics search 'tags:critical' --limit 10 --json"
    ]
  ]
)))

const metricsGet = Command.make(
  "get",
  { ...getOptions, name: metricName },
  (args) =>
    withMetadata(args, (metadata) => metadata.getMetric(args.name)).pipe(
      Effect.flatMap((metric) => printObject(metric, metricRows(metric), args.json))
    )
).pipe(Command.withDescription(describe(
  "One metric's metadata. A metric that does not exist exits with code 4.",
  [
    ["a metric", "effect-signalfx metrics get cpu.utilization"],
    ["its tags, with jq", "effect-signalfx metrics get cpu.utilization --json | jq .tags"]
  ]
)))

const metricsUpdate = Command.make(
  "update",
  { ...updateOptions, name: metricName },
  (args) =>
    withMetadata(args, (metadata) =>
      Effect.gen(function*() {
        const metric = yield* metadata.getMetric(args.name)
        const changed = yield* applyChanges(metric, args)
        return yield* metadata.updateMetric(args.name, { ...metric, ...changed })
      })).pipe(Effect.flatMap((metric) => printObject(metric, metricRows(metric), args.json)))
).pipe(Command.withDescription(describe(
  "Changes a metric's description, custom properties and tags, keeping what is not named: it reads the metric, changes it and writes it back. Prints the metric as stored.",
  [
    [
      "tag a metric and give it an owner",
      "effect-signalfx metrics update cpu.utilization --tag critical --property owner=sre"
    ],
    [
      "remove a tag and a property",
      "effect-signalfx metrics update cpu.utilization --remove-tag critical --remove-property owner"
    ]
  ]
)))

/** @internal */
export const metricsCommand = Command.make("metrics").pipe(
  Command.withDescription(describe(
    "Search, read and tag metrics. Their metadata is made by the datapoints sent; tags and custom properties are yours.",
    [
      ["search metrics", "effect-signalfx metrics search 'sf_metric:cpu.*'"],
      ["read one", "effect-signalfx metrics get cpu.utilization"],
      ["tag one", "effect-signalfx metrics update cpu.utilization --tag critical"]
    ]
  )),
  Command.withSubcommands([metricsSearch, metricsGet, metricsUpdate])
)

// Dimensions

const dimensionColumns: ReadonlyArray<readonly [string, (dimension: Metadata.Dimension) => string]> = [
  ["KEY", (dimension) => dimension.key],
  ["VALUE", (dimension) => dimension.value],
  ["DESCRIPTION", (dimension) => dimension.description ?? ""],
  ["TAGS", (dimension) => formatTags(dimension.tags)],
  ["PROPERTIES", (dimension) => formatProperties(dimension.customProperties)]
]

const dimensionRows = (dimension: Metadata.Dimension): ReadonlyArray<readonly [string, string]> => [
  ["key", dimension.key],
  ["value", dimension.value],
  ["description", dimension.description ?? ""],
  ["tags", formatTags(dimension.tags)],
  ["custom properties", formatProperties(dimension.customProperties)],
  ...systemRows(dimension)
]

const dimensionKey = Args.text({ name: "key" }).pipe(Args.withDescription("The dimension's key, e.g. host."))
const dimensionValue = Args.text({ name: "value" }).pipe(Args.withDescription("The dimension's value, e.g. web-1."))

const dimensionsSearch = Command.make(
  "search",
  { ...searchOptions, query: queryArg },
  (args) =>
    withMetadata(args, (metadata) => boundedSearch(metadata.streamDimensions, args.query, args.limit)).pipe(
      Effect.flatMap((found) => printSearch(found, "dimensions", dimensionColumns, args.json))
    )
).pipe(Command.withDescription(describe(
  "The dimensions (key:value pairs) matching a query: key, value, description, tags and custom properties.",
  [
    ["every host", "effect-signalfx dimensions search 'key:host'"],
    ["the production hosts, as JSON", "effect-signalfx dimensions search 'key:host AND env:prod' --json"]
  ]
)))

const dimensionsGet = Command.make(
  "get",
  { ...getOptions, key: dimensionKey, value: dimensionValue },
  (args) =>
    withMetadata(args, (metadata) => metadata.getDimension(args.key, args.value)).pipe(
      Effect.flatMap((dimension) => printObject(dimension, dimensionRows(dimension), args.json))
    )
).pipe(Command.withDescription(describe(
  "One dimension's metadata. A dimension that does not exist exits with code 4.",
  [["the dimension host:web-1", "effect-signalfx dimensions get host web-1"]]
)))

const dimensionsUpdate = Command.make(
  "update",
  { ...updateOptions, key: dimensionKey, value: dimensionValue },
  (args) =>
    withMetadata(args, (metadata) =>
      Effect.gen(function*() {
        const dimension = yield* metadata.getDimension(args.key, args.value)
        const changed = yield* applyChanges(dimension, args)
        return yield* metadata.updateDimension(args.key, args.value, { ...dimension, ...changed })
      })).pipe(Effect.flatMap((dimension) => printObject(dimension, dimensionRows(dimension), args.json)))
).pipe(Command.withDescription(describe(
  "Changes a dimension's description, custom properties and tags, keeping what is not named: it reads the dimension, changes it and writes it back. Prints the dimension as stored.",
  [
    ["give a host a role and a tag", "effect-signalfx dimensions update host web-1 --property role=db --tag critical"],
    ["take them away", "effect-signalfx dimensions update host web-1 --remove-property role --remove-tag critical"]
  ]
)))

/** @internal */
export const dimensionsCommand = Command.make("dimensions").pipe(
  Command.withDescription(describe(
    "Search, read and tag dimensions: the key:value pairs datapoints carry (host:web-1).",
    [
      ["every value of host", "effect-signalfx dimensions search 'key:host'"],
      ["read one", "effect-signalfx dimensions get host web-1"],
      ["tag one", "effect-signalfx dimensions update host web-1 --tag critical"]
    ]
  )),
  Command.withSubcommands([dimensionsSearch, dimensionsGet, dimensionsUpdate])
)

// Metric time series

const formatDimensions = (dimensions: Readonly<Record<string, string>>): string =>
  Object.entries(dimensions).map(([key, value]) => `${key}:${value}`).join(", ")

const timeSeriesColumns: ReadonlyArray<readonly [string, (series: Metadata.MetricTimeSeries) => string]> = [
  ["ID", (series) => series.id],
  ["METRIC", (series) => series.metric],
  ["TYPE", (series) => series.type ?? ""],
  ["DIMENSIONS", (series) => formatDimensions(series.dimensions)],
  ["TAGS", (series) => formatTags(series.tags)]
]

const timeSeriesRows = (series: Metadata.MetricTimeSeries): ReadonlyArray<readonly [string, string]> => [
  ["id", series.id],
  ["metric", series.metric],
  ["type", series.type ?? ""],
  ["dimensions", formatDimensions(series.dimensions)],
  ["tags", formatTags(series.tags)],
  ["custom properties", formatProperties(series.customProperties)],
  ...systemRows(series)
]

const timeSeriesSearch = Command.make(
  "search",
  { ...searchOptions, query: queryArg },
  (args) =>
    withMetadata(args, (metadata) => boundedSearch(metadata.streamMetricTimeSeries, args.query, args.limit)).pipe(
      Effect.flatMap((found) => printSearch(found, "time series", timeSeriesColumns, args.json))
    )
).pipe(Command.withDescription(describe(
  "The metric time series matching a query: id, metric, type, dimensions and tags. A dimension is a field of the query.",
  [
    [
      "the time series of a metric on one host",
      "effect-signalfx timeseries search 'sf_metric:cpu.utilization AND host:web-1'"
    ],
    ["their ids, with jq", "effect-signalfx timeseries search 'sf_metric:cpu.utilization' --json | jq -r '.[].id'"]
  ]
)))

const timeSeriesGet = Command.make(
  "get",
  { ...getOptions, id: Args.text({ name: "id" }).pipe(Args.withDescription("The time series' id.")) },
  (args) =>
    withMetadata(args, (metadata) => metadata.getMetricTimeSeries(args.id)).pipe(
      Effect.flatMap((series) => printObject(series, timeSeriesRows(series), args.json))
    )
).pipe(Command.withDescription(describe(
  "One metric time series. One that does not exist exits with code 4.",
  [["a time series by its id", "effect-signalfx timeseries get AAAAAKgqlWo"]]
)))

/** @internal */
export const timeSeriesCommand = Command.make("timeseries").pipe(
  Command.withDescription(describe(
    "Search and read metric time series: one per metric and set of dimensions sent. They are made by the datapoints sent and are read-only.",
    [
      ["the time series of a metric", "effect-signalfx timeseries search 'sf_metric:cpu.utilization'"],
      ["read one", "effect-signalfx timeseries get AAAAAKgqlWo"]
    ]
  )),
  Command.withSubcommands([timeSeriesSearch, timeSeriesGet])
)

// Tags

const tagColumns: ReadonlyArray<readonly [string, (tag: Metadata.Tag) => string]> = [
  ["NAME", (tag) => tag.name],
  ["DESCRIPTION", (tag) => tag.description ?? ""],
  ["PROPERTIES", (tag) => formatProperties(tag.customProperties)]
]

const tagRows = (tag: Metadata.Tag): ReadonlyArray<readonly [string, string]> => [
  ["name", tag.name],
  ["description", tag.description ?? ""],
  ["custom properties", formatProperties(tag.customProperties)],
  ...systemRows(tag)
]

const tagName = Args.text({ name: "name" }).pipe(Args.withDescription("The tag's name."))

const tagsSearch = Command.make(
  "search",
  { ...searchOptions, query: queryArg },
  (args) =>
    withMetadata(args, (metadata) => boundedSearch(metadata.streamTags, args.query, args.limit)).pipe(
      Effect.flatMap((found) => printSearch(found, "tags", tagColumns, args.json))
    )
).pipe(Command.withDescription(describe(
  "The tags matching a query: name, description and custom properties.",
  [["the tags of the teams", "effect-signalfx tags search 'name:team-*'"]]
)))

const tagsGet = Command.make(
  "get",
  { ...getOptions, name: tagName },
  (args) =>
    withMetadata(args, (metadata) => metadata.getTag(args.name)).pipe(
      Effect.flatMap((tag) => printObject(tag, tagRows(tag), args.json))
    )
).pipe(Command.withDescription(describe(
  "One tag's metadata. A tag that does not exist exits with code 4.",
  [["a tag", "effect-signalfx tags get critical"]]
)))

const tagsUpdate = Command.make(
  "update",
  { ...connectionOptions, json: jsonOption, ...propertyOptions, name: tagName },
  (args) =>
    withMetadata(args, (metadata) =>
      Effect.gen(function*() {
        // A tag that does not exist yet is created: the service's PUT creates or replaces.
        const current = yield* metadata.getTag(args.name).pipe(
          Effect.catchTag("RestNotFoundError", () => Effect.succeed({ customProperties: {} })),
          Effect.map((tag) => ({ ...tag, name: args.name }))
        )
        const changed = yield* applyChanges(current, args)
        return yield* metadata.updateTag(args.name, {
          ...current,
          description: changed.description,
          customProperties: changed.customProperties
        })
      })).pipe(Effect.flatMap((tag) => printObject(tag, tagRows(tag), args.json)))
).pipe(Command.withDescription(describe(
  "Creates a tag, or changes its description and custom properties, keeping what is not named. Prints the tag as stored.",
  [
    ["describe a tag", "effect-signalfx tags update critical --description 'pages the on-call engineer'"],
    ["set and remove properties", "effect-signalfx tags update critical --property team=sre --remove-property owner"]
  ]
)))

const tagsDelete = Command.make(
  "delete",
  { ...connectionOptions, name: tagName },
  (args) =>
    withMetadata(args, (metadata) => metadata.deleteTag(args.name)).pipe(
      Effect.zipRight(Effect.flatMap(Output.Output, (output) => output.line(`Deleted the tag ${args.name}.`)))
    )
).pipe(Command.withDescription(describe(
  "Deletes a tag. A tag that does not exist exits with code 4.",
  [["delete a tag", "effect-signalfx tags delete critical"]]
)))

/** @internal */
export const tagsCommand = Command.make("tags").pipe(
  Command.withDescription(describe(
    "Search, read, create, change and delete tags. A tag is put on metrics and dimensions with their update commands.",
    [
      ["search tags", "effect-signalfx tags search 'name:team-*'"],
      ["create or change one", "effect-signalfx tags update critical --description 'pages the on-call engineer'"],
      ["delete one", "effect-signalfx tags delete critical"]
    ]
  )),
  Command.withSubcommands([tagsSearch, tagsGet, tagsUpdate, tagsDelete])
)
