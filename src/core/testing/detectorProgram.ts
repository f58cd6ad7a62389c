/**
 * The local server's check of a detector, for `POST /v2/detector[/validate]` and `PUT`: the
 * program is parsed by the one SignalFlow parser (`signalflow/parser.ts`, which also bounds its
 * nesting), then held to a detector's rules: at most {@link MAX_PROGRAM_CHARS} characters, a
 * `detect()`, a published label, and rules that each name one of those labels with a known
 * severity.
 */
import { peerText } from "../peerText.js"
import type { JsonValue } from "../wire/jsonParse.js"
import { isObject } from "./metadataStore.js"
import type { RestResult } from "./router.js"
import { parse } from "./signalflow/parser.js"
import type { Expression, Statement } from "./signalflow/syntax.js"
import { expressions, MAX_PROGRAM_CHARS, ProgramError } from "./signalflow/syntax.js"

const SEVERITIES: ReadonlyArray<string> = ["Critical", "Major", "Minor", "Warning", "Info"]

const error = (status: number, message: string): RestResult => ({ status, body: { code: status, message } })

/** The label a `publish` call names as a string literal, its first argument or `label=`. */
const publishedLabel = (expression: Expression): string | undefined => {
  const isPublish = (expression._tag === "Method" && expression.name === "publish") ||
    (expression._tag === "Call" && expression.callee._tag === "Name" && expression.callee.name === "publish")
  if (!isPublish) return undefined
  const [first] = expression.args
  const label = expression.args.find((arg) => arg.name === "label") ?? (first?.name === undefined ? first : undefined)
  return label?.value._tag === "String" ? label.value.value : undefined
}

/**
 * Parses the program and answers the labels it publishes (`….publish('label')` or
 * `publish(label='label')`), in program order; throws a `ProgramError` naming the first problem.
 * @internal
 */
export const publishedLabels = (source: string): Array<string> => programLabels(parse(source))

const programLabels = (statements: ReadonlyArray<Statement>): Array<string> =>
  expressions(statements).flatMap((expression) => publishedLabel(expression) ?? [])

const callsDetect = (statements: ReadonlyArray<Statement>): boolean =>
  expressions(statements).some((expression) =>
    expression._tag === "Call" && expression.callee._tag === "Name" && expression.callee.name === "detect"
  )

/**
 * The problem with a detector's body, if any: a name (when saved), a program that parses, calls
 * `detect()` and publishes, and rules that each name one of its labels with a known severity.
 * @internal
 */
export const checkDetector = (body: JsonValue, use: "validate" | "save"): RestResult | undefined => {
  if (!isObject(body)) return error(400, "the body must be a JSON object")
  if (use === "save" && (typeof body.name !== "string" || body.name.trim() === "")) {
    return error(400, "name is required")
  }
  if (typeof body.programText !== "string" || body.programText.trim() === "") {
    return error(400, "programText is required")
  }
  if (body.programText.length > MAX_PROGRAM_CHARS) {
    return error(400, `programText is longer than the ${MAX_PROGRAM_CHARS} characters a program may have`)
  }
  let statements: ReadonlyArray<Statement>
  try {
    statements = parse(body.programText)
  } catch (cause) {
    if (cause instanceof ProgramError) return error(400, `Invalid SignalFlow program: ${cause.message}`)
    throw cause
  }
  const published = programLabels(statements)
  if (published.length === 0) return error(400, "the program publishes no detect label")
  if (!callsDetect(statements)) return error(400, "the program calls no detect(), which a detector's program must")
  const rules = body.rules
  if (!Array.isArray(rules) || rules.length === 0) return error(400, "a detector needs at least one rule")
  for (const [index, rule] of rules.entries()) {
    if (!isObject(rule)) return error(400, `rules[${index}] must be an object`)
    if (typeof rule.detectLabel !== "string" || !published.includes(rule.detectLabel)) {
      return error(
        400,
        `rules[${index}]: detectLabel ${peerText(JSON.stringify(rule.detectLabel ?? null))} is not published by the ` +
          `program (it publishes ${peerText(published.map((label) => JSON.stringify(label)).join(", "))})`
      )
    }
    if (typeof rule.severity !== "string" || !SEVERITIES.includes(rule.severity)) {
      return error(400, `rules[${index}]: severity must be one of ${SEVERITIES.join(", ")}`)
    }
  }
  return undefined
}
