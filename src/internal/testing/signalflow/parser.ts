/**
 * The tokenizer and recursive-descent parser for the subset of SignalFlow the local server
 * evaluates. SignalFlow is Python-shaped: statements end at a newline (or `;`), newlines inside
 * brackets are ignored, `#` starts a comment. The grammar:
 *
 * ```
 * program    := statement*
 * statement  := [name "="] expression
 * expression := and ("or" and)*
 * and        := not ("and" not)*
 * not        := "not" not | postfix
 * postfix    := primary ("." name "(" arguments ")" | "(" arguments ")")*
 * primary    := name | string | number | "[" [expression ("," expression)* [","]] "]" | "(" expression ")"
 * arguments  := [argument ("," argument)* [","]]
 * argument   := [name "="] expression
 * ```
 *
 * What the grammar accepts but the subset does not know (an unknown function, a wrong argument)
 * is the evaluator's to reject, with the position the parser recorded.
 *
 * Expressions nest at most {@link MAX_NESTING_DEPTH} deep, so that neither this parser nor the
 * evaluator walking the tree it builds can exhaust the stack: a program of 25,000 `(` is a
 * syntax error like any other.
 */

import { peerText } from "../../peerText.js"

/** Where something starts in the program text, both 1-based, as the service reports it. */
export interface Position {
  readonly line: number
  readonly column: number
}

/** A program the parser or the evaluator refuses, with the service's kind of error. */
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

type TokenKind = "name" | "string" | "number" | "punct" | "newline" | "end"

interface Token extends Position {
  readonly kind: TokenKind
  readonly text: string
}

export type Expression =
  | { readonly _tag: "Name"; readonly name: string; readonly position: Position }
  | { readonly _tag: "String"; readonly value: string; readonly position: Position }
  | { readonly _tag: "Number"; readonly value: number; readonly position: Position }
  | { readonly _tag: "List"; readonly items: ReadonlyArray<Expression>; readonly position: Position }
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
  | {
    readonly _tag: "Logical"
    readonly operator: "and" | "or"
    readonly left: Expression
    readonly right: Expression
    readonly position: Position
  }
  | { readonly _tag: "Not"; readonly operand: Expression; readonly position: Position }

export interface Argument {
  readonly name: string | undefined
  readonly value: Expression
  readonly position: Position
}

export interface Statement {
  readonly target: string | undefined
  readonly expression: Expression
}

const PUNCTUATION = new Set(["(", ")", "[", "]", ",", ".", "=", ";"])
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", "\"": "\"" }

const isNameStart = (char: string): boolean => /[A-Za-z_]/.test(char)
const isNamePart = (char: string): boolean => /[A-Za-z0-9_]/.test(char)
const isDigit = (char: string): boolean => char >= "0" && char <= "9"

/** Splits the program into tokens, dropping comments and the newlines inside brackets. */
export const tokenize = (text: string): Array<Token> => {
  const tokens: Array<Token> = []
  let index = 0
  let line = 1
  let lineStart = 0
  let depth = 0
  const here = (): Position => ({ line, column: index - lineStart + 1 })
  while (index < text.length) {
    const char = text[index]!
    const position = here()
    if (char === "\n") {
      if (depth === 0) tokens.push({ kind: "newline", text: "\n", ...position })
      index++
      line++
      lineStart = index
    } else if (char === " " || char === "\t" || char === "\r") {
      index++
    } else if (char === "\\" && text[index + 1] === "\n") {
      // An explicit line continuation, as in Python.
      index += 2
      line++
      lineStart = index
    } else if (char === "#") {
      while (index < text.length && text[index] !== "\n") index++
    } else if (isNameStart(char)) {
      const start = index
      while (index < text.length && isNamePart(text[index]!)) index++
      tokens.push({ kind: "name", text: text.slice(start, index), ...position })
    } else if (isDigit(char) || (char === "." && isDigit(text[index + 1] ?? ""))) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(index))
      const literal = match![0]
      index += literal.length
      tokens.push({ kind: "number", text: literal, ...position })
    } else if (char === "'" || char === "\"") {
      let value = ""
      index++
      for (;;) {
        const next = text[index]
        if (next === undefined || next === "\n") {
          throw new ProgramError("ANALYTICS_PROGRAM_SYNTAX_ERROR", "unterminated string literal", position)
        }
        index++
        if (next === char) break
        if (next === "\\") {
          const escaped = text[index]
          if (escaped === undefined) continue
          value += ESCAPES[escaped] ?? `\\${escaped}`
          index++
        } else {
          value += next
        }
      }
      tokens.push({ kind: "string", text: value, ...position })
    } else if (char === "-" && isDigit(text[index + 1] ?? "")) {
      // A negative literal; the subset has no arithmetic, so `-` only ever starts a number.
      const match = /^-\d+\.?\d*(?:[eE][+-]?\d+)?/.exec(text.slice(index))
      const literal = match![0]
      index += literal.length
      tokens.push({ kind: "number", text: literal, ...position })
    } else if (PUNCTUATION.has(char)) {
      if (char === "(" || char === "[") depth++
      if ((char === ")" || char === "]") && depth > 0) depth--
      tokens.push({ kind: "punct", text: char, ...position })
      index++
    } else {
      throw new ProgramError(
        "ANALYTICS_PROGRAM_SYNTAX_ERROR",
        `unexpected character ${peerText(JSON.stringify(char))}`,
        position
      )
    }
  }
  tokens.push({ kind: "end", text: "", ...here() })
  return tokens
}

const KEYWORDS = new Set(["and", "or", "not"])

/**
 * The deepest an expression tree may be: brackets, calls, arguments, `not`s and the operands of
 * a chain of `and` and `or` each count one level. As deep as CPython's parser lets brackets nest.
 */
export const MAX_NESTING_DEPTH = 200

class Parser {
  private index = 0
  /** How deep the expression being parsed is in the tree; a syntax error never restores it, as parsing stops. */
  private depth = 0
  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  /** One level deeper, or a syntax error past {@link MAX_NESTING_DEPTH}. */
  private deeper(): void {
    this.depth++
    if (this.depth > MAX_NESTING_DEPTH) {
      throw new ProgramError(
        "ANALYTICS_PROGRAM_SYNTAX_ERROR",
        `expressions nest more than ${MAX_NESTING_DEPTH} levels deep`,
        this.peek()
      )
    }
  }

  private peek(): Token {
    return this.tokens[this.index]!
  }

  private advance(): Token {
    const token = this.tokens[this.index]!
    if (token.kind !== "end") this.index++
    return token
  }

  private isPunct(text: string): boolean {
    const token = this.peek()
    return token.kind === "punct" && token.text === text
  }

  private isKeyword(text: string): boolean {
    const token = this.peek()
    return token.kind === "name" && token.text === text
  }

  private expect(text: string): Token {
    if (!this.isPunct(text)) throw this.unexpected(`expected "${text}"`)
    return this.advance()
  }

  private unexpected(expected: string): ProgramError {
    const token = this.peek()
    const found = token.kind === "end"
      ? "the end of the program"
      : token.kind === "newline"
      ? "a new line"
      : peerText(JSON.stringify(token.text))
    return new ProgramError("ANALYTICS_PROGRAM_SYNTAX_ERROR", `${expected}, found ${found}`, token)
  }

  program(): Array<Statement> {
    const statements: Array<Statement> = []
    for (;;) {
      while (this.peek().kind === "newline" || this.isPunct(";")) this.advance()
      if (this.peek().kind === "end") return statements
      statements.push(this.statement())
      const token = this.peek()
      if (token.kind !== "newline" && token.kind !== "end" && !this.isPunct(";")) {
        throw this.unexpected("expected the end of the statement")
      }
    }
  }

  private statement(): Statement {
    const first = this.peek()
    const second = this.tokens[this.index + 1]
    if (
      first.kind === "name" && !KEYWORDS.has(first.text) && second?.kind === "punct" && second.text === "="
    ) {
      this.advance()
      this.advance()
      return { target: first.text, expression: this.expression() }
    }
    return { target: undefined, expression: this.expression() }
  }

  private expression(): Expression {
    const outer = this.depth
    let left = this.and()
    while (this.isKeyword("or")) {
      // Each operator puts the chain so far one level deeper in the tree.
      this.deeper()
      const position = this.advance()
      left = { _tag: "Logical", operator: "or", left, right: this.and(), position }
    }
    this.depth = outer
    return left
  }

  private and(): Expression {
    const outer = this.depth
    let left = this.not()
    while (this.isKeyword("and")) {
      this.deeper()
      const position = this.advance()
      left = { _tag: "Logical", operator: "and", left, right: this.not(), position }
    }
    this.depth = outer
    return left
  }

  private not(): Expression {
    this.deeper()
    let expression: Expression
    if (this.isKeyword("not")) {
      const position = this.advance()
      expression = { _tag: "Not", operand: this.not(), position }
    } else {
      expression = this.postfix()
    }
    this.depth--
    return expression
  }

  private postfix(): Expression {
    let expression = this.primary()
    for (;;) {
      if (this.isPunct(".")) {
        this.advance()
        const name = this.peek()
        if (name.kind !== "name") throw this.unexpected("expected a method name after \".\"")
        this.advance()
        if (!this.isPunct("(")) throw this.unexpected(`expected "(" after ".${name.text}"`)
        expression = { _tag: "Method", target: expression, name: name.text, args: this.arguments(), position: name }
      } else if (this.isPunct("(")) {
        expression = { _tag: "Call", callee: expression, args: this.arguments(), position: expression.position }
      } else {
        return expression
      }
    }
  }

  private arguments(): Array<Argument> {
    this.expect("(")
    const args: Array<Argument> = []
    while (!this.isPunct(")")) {
      const first = this.peek()
      const second = this.tokens[this.index + 1]
      let name: string | undefined
      if (first.kind === "name" && second?.kind === "punct" && second.text === "=") {
        name = first.text
        this.advance()
        this.advance()
      }
      args.push({ name, value: this.expression(), position: first })
      if (!this.isPunct(",")) break
      this.advance()
    }
    this.expect(")")
    return args
  }

  private primary(): Expression {
    const token = this.peek()
    switch (token.kind) {
      case "name": {
        if (KEYWORDS.has(token.text)) throw this.unexpected("expected an expression")
        this.advance()
        return { _tag: "Name", name: token.text, position: token }
      }
      case "string": {
        this.advance()
        // Adjacent literals concatenate, as in Python.
        let value = token.text
        while (this.peek().kind === "string") value += this.advance().text
        return { _tag: "String", value, position: token }
      }
      case "number": {
        this.advance()
        return { _tag: "Number", value: Number(token.text), position: token }
      }
      case "punct": {
        if (token.text === "(") {
          this.advance()
          const inner = this.expression()
          this.expect(")")
          return inner
        }
        if (token.text === "[") {
          this.advance()
          const items: Array<Expression> = []
          while (!this.isPunct("]")) {
            items.push(this.expression())
            if (!this.isPunct(",")) break
            this.advance()
          }
          this.expect("]")
          return { _tag: "List", items, position: token }
        }
        break
      }
    }
    throw this.unexpected("expected an expression")
  }
}

/** Parses a whole program, or throws a {@link ProgramError} at the first syntax error. */
export const parse = (text: string): Array<Statement> => new Parser(tokenize(text)).program()
