/**
 * The Lucene-like query language of the metadata search endpoints (docs/protocol.md §3):
 * `field:value`, `field:*`, wildcards `*` and `?` in values, quoted values, `_exists_:field`,
 * `_missing_:field`, `AND`, `OR`, `NOT` (also `-term`), parentheses and a lone `*` for "all".
 * Two terms side by side are joined by `AND`, which is what a reader of `host:a env:prod` means.
 *
 * A query compiles to a predicate over the values a field has on an object; the metadata store
 * decides what those values are (a field, a custom property, a dimension of a time series).
 */

import { peerText } from "../peerText.js"

/**
 * The values of a field on one object, as strings; an empty list when the object lacks it.
 * @internal
 */
export type FieldValues = (field: string) => ReadonlyArray<string>

/** @internal */
export type Predicate = (values: FieldValues) => boolean

/**
 * A query that does not parse. The server answers it with a 400.
 * @internal
 */
export class QuerySyntaxError extends Error {
  override readonly name = "QuerySyntaxError"
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

// Characters that end a bare word; a backslash makes any of them part of the word.
const isDelimiter = (char: string): boolean => char === "(" || char === ")" || /\s/.test(char)

/** The deepest parentheses may nest, so that a query of thousands of `(` is a 400, not a stack overflow. */
const MAX_NESTING_DEPTH = 200

class Parser {
  position = 0
  depth = 0
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new QuerySyntaxError(`invalid query at offset ${this.position}: ${what}`)
  }

  skipWhitespace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position]!)) this.position++
  }

  atEnd(): boolean {
    this.skipWhitespace()
    return this.position >= this.text.length
  }

  /** Consumes an operator keyword only when it stands as a whole word. */
  keyword(word: string): boolean {
    this.skipWhitespace()
    if (!this.text.startsWith(word, this.position)) return false
    const next = this.text[this.position + word.length]
    if (next !== undefined && !isDelimiter(next)) return false
    this.position += word.length
    return true
  }

  parseQuery(): Predicate {
    if (this.atEnd()) return () => true
    const predicate = this.parseOr()
    if (!this.atEnd()) this.fail(`unexpected ${peerText(JSON.stringify(this.text[this.position]))}`)
    return predicate
  }

  parseOr(): Predicate {
    const alternatives = [this.parseAnd()]
    while (this.keyword("OR")) alternatives.push(this.parseAnd())
    return alternatives.length === 1 ? alternatives[0]! : (values) => alternatives.some((p) => p(values))
  }

  parseAnd(): Predicate {
    const conjuncts = [this.parseNot()]
    for (;;) {
      if (this.keyword("AND")) {
        conjuncts.push(this.parseNot())
        continue
      }
      // Adjacent terms: an implicit AND, unless the next token closes a group or starts an OR.
      const save = this.position
      if (this.atEnd() || this.text[this.position] === ")" || this.keyword("OR")) {
        this.position = save
        break
      }
      conjuncts.push(this.parseNot())
    }
    return conjuncts.length === 1 ? conjuncts[0]! : (values) => conjuncts.every((p) => p(values))
  }

  parseNot(): Predicate {
    // A loop, not a recursion: a query may be thousands of `-` long.
    let negated = false
    for (;;) {
      this.skipWhitespace()
      if (this.text[this.position] === "-") {
        this.position++
      } else if (!this.keyword("NOT")) {
        break
      }
      negated = !negated
    }
    const primary = this.parsePrimary()
    return negated ? (values) => !primary(values) : primary
  }

  parsePrimary(): Predicate {
    this.skipWhitespace()
    if (this.position >= this.text.length) this.fail("a term is missing")
    if (this.text[this.position] === "(") {
      if (++this.depth > MAX_NESTING_DEPTH) this.fail(`parentheses nest more than ${MAX_NESTING_DEPTH} deep`)
      this.position++
      const inner = this.parseOr()
      this.depth--
      this.skipWhitespace()
      if (this.text[this.position] !== ")") this.fail("a `)` is missing")
      this.position++
      return inner
    }
    const field = this.parseField()
    if (field === "*") {
      // `*` and `*:*` both mean every object.
      if (this.text[this.position] === ":") {
        this.position++
        this.parseValue()
      }
      return () => true
    }
    if (field === "") this.fail("a field name is missing")
    if (this.text[this.position] !== ":") this.fail(`expected \`:\` after ${peerText(JSON.stringify(field))}`)
    this.position++
    if (field === "_exists_" || field === "_missing_") {
      const target = this.parseField()
      if (target === "") this.fail(`${field} needs a field name`)
      return field === "_exists_" ? (values) => values(target).length > 0 : (values) => values(target).length === 0
    }
    const matches = this.parseValue()
    return (values) => values(field).some(matches)
  }

  parseField(): string {
    const start = this.position
    while (this.position < this.text.length) {
      const char = this.text[this.position]!
      if (char === ":" || isDelimiter(char)) break
      this.position++
    }
    return this.text.slice(start, this.position)
  }

  /** A quoted value matches exactly; a bare value may hold wildcards and backslash escapes. */
  parseValue(): (value: string) => boolean {
    if (this.text[this.position] === "\"") {
      this.position++
      let literal = ""
      for (;;) {
        const char = this.text[this.position]
        if (char === undefined) this.fail("an unterminated quoted value")
        this.position++
        if (char === "\"") break
        if (char === "\\") {
          const escaped = this.text[this.position]
          if (escaped === undefined) this.fail("an unterminated quoted value")
          literal += escaped
          this.position++
        } else {
          literal += char
        }
      }
      return (value) => value === literal
    }
    let pattern = ""
    const start = this.position
    while (this.position < this.text.length) {
      const char = this.text[this.position]!
      if (isDelimiter(char)) break
      this.position++
      if (char === "\\") {
        const escaped = this.text[this.position]
        if (escaped === undefined) this.fail("a trailing backslash")
        pattern += escapeRegExp(escaped)
        this.position++
      } else if (char === "*") {
        pattern += "[\\s\\S]*"
      } else if (char === "?") {
        pattern += "[\\s\\S]"
      } else {
        pattern += escapeRegExp(char)
      }
    }
    if (this.position === start) this.fail("a value is missing")
    const regExp = new RegExp(`^${pattern}$`, "u")
    return (value) => regExp.test(value)
  }
}

/**
 * Compiles a query; an empty query matches everything.
 * @internal
 */
export const compile = (query: string): Predicate => new Parser(query).parseQuery()
