/**
 * A strict JSON parser (RFC 8259) that returns integers beyond 2^53 as `bigint`, so that an int64
 * sent in a JSON body is recorded exactly. `JSON.parse` would round it, and Node 20's `JSON.parse`
 * does not expose the source text of numbers. Used only to decode, never on the sending path.
 */
import { setEntry } from "../record.js"
import type { Decoded } from "./records.js"
import { WireDecodeError } from "./records.js"

/** @internal */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const WHITESPACE = /[ \t\n\r]*/y

/**
 * How integer literals come back: `"exact"` (the default) as a `number` when it is a safe
 * integer and a `bigint` otherwise; `"bigint"` always as a `bigint`, so that a reader can tell an
 * integer literal (`5`) from a literal with a fraction or an exponent (`5.0`, `1e21`), which
 * always comes back as a `number`.
 * @internal
 */
export type Integers = "exact" | "bigint"

class Parser {
  position = 0
  constructor(readonly text: string, readonly integers: Integers) {}

  fail(what: string): never {
    throw new WireDecodeError(`invalid JSON at offset ${this.position}: ${what}`)
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position
    WHITESPACE.exec(this.text)
    this.position = WHITESPACE.lastIndex
  }

  expect(literal: string): void {
    if (!this.text.startsWith(literal, this.position)) this.fail(`expected ${literal}`)
    this.position += literal.length
  }

  value(depth: number): JsonValue {
    if (depth > 512) this.fail("nested too deeply")
    this.skipWhitespace()
    const char = this.text[this.position]
    switch (char) {
      case "{":
        return this.object(depth)
      case "[":
        return this.array(depth)
      case "\"":
        return this.string()
      case "t":
        this.expect("true")
        return true
      case "f":
        this.expect("false")
        return false
      case "n":
        this.expect("null")
        return null
      default:
        return this.number()
    }
  }

  number(): number | bigint {
    NUMBER.lastIndex = this.position
    const match = NUMBER.exec(this.text)
    if (match === null) this.fail("expected a value")
    this.position = NUMBER.lastIndex
    const literal = match[0]
    const value = Number(literal)
    const integer = match[1] === undefined && match[2] === undefined
    if (integer && (this.integers === "bigint" || !Number.isSafeInteger(value))) return BigInt(literal)
    return value
  }

  string(): string {
    STRING.lastIndex = this.position
    const match = STRING.exec(this.text)
    if (match === null) this.fail("bad string")
    this.position = STRING.lastIndex
    const text: string = JSON.parse(match[0])
    return text
  }

  array(depth: number): Array<JsonValue> {
    this.position++
    const items: Array<JsonValue> = []
    this.skipWhitespace()
    if (this.text[this.position] === "]") {
      this.position++
      return items
    }
    for (;;) {
      items.push(this.value(depth + 1))
      this.skipWhitespace()
      const char = this.text[this.position++]
      if (char === "]") return items
      if (char !== ",") this.fail("expected , or ]")
    }
  }

  object(depth: number): Record<string, JsonValue> {
    this.position++
    const record: Record<string, JsonValue> = {}
    this.skipWhitespace()
    if (this.text[this.position] === "}") {
      this.position++
      return record
    }
    for (;;) {
      this.skipWhitespace()
      if (this.text[this.position] !== "\"") this.fail("expected a key")
      const key = this.string()
      this.skipWhitespace()
      this.expect(":")
      setEntry(record, key, this.value(depth + 1))
      this.skipWhitespace()
      const char = this.text[this.position++]
      if (char === "}") return record
      if (char !== ",") this.fail("expected , or }")
    }
  }
}

/** @internal */
export const parseJson = (text: string, integers: Integers = "exact"): Decoded<JsonValue> => {
  try {
    const parser = new Parser(text, integers)
    const value = parser.value(0)
    parser.skipWhitespace()
    if (parser.position !== text.length) parser.fail("trailing characters")
    return { ok: true, value }
  } catch (error) {
    return {
      ok: false,
      error: error instanceof WireDecodeError ? error : new WireDecodeError(`invalid JSON: ${String(error)}`)
    }
  }
}
