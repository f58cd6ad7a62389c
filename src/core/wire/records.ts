import type * as Datapoint from "../datapoint.js"

/**
 * What a decoder reads off the wire: one record per datapoint or event, keeping the wire's own
 * distinctions (int or double, the enum names) that the caller-side types smooth over.
 */

/** @internal */
export type WireMetricType = "gauge" | "counter" | "cumulative_counter" | "enum"

/** @internal */
export type ValueType = "int" | "double" | "string"

/** @internal */
export interface DecodedDatapoint {
  readonly metric: string
  readonly type: WireMetricType
  /** An int64 beyond 2^53 stays exact as a `bigint`. */
  readonly value: number | bigint | string
  readonly valueType: ValueType
  readonly timestamp?: number
  readonly dimensions: Readonly<Record<string, string>>
}

/** @internal */
export type PropertyValueType = "int" | "double" | "string" | "bool"

/** @internal */
export interface DecodedProperty {
  readonly valueType: PropertyValueType
  readonly value: number | bigint | string | boolean
}

/** @internal */
export interface DecodedEvent {
  readonly eventType: string
  readonly category: string
  readonly timestamp?: number
  readonly dimensions: Readonly<Record<string, string>>
  readonly properties: Readonly<Record<string, DecodedProperty>>
}

/**
 * A body that does not decode. The local server answers it with 400, as the service does.
 * @internal
 */
export class WireDecodeError extends Error {
  readonly _tag = "WireDecodeError"
  constructor(message: string) {
    super(message)
    this.name = "WireDecodeError"
  }
}

/**
 * A decoder's result: the records, or why the body does not decode.
 * @internal
 */
export type Decoded<A> = { readonly ok: true; readonly value: A } | {
  readonly ok: false
  readonly error: WireDecodeError
}

/**
 * Items sharing one set of global dimensions: the unit the batcher queues.
 * @internal
 */
export interface EncodeSegment<A> {
  readonly items: ReadonlyArray<A>
  readonly globals?: Datapoint.Dimensions | undefined
}

/** @internal */
export const metricTypeNumbers = {
  gauge: 0,
  counter: 1,
  enum: 2,
  cumulative_counter: 3
} as const satisfies Record<WireMetricType, number>

/** @internal */
export const metricTypeByNumber: ReadonlyArray<WireMetricType> = ["gauge", "counter", "enum", "cumulative_counter"]

/** @internal */
export const eventCategoryNumbers = {
  USER_DEFINED: 1000000,
  ALERT: 100000,
  AUDIT: 200000,
  JOB: 300000,
  COLLECTD: 400000,
  SERVICE_DISCOVERY: 500000,
  EXCEPTION: 700000,
  AGENT: 2000000
} as const

/** @internal */
export const eventCategoryByNumber: ReadonlyMap<number, string> = new Map(
  Object.entries(eventCategoryNumbers).map(([name, number]) => [number, name])
)

/**
 * Integers beyond the safe range come back as `bigint` so that they stay exact.
 * @internal
 */
export const int64FromDecimal = (decimal: string): number | bigint => {
  const asNumber = Number(decimal)
  return Number.isSafeInteger(asNumber) ? asNumber : BigInt(decimal)
}

/**
 * The wire rule for numbers, the same as the official Node.js client's: an integral number that
 * fits an int64 is an integer, any other number a double.
 * @internal
 */
export const isInt64Number = (value: number): boolean =>
  Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63
