/**
 * A syntax check of SignalFlow program text, for the local server's detector validation: enough
 * of the language's grammar (Python-like expressions, assignments, calls with keyword arguments,
 * attribute chains, lists, `lambda`, `x if c else y`) to refuse what the service cannot parse,
 * and the labels the program publishes, which a detector's rules must name. It does not know
 * SignalFlow's functions: `data('cpu').foo()` parses.
 *
 * Only brackets recurse (chains of prefix operators, `**`, `lambda` and `else` are loops), at
 * most {@link MAX_NESTING_DEPTH} deep: a program of a million `(` is a syntax error, not a
 * stack overflow.
 */
import { peerText } from "../peerText.js"

/** @internal */
export class ProgramError {
  constructor(readonly message: string) {}
}

type TokenKind = "name" | "number" | "string" | "op" | "newline" | "end"

interface Token {
  readonly kind: TokenKind
  readonly text: string
  /** The string's value, for a string token. */
  readonly value: string
  readonly line: number
  readonly column: number
}

// Longest first, so that `**` and `==` are not read as two operators.
const OPERATORS = "** == != <= >= + - * / % < > = ( ) [ ] { } , . : ;".split(" ")

const tokenize = (source: string): Array<Token> => {
  const tokens: Array<Token> = []
  let line = 1
  let lineStart = 0
  let depth = 0
  let index = 0
  const at = (start: number) => ({ line, column: start - lineStart + 1 })
  const fail = (message: string, start: number): never => {
    const where = at(start)
    throw new ProgramError(`${message} at line ${where.line}, column ${where.column}`)
  }
  while (index < source.length) {
    const char = source[index]!
    if (char === "\n") {
      // Inside brackets a newline continues the expression, as in Python.
      if (depth === 0) tokens.push({ kind: "newline", text: "\n", value: "", ...at(index) })
      index += 1
      line += 1
      lineStart = index
      continue
    }
    if (char === " " || char === "\t" || char === "\r") {
      index += 1
      continue
    }
    if (char === "#") {
      while (index < source.length && source[index] !== "\n") index += 1
      continue
    }
    if (char === "\\" && source[index + 1] === "\n") {
      index += 2
      line += 1
      lineStart = index
      continue
    }
    const start = index
    if (char === "'" || char === "\"") {
      let value = ""
      index += 1
      while (source[index] !== char) {
        if (index >= source.length || source[index] === "\n") fail("unterminated string", start)
        if (source[index] === "\\") {
          value += source[index + 1] ?? ""
          index += 2
        } else {
          value += source[index]
          index += 1
        }
      }
      index += 1
      tokens.push({ kind: "string", text: source.slice(start, index), value, ...at(start) })
      continue
    }
    const number = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(source.slice(index))
    if (number !== null) {
      index += number[0].length
      tokens.push({ kind: "number", text: number[0], value: "", ...at(start) })
      continue
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index))
    if (name !== null) {
      index += name[0].length
      tokens.push({ kind: "name", text: name[0], value: "", ...at(start) })
      continue
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, index))
    if (op === undefined) return fail(`unexpected character ${peerText(JSON.stringify(char))}`, start)
    if (op === "(" || op === "[" || op === "{") depth += 1
    if (op === ")" || op === "]" || op === "}") depth = Math.max(0, depth - 1)
    index += op.length
    tokens.push({ kind: "op", text: op, value: "", ...at(start) })
  }
  tokens.push({ kind: "end", text: "end of program", value: "", ...at(index) })
  return tokens
}

const KEYWORDS = new Set(["and", "or", "not", "if", "else", "lambda", "in", "is"])

/** The deepest brackets may nest, as in CPython's parser. @internal */
export const MAX_NESTING_DEPTH = 200
const COMPARISONS = new Set(["==", "!=", "<", ">", "<=", ">="])

/**
 * Parses the program and answers the labels it publishes (`….publish('label')` or
 * `publish(label='label')`), in order; throws a `ProgramError` naming the first problem.
 * @internal
 */
export const publishedLabels = (source: string): Array<string> => {
  const tokens = tokenize(source)
  const labels: Array<string> = []
  let position = 0
  const peek = () => tokens[position]!
  const next = () => tokens[position++]!
  const fail = (token: Token, expected: string): never => {
    const found = token.kind === "end" ? "end of program" : token.kind === "newline" ? "end of line" : token.text
    throw new ProgramError(
      `syntax error at line ${token.line}, column ${token.column}: expected ${expected}, found ${
        peerText(JSON.stringify(found))
      }`
    )
  }
  const isOp = (text: string) => peek().kind === "op" && peek().text === text
  const isName = (text: string) => peek().kind === "name" && peek().text === text
  const expectOp = (text: string) => {
    if (!isOp(text)) fail(peek(), JSON.stringify(text))
    next()
  }

  const list = (close: string, item: () => void) => {
    while (!isOp(close)) {
      item()
      if (!isOp(",")) break
      next()
    }
    expectOp(close)
  }

  const primary = (): void => {
    const token = next()
    if (token.kind === "number" || token.kind === "string") return
    if (token.kind === "name" && !KEYWORDS.has(token.text)) return
    if (token.kind === "op" && token.text === "(") return list(")", expression)
    if (token.kind === "op" && token.text === "[") return list("]", expression)
    if (token.kind === "op" && token.text === "{") {
      return list("}", () => {
        expression()
        expectOp(":")
        expression()
      })
    }
    return fail(token, "a value")
  }

  const call = (callee: string | undefined) => {
    let first = true
    list(")", () => {
      const keyword = peek().kind === "name" && tokens[position + 1]?.text === "=" ? next().text : undefined
      if (keyword !== undefined) next()
      const argument = peek()
      expression()
      const isLabel = keyword === "label" || (keyword === undefined && first)
      if (callee === "publish" && isLabel && argument.kind === "string" && tokens[position - 1] === argument) {
        labels.push(argument.value)
      }
      first = false
    })
  }

  const postfix = (): void => {
    let callee = peek().kind === "name" ? peek().text : undefined
    primary()
    for (;;) {
      if (isOp("(")) {
        next()
        call(callee)
        callee = undefined
      } else if (isOp(".")) {
        next()
        const name = next()
        if (name.kind !== "name") fail(name, "a name after \".\"")
        callee = name.text
      } else if (isOp("[")) {
        next()
        list("]", expression)
        callee = undefined
      } else {
        return
      }
    }
  }

  const unary = (): void => {
    for (;;) {
      while (isOp("-") || isOp("+") || isName("not")) next()
      postfix()
      if (!isOp("**")) return
      next()
    }
  }

  const binary = (): void => {
    unary()
    while (
      (peek().kind === "op" && (["+", "-", "*", "/", "%"].includes(peek().text) || COMPARISONS.has(peek().text))) ||
      isName("and") || isName("or") || isName("in") || isName("is")
    ) {
      next()
      if (isName("not")) next()
      unary()
    }
  }

  let depth = 0
  function expression(): void {
    depth += 1
    if (depth > MAX_NESTING_DEPTH) {
      const token = peek()
      throw new ProgramError(
        `syntax error at line ${token.line}, column ${token.column}: brackets nest more than ${MAX_NESTING_DEPTH} deep`
      )
    }
    for (;;) {
      if (isName("lambda")) {
        next()
        list(":", () => {
          const name = next()
          if (name.kind !== "name") fail(name, "a parameter name")
        })
        continue
      }
      binary()
      if (!isName("if")) break
      next()
      binary()
      if (!isName("else")) fail(peek(), "\"else\"")
      next()
    }
    depth -= 1
  }

  for (;;) {
    while (peek().kind === "newline" || isOp(";")) next()
    if (peek().kind === "end") break
    if (peek().kind === "name" && tokens[position + 1]?.text === "=" && !KEYWORDS.has(peek().text)) {
      position += 2
    }
    expression()
    const end = peek()
    if (end.kind !== "newline" && end.kind !== "end" && !isOp(";")) fail(end, "the end of the statement")
  }
  return labels
}
