/**
 * Turns a parsed program into what the local server computes: the streams it publishes. The
 * subset: `data(metric, filter=…, rollup=…)`, `filter(key, value, …)` combined with `and`, `or`
 * and `not`, the aggregations `sum`, `mean`, `min`, `max` and `count` with `by=[…]`, and
 * `.publish(label)`, with variables. Anything else is refused with the service's kind of error
 * and the position of what was refused: syntax the subset does not compute (arithmetic,
 * comparisons, `lambda`, …) as a syntax error before anything is evaluated, an unknown or
 * unsupported function as a name error, a wrong argument as a type error.
 */
import { peerText } from "../../peerText.js"
import { parse } from "./parser.js"
import type { Argument, Expression, Position } from "./syntax.js"
import { expressions, ProgramError, syntaxError } from "./syntax.js"

export type Filter =
  | { readonly _tag: "Match"; readonly key: string; readonly patterns: ReadonlyArray<string> }
  | { readonly _tag: "And"; readonly left: Filter; readonly right: Filter }
  | { readonly _tag: "Or"; readonly left: Filter; readonly right: Filter }
  | { readonly _tag: "Not"; readonly operand: Filter }

export type AggregationOp = "sum" | "mean" | "min" | "max" | "count"
export const AGGREGATIONS: ReadonlyArray<AggregationOp> = ["sum", "mean", "min", "max", "count"]

/** How the datapoints of one time series within one resolution window become one value. */
export type Rollup = "average" | "sum" | "min" | "max" | "count" | "latest"
const ROLLUPS: ReadonlyArray<Rollup> = ["average", "sum", "min", "max", "count", "latest"]

export interface Aggregation {
  readonly op: AggregationOp
  /** The dimensions to group by; `undefined` aggregates everything into one series. */
  readonly by: ReadonlyArray<string> | undefined
}

export interface StreamPlan {
  readonly metric: string
  readonly filter: Filter | undefined
  /** `undefined`: the metric type's default (average for gauges, sum for counters, latest otherwise). */
  readonly rollup: Rollup | undefined
  readonly aggregations: ReadonlyArray<Aggregation>
}

export interface Publish {
  readonly label: string | undefined
  readonly stream: StreamPlan
}

export interface Plan {
  readonly publishes: ReadonlyArray<Publish>
}

type Value =
  | { readonly _tag: "Stream"; readonly plan: StreamPlan }
  | { readonly _tag: "Filter"; readonly filter: Filter }
  | { readonly _tag: "String"; readonly value: string }
  | { readonly _tag: "Number"; readonly value: number }
  | { readonly _tag: "Bool"; readonly value: boolean }
  | { readonly _tag: "List"; readonly items: ReadonlyArray<Value> }
  | { readonly _tag: "None" }
  | { readonly _tag: "Function"; readonly name: "data" | "filter" }

/** SignalFlow names the service knows and the local server does not compute. */
const UNSUPPORTED = new Set([
  "alerts",
  "bottom",
  "combine",
  "const",
  "count_distinct",
  "delta",
  "detect",
  "events",
  "exclude",
  "fill",
  "graphite",
  "histogram",
  "integrate",
  "kpss",
  "lasting",
  "mean_plus_stddev",
  "median",
  "newrelic",
  "percentile",
  "rateofchange",
  "sample_stddev",
  "sample_variance",
  "size",
  "split",
  "stddev",
  "threshold",
  "timeshift",
  "top",
  "union",
  "variance",
  "when"
])

const SUPPORTED_SUMMARY = "data, filter, and, or, not, sum, mean, min, max, count, publish"

const describe = (value: Value): string => {
  switch (value._tag) {
    case "Stream":
      return "a stream"
    case "Filter":
      return "a filter"
    case "String":
      return "a string"
    case "Number":
      return "a number"
    case "Bool":
      return "a boolean"
    case "List":
      return "a list"
    case "None":
      return "None"
    case "Function":
      return `the function ${value.name}`
  }
}

const typeError = (message: string, position: Position): ProgramError =>
  new ProgramError("ANALYTICS_PROGRAM_TYPE_ERROR", message, position)

const unsupported = (name: string, position: Position): ProgramError =>
  new ProgramError(
    "ANALYTICS_PROGRAM_NAME_ERROR",
    `${peerText(name)} is not supported by the local SignalFlow server (it computes ${SUPPORTED_SUMMARY})`,
    position,
    name
  )

/** Whether the subset computes this kind of expression: no operators but `-` on a number. */
const inSubset = (expression: Expression): boolean => {
  switch (expression._tag) {
    case "Name":
    case "String":
    case "Number":
    case "List":
    case "Call":
    case "Method":
    case "Logical":
    case "Not":
      return true
    case "Unary":
      return expression.operand._tag === "Number"
    default:
      return false
  }
}

/** The refusal of syntax outside the subset, wherever it stands in the program. */
const unsupportedSyntax = (expression: Expression): ProgramError => {
  const what = expression._tag === "Binary" || expression._tag === "Unary"
    ? `the operator "${expression.operator}"`
    : expression._tag === "Attribute"
    ? `the attribute ".${peerText(expression.name)}"`
    : expression._tag === "Conditional"
    ? "\"if … else\""
    : expression._tag.toLowerCase()
  return syntaxError(
    `${what} is not supported by the local SignalFlow server (it computes ${SUPPORTED_SUMMARY})`,
    expression.position
  )
}

interface Evaluated {
  readonly value: Value
  readonly position: Position
}

/** Binds call arguments to parameter names, Python-style: positional first, then keywords. */
const bind = (
  callee: string,
  parameters: ReadonlyArray<string>,
  args: ReadonlyArray<{ readonly name: string | undefined; readonly evaluated: Evaluated; readonly position: Position }>
): Map<string, Evaluated> => {
  const bound = new Map<string, Evaluated>()
  let positional = 0
  for (const arg of args) {
    if (arg.name === undefined) {
      if (bound.size > positional) {
        throw new ProgramError(
          "ANALYTICS_PROGRAM_SYNTAX_ERROR",
          "positional argument follows keyword argument",
          arg.position
        )
      }
      const name = parameters[positional]
      if (name === undefined) {
        throw typeError(`${callee}() takes at most ${parameters.length} positional argument(s)`, arg.position)
      }
      bound.set(name, arg.evaluated)
      positional++
    } else {
      if (!parameters.includes(arg.name)) {
        throw typeError(
          `${callee}() got an unexpected keyword argument '${peerText(arg.name)}' (the local server supports ${
            parameters.length === 0 ? "none" : parameters.join(", ")
          })`,
          arg.position
        )
      }
      if (bound.has(arg.name)) {
        throw typeError(`${callee}() got multiple values for argument '${arg.name}'`, arg.position)
      }
      bound.set(arg.name, arg.evaluated)
    }
  }
  return bound
}

class Compiler {
  private readonly variables = new Map<string, Value>()
  readonly publishes: Array<Publish> = []

  statement(target: string | undefined, expression: Expression): void {
    const value = this.evaluate(expression)
    if (target !== undefined) this.variables.set(target, value)
  }

  private evaluate(expression: Expression): Value {
    switch (expression._tag) {
      case "String":
        return { _tag: "String", value: expression.value }
      case "Number":
        return { _tag: "Number", value: expression.value }
      case "List":
        return { _tag: "List", items: expression.items.map((item) => this.evaluate(item)) }
      case "Name":
        return this.name(expression.name, expression.position)
      case "Logical": {
        const left = this.filterOperand(expression.left, expression.operator)
        const right = this.filterOperand(expression.right, expression.operator)
        return {
          _tag: "Filter",
          filter: { _tag: expression.operator === "and" ? "And" : "Or", left, right }
        }
      }
      case "Not":
        return { _tag: "Filter", filter: { _tag: "Not", operand: this.filterOperand(expression.operand, "not") } }
      case "Call":
        return this.call(expression.callee, expression.args, expression.position)
      case "Method":
        return this.method(expression.target, expression.name, expression.args, expression.position)
      case "Unary": {
        const operand = this.evaluate(expression.operand)
        if (operand._tag !== "Number") throw unsupportedSyntax(expression)
        return { _tag: "Number", value: expression.operator === "-" ? -operand.value : operand.value }
      }
      default:
        // `compile` refused these before evaluating anything.
        throw unsupportedSyntax(expression)
    }
  }

  private name(name: string, position: Position): Value {
    const variable = this.variables.get(name)
    if (variable !== undefined) return variable
    switch (name) {
      case "None":
        return { _tag: "None" }
      case "True":
        return { _tag: "Bool", value: true }
      case "False":
        return { _tag: "Bool", value: false }
      case "data":
      case "filter":
        return { _tag: "Function", name }
    }
    if (UNSUPPORTED.has(name) || AGGREGATIONS.some((op) => op === name)) throw unsupported(name, position)
    throw new ProgramError("ANALYTICS_PROGRAM_NAME_ERROR", `name '${peerText(name)}' is not defined`, position, name)
  }

  private filterOperand(expression: Expression, operator: string): Filter {
    const value = this.evaluate(expression)
    if (value._tag !== "Filter") {
      throw typeError(`"${operator}" combines filters, not ${describe(value)}`, expression.position)
    }
    return value.filter
  }

  private arguments(args: ReadonlyArray<Argument>) {
    return args.map((arg) => ({
      name: arg.name,
      evaluated: { value: this.evaluate(arg.value), position: arg.value.position },
      position: arg.position
    }))
  }

  private call(callee: Expression, args: ReadonlyArray<Argument>, position: Position): Value {
    const fn = this.evaluate(callee)
    if (fn._tag !== "Function") throw typeError(`${describe(fn)} is not callable`, position)
    const evaluated = this.arguments(args)
    if (fn.name === "filter") {
      const [key, ...values] = evaluated
      if (key === undefined || key.name !== undefined || values.length === 0) {
        throw typeError("filter() takes a dimension name and at least one value: filter('host', 'a', 'b')", position)
      }
      const named = values.find((value) => value.name !== undefined)
      if (named !== undefined) {
        throw typeError(
          `filter() got an unexpected keyword argument '${named.name}' (the local server supports none)`,
          named.position
        )
      }
      return {
        _tag: "Filter",
        filter: {
          _tag: "Match",
          key: this.string(key.evaluated, "filter() key"),
          patterns: values.map((value) => this.string(value.evaluated, "filter() value"))
        }
      }
    }
    const bound = bind("data", ["metric", "filter", "rollup"], evaluated)
    const metric = bound.get("metric")
    if (metric === undefined) throw typeError("data() needs a metric name: data('cpu.utilization')", position)
    const filter = bound.get("filter")
    const rollup = bound.get("rollup")
    return {
      _tag: "Stream",
      plan: {
        metric: this.string(metric, "data() metric"),
        filter: filter === undefined || filter.value._tag === "None" ? undefined : this.filter(filter),
        rollup: rollup === undefined || rollup.value._tag === "None" ? undefined : this.rollup(rollup),
        aggregations: []
      }
    }
  }

  private method(targetExpression: Expression, name: string, args: ReadonlyArray<Argument>, position: Position): Value {
    const target = this.evaluate(targetExpression)
    if (target._tag !== "Stream") {
      throw typeError(`${describe(target)} has no method '${peerText(name)}'`, position)
    }
    const evaluated = this.arguments(args)
    if (name === "publish") {
      const bound = bind("publish", ["label", "enable"], evaluated)
      const label = bound.get("label")
      const enable = bound.get("enable")
      const enabled = enable === undefined || enable.value._tag !== "Bool" || enable.value.value
      if (enabled) {
        this.publishes.push({
          label: label === undefined || label.value._tag === "None" ? undefined : this.string(label, "publish() label"),
          stream: target.plan
        })
      }
      return target
    }
    const op = AGGREGATIONS.find((candidate) => candidate === name)
    if (op === undefined) throw unsupported(`.${name}()`, position)
    const bound = bind(name, ["by"], evaluated)
    const by = bound.get("by")
    return {
      _tag: "Stream",
      plan: {
        ...target.plan,
        aggregations: [...target.plan.aggregations, { op, by: by === undefined ? undefined : this.by(by, name) }]
      }
    }
  }

  private string(evaluated: Evaluated, what: string): string {
    if (evaluated.value._tag !== "String") {
      throw typeError(`${what} must be a string, not ${describe(evaluated.value)}`, evaluated.position)
    }
    return evaluated.value.value
  }

  private filter(evaluated: Evaluated): Filter {
    if (evaluated.value._tag !== "Filter") {
      throw typeError(`filter= takes a filter, not ${describe(evaluated.value)}`, evaluated.position)
    }
    return evaluated.value.filter
  }

  private rollup(evaluated: Evaluated): Rollup {
    const name = this.string(evaluated, "rollup=")
    const rollup = ROLLUPS.find((candidate) => candidate === name)
    if (rollup === undefined) {
      throw typeError(
        `unknown rollup '${peerText(name)}' (the local server supports ${ROLLUPS.join(", ")})`,
        evaluated.position
      )
    }
    return rollup
  }

  private by(evaluated: Evaluated, op: string): ReadonlyArray<string> {
    const value = evaluated.value
    if (value._tag === "String") return [value.value]
    if (value._tag === "List") {
      return value.items.map((item) => this.string({ value: item, position: evaluated.position }, `${op}(by=…) item`))
    }
    throw typeError(`${op}(by=…) takes a dimension name or a list of them, not ${describe(value)}`, evaluated.position)
  }
}

/** Parses and compiles a program, or throws a {@link ProgramError}. */
export const compile = (text: string): Plan => {
  const statements = parse(text)
  for (const expression of expressions(statements)) {
    if (!inSubset(expression)) throw unsupportedSyntax(expression)
  }
  const compiler = new Compiler()
  for (const statement of statements) compiler.statement(statement.target, statement.expression)
  return { publishes: compiler.publishes }
}
