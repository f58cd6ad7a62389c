/**
 * The local server's ingest API: `POST /v2/datapoint` and `POST /v2/event`, protobuf or JSON
 * (gzip is undone by the body reader, `body.ts`), at most {@link MAX_ITEMS_PER_REQUEST} items a
 * request (413, `batchSize.ts`). A batch is recorded only once it decoded completely, so bad
 * input never changes what was recorded.
 */
import { peerText } from "../peerText.js"
import { setEntry } from "../record.js"
import { category as categoryRule } from "../rules.js"
import * as json from "../wire/json.js"
import * as protobuf from "../wire/protobufDecode.js"
import type { DecodedDatapoint, DecodedEvent } from "../wire/records.js"
import { countItems, MAX_ITEMS_PER_REQUEST } from "./batchSize.js"
import type { Batch, RecordedDatapoint, RecordedEvent } from "./localServer.js"
import type { Route, RouteRequest } from "./router.js"
import { HttpError, ok, orFail } from "./router.js"

const toRecordedEvent = (event: DecodedEvent): RecordedEvent => {
  // The decoders only let the eight enum names through; a miss here is a decoder bug.
  const category = categoryRule.values.find((name) => name === event.category)
  if (category === undefined) throw new HttpError(400, `unknown category ${JSON.stringify(event.category)}`)
  const properties: Record<string, string | number | bigint | boolean> = {}
  const propertyTypes: Record<string, "int" | "double" | "string" | "bool"> = {}
  for (const [key, property] of Object.entries(event.properties)) {
    setEntry(properties, key, property.value)
    setEntry(propertyTypes, key, property.valueType)
  }
  return {
    eventType: event.eventType,
    category,
    ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
    dimensions: event.dimensions,
    properties,
    propertyTypes
  }
}

const mediaType = (header: string | undefined): string | undefined =>
  header?.split(";")[0]?.trim().toLowerCase() || undefined

/** @internal */
export class IngestRecords {
  // Replaced, never mutated, on each batch: an array handed out cannot change under its holder.
  private datapoints: Array<RecordedDatapoint> = []
  private events: Array<RecordedEvent> = []

  /**
   * @param onDatapoints what else learns of accepted datapoints (the metadata, SignalFlow).
   * @param onBatch the user's listener, told before the answer, so that one that throws shows
   * up as a 500 at the sender.
   */
  constructor(
    private readonly onDatapoints: (datapoints: ReadonlyArray<DecodedDatapoint>) => void,
    private readonly onBatch: ((batch: Batch) => void) | undefined
  ) {}

  readonly routes: ReadonlyArray<Route> = [
    { method: "POST", path: "/v2/datapoint", handle: (request) => this.accept("datapoint", request) },
    { method: "POST", path: "/v2/event", handle: (request) => this.accept("event", request) }
  ]

  recordedDatapoints(): ReadonlyArray<RecordedDatapoint> {
    return this.datapoints
  }

  recordedEvents(): ReadonlyArray<RecordedEvent> {
    return this.events
  }

  clear(): void {
    this.datapoints = []
    this.events = []
  }

  private accept(route: "datapoint" | "event", request: RouteRequest) {
    const body = request.bytes()
    const contentType = request.headers["content-type"]
    const type = mediaType(contentType)
    if (type !== "application/x-protobuf" && type !== "application/json") {
      throw new HttpError(415, `unsupported Content-Type ${peerText(JSON.stringify(contentType ?? ""))}`)
    }
    const items = countItems(route, type, body)
    if (items > MAX_ITEMS_PER_REQUEST) {
      throw new HttpError(
        413,
        `the body carries more than the ${MAX_ITEMS_PER_REQUEST} ${route}s a request may carry; send smaller batches`
      )
    }
    const batch = route === "datapoint" ? this.datapointBatch(type, request) : this.eventBatch(type, request)
    this.onBatch?.(batch)
    return ok("OK")
  }

  private datapointBatch(type: string, request: RouteRequest): Batch {
    const decoded = orFail(
      type === "application/json" ? json.decodeDatapoints(request.text()) : protobuf.decodeDatapoints(request.bytes())
    )
    this.onDatapoints(decoded)
    this.datapoints = this.datapoints.concat(decoded)
    return { _tag: "Datapoints", datapoints: decoded }
  }

  private eventBatch(type: string, request: RouteRequest): Batch {
    const decoded = orFail(
      type === "application/json" ? json.decodeEvents(request.text()) : protobuf.decodeEvents(request.bytes())
    ).map(toRecordedEvent)
    this.events = this.events.concat(decoded)
    return { _tag: "Events", events: decoded }
  }
}
