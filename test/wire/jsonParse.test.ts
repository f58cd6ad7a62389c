import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import type { JsonValue } from "../../src/core/wire/jsonParse.js"
import { parseJson } from "../../src/core/wire/jsonParse.js"
import { decodedError, decodedValue } from "./decoded.js"

const parsed = (text: string): JsonValue => decodedValue(parseJson(text))

/** Replaces bigints by numbers, to compare with `JSON.parse`. */
const asNumbers = (value: JsonValue): unknown => {
  if (typeof value === "bigint") return Number(value)
  if (Array.isArray(value)) return value.map(asNumbers)
  if (typeof value === "object" && value !== null) {
    const record = value as { readonly [key: string]: JsonValue }
    const copy: Record<string, unknown> = {}
    for (const key of Object.keys(record)) {
      Object.defineProperty(copy, key, {
        value: asNumbers(record[key]!),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    return copy
  }
  return value
}

/** Every bigint in a parsed value is an integer no double could hold exactly. */
const bigintsAreUnsafe = (value: JsonValue): boolean => {
  if (typeof value === "bigint") return !Number.isSafeInteger(Number(value)) || BigInt(Number(value)) !== value
  if (Array.isArray(value)) return value.every(bigintsAreUnsafe)
  if (typeof value === "object" && value !== null) {
    return Object.values(value as { readonly [key: string]: JsonValue }).every(bigintsAreUnsafe)
  }
  return true
}

describe("parseJson", () => {
  describe("integers", () => {
    it.each(
      [
        ["9007199254740991", 9007199254740991],
        ["-9007199254740991", -9007199254740991],
        ["9007199254740992", 9007199254740992n],
        ["-9007199254740992", -9007199254740992n],
        ["9223372036854775807", 9223372036854775807n],
        ["-9223372036854775808", -9223372036854775808n],
        ["18446744073709551616", 18446744073709551616n],
        ["123456789012345678901234567890", 123456789012345678901234567890n],
        ["0", 0],
        ["-0", -0],
        ["42", 42]
      ] as const
    )("%s is read exactly", (text, expected) => {
      expect(parsed(text)).toBe(expected)
    })

    it("stay exact inside arrays and objects", () => {
      expect(parsed("{\"a\":[1,9223372036854775807,{\"b\":-9223372036854775808}]}")).toEqual({
        a: [1, 9223372036854775807n, { b: -9223372036854775808n }]
      })
    })

    it("with a fraction or an exponent are doubles, however large", () => {
      expect(parsed("9223372036854775807.0")).toBe(2 ** 63)
      expect(parsed("1e21")).toBe(1e21)
      expect(parsed("1E+2")).toBe(100)
      expect(parsed("1.5e-300")).toBe(1.5e-300)
      expect(parsed("-0.25")).toBe(-0.25)
      expect(typeof parsed("12345678901234567890e0")).toBe("number")
    })

    it.prop("any integer literal reads back as the same integer", { n: fc.bigInt() }, ({ n }) => {
      const value = parsed(n.toString())
      if (Number.isSafeInteger(Number(n)) && BigInt(Number(n)) === n) expect(value).toBe(Number(n))
      else expect(value).toBe(n)
    }, { fastCheck: { numRuns: 300 } })
  })

  describe("everything else", () => {
    it("reads literals, strings and escapes", () => {
      expect(parsed(" true ")).toBe(true)
      expect(parsed("false")).toBe(false)
      expect(parsed("null")).toBe(null)
      expect(parsed("\"\\u00e9\\n\\t\\\"\\\\\\/\\ud83d\\ude80\"")).toBe("é\n\t\"\\/🚀")
      expect(parsed("\"São Paulo 🚀 東京\"")).toBe("São Paulo 🚀 東京")
      expect(parsed("[]")).toEqual([])
      expect(parsed("{}")).toEqual({})
      expect(parsed(" {\n\t\"a\" : [ 1 , 2 ] ,\r\n \"b\" : { } } ")).toEqual({ a: [1, 2], b: {} })
    })

    it("keeps keys such as __proto__ as own entries", () => {
      const value = parsed("{\"__proto__\":{\"polluted\":true},\"constructor\":1}") as Record<string, unknown>
      expect(Object.keys(value)).toEqual(["__proto__", "constructor"])
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
      expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual({ polluted: true })
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    it.prop(
      "reads whatever JSON.stringify writes, as JSON.parse does",
      { value: fc.jsonValue(), indent: fc.constantFrom(undefined, 2, "\t") },
      ({ indent, value }) => {
        const text = JSON.stringify(value, null, indent)
        const result = parsed(text)
        expect(asNumbers(result)).toEqual(JSON.parse(text))
        expect(bigintsAreUnsafe(result)).toBe(true)
      },
      { fastCheck: { numRuns: 300 } }
    )

    it.prop(
      "reads strings of any code points, as JSON.parse does",
      { text: fc.string({ unit: "binary", maxLength: 40 }) },
      ({ text }) => {
        expect(parsed(JSON.stringify(text))).toBe(text)
      },
      { fastCheck: { numRuns: 200 } }
    )
  })

  describe("invalid JSON", () => {
    it.each([
      ["a trailing comma in an array", "[1,2,]"],
      ["a trailing comma in an object", "{\"a\":1,}"],
      ["an empty element", "[1,,2]"],
      ["a missing comma", "{\"a\":1 \"b\":2}"],
      ["a missing colon", "{\"a\" 1}"],
      ["an unquoted key", "{a:1}"],
      ["a single-quoted string", "'a'"],
      ["a bad escape", "\"\\x41\""],
      ["a short unicode escape", "\"\\u12\""],
      ["a raw newline in a string", "\"a\nb\""],
      ["a raw tab in a string", "\"a\tb\""],
      ["an unterminated string", "\"abc"],
      ["an unterminated array", "[1,2"],
      ["an unterminated object", "{\"a\":1"],
      ["trailing garbage", "{} x"],
      ["two values", "[1] [2]"],
      ["a leading zero", "01"],
      ["a leading plus", "+1"],
      ["a bare fraction", ".5"],
      ["a trailing point", "1."],
      ["an empty exponent", "1e"],
      ["NaN", "NaN"],
      ["Infinity", "Infinity"],
      ["a truncated literal", "tru"],
      ["a wrong-case literal", "Null"],
      ["nothing", ""],
      ["only whitespace", "  \n "],
      ["a comment", "[1 /* two */]"]
    ])("rejects %s", (_what, text) => {
      const result = parseJson(text)
      const error = decodedError(result)
      expect(error._tag).toBe("WireDecodeError")
      expect(error.message).toMatch(/^invalid JSON/)
      // the platform agrees
      expect(() => JSON.parse(text)).toThrow()
    })

    it("rejects nesting beyond 512 levels without overflowing the stack", () => {
      expect(parseJson(`${"[".repeat(500)}${"]".repeat(500)}`).ok).toBe(true)
      expect(parseJson(`${"[".repeat(100_000)}${"]".repeat(100_000)}`).ok).toBe(false)
    })

    it("says where it stopped", () => {
      const error = decodedError(parseJson("[1,2,]"))
      expect(error.message).toContain("offset 5")
    })
  })
})
