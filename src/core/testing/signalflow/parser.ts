/**
 * The local server's one SignalFlow parser: the tokenizer, and the syntax tree (`syntax.ts`) that detector
 * validation (`../detectorProgram.ts`) and the evaluator (`compile.ts`) both read. SignalFlow is
 * Python-shaped: statements end at a newline (or `;`), newlines inside brackets are ignored, `#`
 * starts a comment. The grammar, loosest first, as in Python:
 *
 * ```
 * program     := statement*
 * statement   := [name "="] expression
 * expression  := "lambda" [name ("," name)*] ":" expression | or ["if" or "else" expression]
 * or          := and ("or" and)*                and := not ("and" not)*
 * not         := "not" not | comparison         comparison := sum (comparator sum)*
 * comparator  := "==" | "!=" | "<" | ">" | "<=" | ">=" | "in" | "not" "in" | "is" ["not"]
 * sum         := term (("+" | "-") term)*       term := unary (("*" | "/" | "%") unary)*
 * unary       := ("-" | "+") unary | power      power := postfix ["**" unary]
 * postfix     := primary ("." name ["(" arguments ")"] | "(" arguments ")" | "[" expression "]")*
 * primary     := name | string+ | number | "(" expression ")" | "[" expressions "]"
 *              | "{" [expression ":" expression ("," …)*] "}"
 * arguments   := [[name "="] expression ("," [name "="] expression)* [","]]
 * ```
 *
 * It does not know SignalFlow's functions: `data('cpu').foo()` parses; what the tree holds and
 * a use does not take is the user's to refuse (the evaluator's subset, a detector's rules), at the
 * position the parser recorded.
 *
 * The tree is at most {@link MAX_NESTING_DEPTH} deep (brackets, arguments, prefix operators and
 * each link of an operator or method chain count one level), so that neither this parser nor
 * what walks its tree can exhaust the stack: a program of 25,000 `(` is a syntax error.
 */
import { peerText } from "../../peerText.js"
import type { Argument, BinaryOperator, Expression, Position, Statement } from "./syntax.js"
import { ProgramError, syntaxError } from "./syntax.js"

type TokenKind = "name" | "string" | "number" | "punct" | "newline" | "end"

export interface Token extends Position {
  readonly kind: TokenKind
  /** The token's text; a string's value, its escapes undone. */
  readonly text: string
  /** The text as written, quotes included: what an error says it found. */
  readonly source: string
}

const PUNCTUATION = "** == != <= >= + - * / % < > = ( ) [ ] { } , . : ;".split(" ")
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", "\"": "\"" }
// Sticky, so that each token is matched where it starts without copying the rest of the text.
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y
const NAME_START = /[A-Za-z_]/

const sticky = (pattern: RegExp, text: string, index: number): string | undefined => {
  pattern.lastIndex = index
  return pattern.exec(text)?.[0]
}

/** Splits the program into tokens, dropping comments and the newlines inside brackets. */
export const tokenize = (text: string): Array<Token> => {
  const tokens: Array<Token> = []
  let index = 0
  let line = 1
  let lineStart = 0
  let depth = 0
  const here = (): Position => ({ line, column: index - lineStart + 1 })
  const push = (kind: TokenKind, start: number, position: Position, value?: string) => {
    const source = text.slice(start, index)
    tokens.push({ kind, text: value ?? source, source, ...position })
  }
  while (index < text.length) {
    const char = text[index]!
    const position = here()
    const start = index
    if (char === "\n") {
      index++
      if (depth === 0) push("newline", start, position)
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
    } else if (char === "'" || char === "\"") {
      let value = ""
      index++
      for (;;) {
        const next = text[index]
        if (next === undefined || next === "\n") {
          throw new ProgramError(
            "ANALYTICS_PROGRAM_SYNTAX_ERROR",
            `unterminated string at line ${position.line}, column ${position.column}`,
            position
          )
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
      push("string", start, position, value)
    } else {
      const literal = sticky(NUMBER, text, index) ?? sticky(NAME, text, index)
      const punct = literal === undefined
        ? PUNCTUATION.find((candidate) => text.startsWith(candidate, index))
        : undefined
      if (literal !== undefined) {
        index += literal.length
        push(NAME_START.test(char) ? "name" : "number", start, position)
      } else if (punct !== undefined) {
        if (punct === "(" || punct === "[" || punct === "{") depth++
        if ((punct === ")" || punct === "]" || punct === "}") && depth > 0) depth--
        index += punct.length
        push("punct", start, position)
      } else {
        throw new ProgramError(
          "ANALYTICS_PROGRAM_SYNTAX_ERROR",
          `unexpected character ${peerText(JSON.stringify(char))} at line ${position.line}, column ${position.column}`,
          position
        )
      }
    }
  }
  tokens.push({ kind: "end", text: "", source: "", ...here() })
  return tokens
}

const KEYWORDS = new Set(["and", "or", "not", "if", "else", "lambda", "in", "is"])
const COMPARATORS: ReadonlyArray<BinaryOperator> = ["==", "!=", "<", ">", "<=", ">="]
const ARITHMETIC: readonly [ReadonlyArray<BinaryOperator>, ReadonlyArray<BinaryOperator>] = [["+", "-"], [
  "*",
  "/",
  "%"
]]

/** The deepest the tree may be, as deep as CPython's parser lets brackets nest. */
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
      throw syntaxError(`expressions nest more than ${MAX_NESTING_DEPTH} deep`, this.peek())
    }
  }

  /** Parses `inner` one level deeper in the tree. */
  private nested<A>(inner: () => A): A {
    this.deeper()
    const result = inner()
    this.depth--
    return result
  }

  /**
   * A left-associative chain: `operand (operator operand)*`, each link one level deeper, as the
   * chain so far becomes the left operand of the next.
   */
  private chain(operand: () => Expression, link: (left: Expression) => Expression | undefined): Expression {
    const outer = this.depth
    let left = operand()
    for (;;) {
      const linked = link(left)
      if (linked === undefined) break
      left = linked
    }
    this.depth = outer
    return left
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!
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

  private isKeyword(text: string, offset = 0): boolean {
    const token = this.peek(offset)
    return token.kind === "name" && token.text === text
  }

  /** Whether a `name =` starts here: an assignment or a keyword argument. */
  private isNamed(): boolean {
    const first = this.peek()
    const second = this.peek(1)
    return first.kind === "name" && !KEYWORDS.has(first.text) && second.kind === "punct" && second.text === "="
  }

  private expect(text: string): Token {
    if (!this.isPunct(text)) throw this.unexpected(JSON.stringify(text))
    return this.advance()
  }

  private unexpected(expected: string, token: Token = this.peek()): ProgramError {
    const found = token.kind === "end" ? "end of program" : token.kind === "newline" ? "end of line" : token.source
    return syntaxError(`expected ${expected}, found ${peerText(JSON.stringify(found))}`, token)
  }

  program(): Array<Statement> {
    const statements: Array<Statement> = []
    for (;;) {
      while (this.peek().kind === "newline" || this.isPunct(";")) this.advance()
      if (this.peek().kind === "end") return statements
      let target: string | undefined
      if (this.isNamed()) {
        target = this.advance().text
        this.advance()
      }
      statements.push({ target, expression: this.expression() })
      const token = this.peek()
      if (token.kind !== "newline" && token.kind !== "end" && !this.isPunct(";")) {
        throw this.unexpected("the end of the statement")
      }
    }
  }

  private expression(): Expression {
    return this.nested(() => {
      const position = this.peek()
      if (this.isKeyword("lambda")) {
        this.advance()
        const parameters = this.list(":", () => {
          const name = this.advance()
          if (name.kind !== "name" || KEYWORDS.has(name.text)) throw this.unexpected("a parameter name", name)
          return name.text
        })
        return { _tag: "Lambda", parameters, body: this.expression(), position }
      }
      const then = this.or()
      if (!this.isKeyword("if")) return then
      const at = this.advance()
      const test = this.or()
      if (!this.isKeyword("else")) throw this.unexpected("\"else\"")
      this.advance()
      return { _tag: "Conditional", test, then, otherwise: this.expression(), position: at }
    })
  }

  private or(): Expression {
    return this.chain(() => this.and(), (left) => {
      if (!this.isKeyword("or")) return undefined
      this.deeper()
      const position = this.advance()
      return { _tag: "Logical", operator: "or", left, right: this.and(), position }
    })
  }

  private and(): Expression {
    return this.chain(() => this.not(), (left) => {
      if (!this.isKeyword("and")) return undefined
      this.deeper()
      const position = this.advance()
      return { _tag: "Logical", operator: "and", left, right: this.not(), position }
    })
  }

  private not(): Expression {
    if (!this.isKeyword("not")) return this.comparison()
    const position = this.advance()
    return this.nested(() => ({ _tag: "Not", operand: this.not(), position }))
  }

  private comparison(): Expression {
    return this.chain(() => this.binary(0), (left) => {
      const token = this.peek()
      let operator: BinaryOperator | undefined
      if (token.kind === "punct") operator = COMPARATORS.find((comparator) => comparator === token.text)
      else if (this.isKeyword("in")) operator = "in"
      else if (this.isKeyword("not") && this.isKeyword("in", 1)) operator = "not in"
      else if (this.isKeyword("is")) operator = this.isKeyword("not", 1) ? "is not" : "is"
      if (operator === undefined) return undefined
      this.deeper()
      this.advance()
      if (operator === "not in" || operator === "is not") this.advance()
      return { _tag: "Binary", operator, left, right: this.binary(0), position: token }
    })
  }

  /** The arithmetic levels, loosest first: `+ -`, then `* / %`. */
  private binary(level: 0 | 1): Expression {
    const operand = () => level === 0 ? this.binary(1) : this.unary()
    return this.chain(operand, (left) => {
      const token = this.peek()
      const operator = ARITHMETIC[level].find((candidate) => token.kind === "punct" && candidate === token.text)
      if (operator === undefined) return undefined
      this.deeper()
      this.advance()
      return { _tag: "Binary", operator, left, right: operand(), position: token }
    })
  }

  private unary(): Expression {
    const token = this.peek()
    if (token.kind === "punct" && (token.text === "-" || token.text === "+")) {
      this.advance()
      return this.nested(() => ({
        _tag: "Unary",
        operator: token.text === "-" ? "-" : "+",
        operand: this.unary(),
        position: token
      }))
    }
    const base = this.postfix()
    if (!this.isPunct("**")) return base
    const position = this.advance()
    return this.nested(() => ({ _tag: "Binary", operator: "**", left: base, right: this.unary(), position }))
  }

  private postfix(): Expression {
    return this.chain(() => this.primary(), (expression) => {
      if (this.isPunct(".")) {
        this.deeper()
        this.advance()
        const name = this.peek()
        if (name.kind !== "name") throw this.unexpected("a name after \".\"")
        this.advance()
        if (!this.isPunct("(")) return { _tag: "Attribute", target: expression, name: name.text, position: name }
        return { _tag: "Method", target: expression, name: name.text, args: this.arguments(), position: name }
      }
      if (this.isPunct("(")) {
        this.deeper()
        return { _tag: "Call", callee: expression, args: this.arguments(), position: expression.position }
      }
      if (this.isPunct("[")) {
        this.deeper()
        const position = this.advance()
        const index = this.expression()
        this.expect("]")
        return { _tag: "Subscript", target: expression, index, position }
      }
      return undefined
    })
  }

  /** Items up to `close`, separated by commas, a trailing one allowed; `close` is consumed. */
  private list<A>(close: string, item: () => A): Array<A> {
    const items: Array<A> = []
    while (!this.isPunct(close)) {
      items.push(item())
      if (!this.isPunct(",")) break
      this.advance()
    }
    this.expect(close)
    return items
  }

  private arguments(): Array<Argument> {
    this.expect("(")
    return this.list(")", () => {
      const position = this.peek()
      let name: string | undefined
      if (this.isNamed()) {
        name = this.advance().text
        this.advance()
      }
      return { name, value: this.expression(), position }
    })
  }

  private primary(): Expression {
    const token = this.peek()
    switch (token.kind) {
      case "name": {
        if (KEYWORDS.has(token.text)) break
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
          return { _tag: "List", items: this.list("]", () => this.expression()), position: token }
        }
        if (token.text === "{") {
          this.advance()
          const entries = this.list("}", () => {
            const key = this.expression()
            this.expect(":")
            return [key, this.expression()] as const
          })
          return { _tag: "Dict", entries, position: token }
        }
        break
      }
    }
    throw this.unexpected("a value")
  }
}

/** Parses a whole program, or throws a {@link ProgramError} at the first syntax error. */
export const parse = (text: string): Array<Statement> => new Parser(tokenize(text)).program()
