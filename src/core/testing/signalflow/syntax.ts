/**
 * The syntax tree of a SignalFlow program, as the one parser (`parser.ts`) builds it and
 * detector validation and the evaluator read it, with the error either refuses a program with.
 */

/** The longest program the service takes, for a detector as for a computation. */
export const MAX_PROGRAM_CHARS = 50_000

/** Where something starts in the program text, both 1-based, as the service reports it. */
export interface Position {
  readonly line: number
  readonly column: number
}

/** A program refused, by the parser or by what reads its tree, with the service's kind of error. */
export class ProgramError {
  constructor(
    readonly errorType:
      | "ANALYTICS_PROGRAM_SYNTAX_ERROR"
      | "ANALYTICS_PROGRAM_NAME_ERROR"
      | "ANALYTICS_PROGRAM_TYPE_ERROR",
    readonly message: string,
    readonly position: Position,
    readonly reference?: string
  ) {}
}

/** A syntax error, its position in the message as the service words it. */
export const syntaxError = (detail: string, position: Position): ProgramError =>
  new ProgramError(
    "ANALYTICS_PROGRAM_SYNTAX_ERROR",
    `syntax error at line ${position.line}, column ${position.column}: ${detail}`,
    position
  )

export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**"
  | "=="
  | "!="
  | "<"
  | ">"
  | "<="
  | ">="
  | "in"
  | "not in"
  | "is"
  | "is not"

export type Expression =
  | { readonly _tag: "Name"; readonly name: string; readonly position: Position }
  | { readonly _tag: "String"; readonly value: string; readonly position: Position }
  | { readonly _tag: "Number"; readonly value: number; readonly position: Position }
  | { readonly _tag: "List"; readonly items: ReadonlyArray<Expression>; readonly position: Position }
  | {
    readonly _tag: "Dict"
    readonly entries: ReadonlyArray<readonly [Expression, Expression]>
    readonly position: Position
  }
  | {
    readonly _tag: "Call"
    readonly callee: Expression
    readonly args: ReadonlyArray<Argument>
    readonly position: Position
  }
  | {
    readonly _tag: "Method"
    readonly target: Expression
    readonly name: string
    readonly args: ReadonlyArray<Argument>
    readonly position: Position
  }
  | { readonly _tag: "Attribute"; readonly target: Expression; readonly name: string; readonly position: Position }
  | { readonly _tag: "Subscript"; readonly target: Expression; readonly index: Expression; readonly position: Position }
  | {
    readonly _tag: "Logical"
    readonly operator: "and" | "or"
    readonly left: Expression
    readonly right: Expression
    readonly position: Position
  }
  | { readonly _tag: "Not"; readonly operand: Expression; readonly position: Position }
  | { readonly _tag: "Unary"; readonly operator: "-" | "+"; readonly operand: Expression; readonly position: Position }
  | {
    readonly _tag: "Binary"
    readonly operator: BinaryOperator
    readonly left: Expression
    readonly right: Expression
    readonly position: Position
  }
  | {
    readonly _tag: "Conditional"
    readonly test: Expression
    readonly then: Expression
    readonly otherwise: Expression
    readonly position: Position
  }
  | {
    readonly _tag: "Lambda"
    readonly parameters: ReadonlyArray<string>
    readonly body: Expression
    readonly position: Position
  }

export interface Argument {
  readonly name: string | undefined
  readonly value: Expression
  readonly position: Position
}

export interface Statement {
  readonly target: string | undefined
  readonly expression: Expression
}

// Longest first, so that `**` and `==` are not read as two operators.

/** The expressions directly inside `expression`, in program order. */
const children = (expression: Expression): ReadonlyArray<Expression> => {
  switch (expression._tag) {
    case "Name":
    case "String":
    case "Number":
      return []
    case "List":
      return expression.items
    case "Dict":
      return expression.entries.flat()
    case "Call":
      return [expression.callee, ...expression.args.map((arg) => arg.value)]
    case "Method":
      return [expression.target, ...expression.args.map((arg) => arg.value)]
    case "Attribute":
      return [expression.target]
    case "Subscript":
      return [expression.target, expression.index]
    case "Logical":
    case "Binary":
      return [expression.left, expression.right]
    case "Not":
    case "Unary":
      return [expression.operand]
    case "Conditional":
      return [expression.then, expression.test, expression.otherwise]
    case "Lambda":
      return [expression.body]
  }
}

/** Every expression of the program, each before what it contains, in program order. */
export const expressions = (statements: ReadonlyArray<Statement>): Array<Expression> => {
  const all: Array<Expression> = []
  // A stack rather than recursion, and in reverse so that the first child comes out first.
  const pending = statements.map((statement) => statement.expression).reverse()
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    all.push(next)
    const inner = children(next)
    for (let index = inner.length - 1; index >= 0; index--) pending.push(inner[index]!)
  }
  return all
}
