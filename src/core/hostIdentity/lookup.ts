/**
 * What a metadata lookup reads and how it can end without an id, for both Effect majors: the
 * answers of a metadata server, the three kinds of failure, and the checks every cloud's id
 * goes through. Each package sends the requests (`internal/hostIdentity/http.ts`) and sequences
 * them; what an answer means is decided here.
 */
import type { Verdict } from "../http/status.js"
import { isRetryable } from "../http/status.js"
import { peerText } from "../peerText.js"
import { dimensionValue } from "../rules.js"

/**
 * No answer: the connection failed or nothing came back in time. Outside a cloud this is the
 * usual outcome; it is the only failure `retries` tries again.
 * @internal
 */
export interface Unreachable {
  readonly _tag: "Unreachable"
  readonly reason: string
  readonly timedOut: boolean
}

/**
 * An answer that says this is not the cloud asked about: a 404, another cloud's metadata
 * server at the same address, a GCP answer without the `Metadata-Flavor` echo.
 * @internal
 */
export interface NotThere {
  readonly _tag: "NotThere"
  readonly reason: string
}

/**
 * An answer from what looks like the right metadata server that cannot be used: a document
 * without its fields, an id that is not a dimension value. Worth a warning.
 * @internal
 */
export interface Unusable {
  readonly _tag: "Unusable"
  readonly reason: string
}

/** @internal */
export type LookupFailure = Unreachable | NotThere | Unusable

/** @internal */
export const unreachable = (reason: string, timedOut: boolean): Unreachable => ({
  _tag: "Unreachable",
  reason,
  timedOut
})

/** @internal */
export const notThere = (reason: string): NotThere => ({ _tag: "NotThere", reason })

/** @internal */
export const unusable = (reason: string): Unusable => ({ _tag: "Unusable", reason })

/** What reading an answer gives: a value, or why there is none. @internal */
export type Read<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly failure: LookupFailure }

/** @internal */
export const found = <A>(value: A): Read<A> => ({ ok: true, value })

/** @internal */
export const failed = (failure: LookupFailure): Read<never> => ({ ok: false, failure })

/** One request to a metadata server. @internal */
export interface MetadataRequest {
  readonly method: "GET" | "PUT"
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

/** A metadata server's answer, whatever its status. @internal */
export interface Answer {
  readonly url: string
  readonly status: number
  /** What the status says, as every service reads it. */
  readonly verdict: Verdict
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** At most {@link MAX_BODY_BYTES} of it. */
  readonly body: string
}

/** Identity documents are well under 10 KiB; a larger body is not one. @internal */
export const MAX_BODY_BYTES = 64 * 1024

/** The IMDSv2 session token travels in this header; it is never logged. @internal */
export const AWS_TOKEN_HEADER = "x-aws-ec2-metadata-token"

/**
 * `path` appended to the base URL's own path, so that an endpoint with a path (the ECS metadata
 * URI always has one, a proxy may) keeps it.
 * @internal
 */
export const join = (base: URL, path: string): string => `${base.href.replace(/\/+$/, "")}${path}`

/** @internal */
export const isSuccess = (answer: Answer): boolean => answer.verdict === "ok"

/**
 * The failure for an answer that is not a success: a server in trouble (5xx, 408, 429) is
 * retried like no answer at all; anything else says this is not the cloud asked about.
 * @internal
 */
export const unsuccessful = (answer: Answer, method: "GET" | "PUT" = "GET"): Unreachable | NotThere =>
  isRetryable(answer.verdict)
    ? unreachable(`${method} ${answer.url}: answered ${answer.status}`, false)
    : notThere(`${method} ${answer.url}: answered ${answer.status}`)

/**
 * An id becomes a dimension value, so it must be one.
 * @internal
 */
export const asDimensionValue = (id: string, source: string): Read<string> => {
  const problem = dimensionValue.check(id)
  return problem === undefined ? found(id) : failed(unusable(`the id made of ${source} is not usable: ${problem}`))
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * A JSON document's string fields, read one by one: each read gives the field trimmed (or `""`
 * when it cannot), and the first problem met is kept, as `path.field: what`, for the caller to
 * check once after reading them all.
 * @internal
 */
export class JsonFields {
  /** The first problem met, if any. */
  problem: string | undefined = undefined
  private readonly object: Readonly<Record<string, unknown>>

  /** The object at `path` (`["compute"]`) of the JSON `body`. */
  constructor(body: string, private readonly path: ReadonlyArray<string> = []) {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      json = undefined
      this.problem = "the body is not JSON"
    }
    for (const [index, key] of path.entries()) {
      if (!isObject(json)) break
      json = json[key]
      if (json === undefined) this.note(`${path.slice(0, index + 1).join(".")}: is missing`)
    }
    if (!isObject(json)) {
      this.note(`${path.length === 0 ? "the body" : path.join(".")}: is not a JSON object`)
      this.object = {}
    } else {
      this.object = json
    }
  }

  /** A string that must be there and not blank. */
  required(key: string): string {
    const value = this.optional(key)
    if (value === undefined) this.note(`${this.at(key)}: is missing`)
    else if (value === "") this.note(`${this.at(key)}: must not be empty`)
    return value ?? ""
  }

  /** A string that may be absent. */
  optional(key: string): string | undefined {
    const value = this.object[key]
    if (value === undefined || typeof value === "string") return value?.trim()
    this.note(`${this.at(key)}: must be a string`)
    return ""
  }

  private at(key: string): string {
    return [...this.path, key].join(".")
  }

  private note(problem: string): void {
    this.problem ??= problem
  }
}

/** A peer's value quoted in a reason: one line, bounded. @internal */
export const quoted = (text: string): string => peerText(text)
