/**
 * The server-sent-events transport's Effect-free part: how a request is spelled over HTTP
 * (`POST /v2/signalflow/execute`, the program text as the body, the parameters in the query
 * string; `POST /v2/signalflow/{handle}/stop`, …), and the reading of the answer, a stream of
 * events named by message type, each with its JSON message as data.
 */
import { describeBody, describeCause } from "../http/answer.js"
import { peerText } from "../peerText.js"
import { parseJson } from "../wire/jsonParse.js"
import type { ServiceErrorRecord } from "./errors.js"
import { scrubTexts, toServiceError } from "./errors.js"
import type { Request } from "./requests.js"

/** The request fields that are not query parameters. */
const notParameters = new Set(["type", "program", "handle", "compress", "channel"])

/**
 * The path of a request below `/v2/signalflow`.
 * @internal
 */
export const pathOf = (request: Request): string => {
  const handle = typeof request.handle === "string" ? encodeURIComponent(request.handle) : ""
  switch (request.type) {
    case "attach":
    case "stop":
    case "keepalive":
      return `/${handle}/${request.type}`
    default:
      return `/${request.type}`
  }
}

/**
 * The path of a request as an error names it: the handle in it is the user's, of any length.
 * @internal
 */
export const where = (request: Request): string => peerText(pathOf(request))

/**
 * The query parameters of a request.
 * @internal
 */
export const queryOf = (request: Request): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(request)) {
    if (notParameters.has(key) || value === undefined) continue
    params[key] = typeof value === "string" ? value : JSON.stringify(value)
  }
  return params
}

/**
 * The most of an event kept while its end (a blank line) has not come, in characters of its
 * lines: a byte each of the JSON the service sends. The largest events are data messages, a value
 * of each time series of the computation at one timestamp, some 40 characters each: 16 Mi is room
 * for some 400,000 time series, more than the service lets a computation have, while a peer that
 * never ends its event can make the client keep no more.
 * @internal
 */
export const MAX_EVENT_LENGTH = 16 * 1024 * 1024

/**
 * Splits a text stream into server-sent events and hands each to `onEvent`, which may end the
 * reading early by answering a value (then `result`). The text is read line by line, each chunk
 * scanned once for its line ends: the part of a line that has not ended yet is kept as pieces and
 * joined once it ends, so an event spread over many chunks costs time in proportion to its
 * length. The reader stops taking lines once what it keeps of an event (`length`) is past
 * `MAX_EVENT_LENGTH`; its caller then stops reading.
 * @internal
 */
export class EventReader<A> {
  /** What `onEvent` answered, which ends the reading. */
  result: A | undefined = undefined
  private readonly decoder = new TextDecoder()
  // The event being read, and how many characters of its lines are kept.
  private event = "message"
  private data: Array<string> = []
  private kept = 0
  // The line that has not ended yet, in pieces.
  private unfinished: Array<string> = []
  private unfinishedLength = 0

  constructor(private readonly onEvent: (event: string, data: string) => A | undefined) {}

  /** The characters kept of the event under way. */
  get length(): number {
    return this.kept + this.unfinishedLength
  }

  /** Whether the event under way grew past `MAX_EVENT_LENGTH` before its end. */
  get tooLarge(): boolean {
    return this.length > MAX_EVENT_LENGTH
  }

  /** Takes a chunk of the body; answers whether to read on. */
  push(chunk: Uint8Array): boolean {
    this.takeText(this.decoder.decode(chunk, { stream: true }))
    return this.result === undefined && !this.tooLarge
  }

  private takeText(text: string): void {
    let start = 0
    while (this.result === undefined && !this.tooLarge) {
      const newline = text.indexOf("\n", start)
      if (newline < 0) {
        if (start < text.length) {
          this.unfinished.push(text.slice(start))
          this.unfinishedLength += text.length - start
        }
        return
      }
      let line = text.slice(start, newline)
      if (this.unfinished.length > 0) {
        this.unfinished.push(line)
        line = this.unfinished.join("")
        this.unfinished = []
        this.unfinishedLength = 0
      }
      this.takeLine(line.endsWith("\r") ? line.slice(0, -1) : line)
      start = newline + 1
    }
  }

  private takeLine(line: string): void {
    if (line === "") {
      if (this.data.length > 0) this.result = this.onEvent(this.event, this.data.join("\n"))
      this.event = "message"
      this.data = []
      this.kept = 0
      return
    }
    if (line.startsWith(":")) return
    const colon = line.indexOf(":")
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
    if (field === "event") this.event = value
    else if (field === "data") this.data.push(value)
    else return
    // The line as it came, its end included: many short lines cost more than their values.
    this.kept += line.length + 1
  }
}

/**
 * The message an event carries: its JSON data, typed by the event's name when the data does not
 * say; `undefined` for data that is not a JSON object. Integers beyond 2^53 stay exact, as
 * bigints, as they do in binary frames.
 * @internal
 */
export const messageOfEvent = (event: string, data: string): object | undefined => {
  const parsed = parseJson(data)
  if (!parsed.ok) return undefined
  const value = parsed.value
  if (typeof value !== "object" || value === null) return undefined
  return "type" in value ? value : { type: event, ...value }
}

/**
 * The body of a refusal as an object: the service's JSON, or its text as `message`.
 * @internal
 */
export const parseObject = (text: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value))
      : { message: text }
  } catch {
    return text.trim() === "" ? {} : { message: text.trim() }
  }
}

/**
 * What a failed request means to SignalFlow, as each package's errors say it: no connection
 * (`Transport`), a refused token (`Authentication`), a program the service cannot run (a 400,
 * `Failed` with its error, each of its texts scrubbed), or another status. Every text is bounded
 * and scrubbed.
 * @internal
 */
export const requestFailure = (
  request: Request,
  failure: {
    readonly status: number | undefined
    readonly tokenRefused: boolean
    /** The answer's body, capped. */
    readonly body: string
    readonly cause: unknown
  },
  scrub: (text: string) => string
):
  | { readonly _tag: "Transport"; readonly description: string }
  | { readonly _tag: "Authentication"; readonly description: string }
  | { readonly _tag: "Failed"; readonly error: ServiceErrorRecord }
  | { readonly _tag: "StatusCode"; readonly status: number; readonly description: string } =>
{
  const { body, cause, status } = failure
  if (status === undefined) {
    return { _tag: "Transport", description: `POST ${where(request)} failed${peerText(scrub(describeCause(cause)))}` }
  }
  if (failure.tokenRefused) return { _tag: "Authentication", description: `HTTP ${status}` }
  if (status === 400) {
    return { _tag: "Failed", error: toServiceError({ code: 400, ...scrubTexts(parseObject(body), scrub) }) }
  }
  return {
    _tag: "StatusCode",
    status,
    description: `POST ${where(request)} answered HTTP ${status}${describeBody(body)}`
  }
}

/**
 * The description of the `SignalFlowConnectionError` (`TooLarge`) of an event that grew past
 * `MAX_EVENT_LENGTH` characters.
 * @internal
 */
export const tooLargeText = (length: number): string =>
  `the service sent an event of more than ${MAX_EVENT_LENGTH} characters (${length} so far) without its end`
