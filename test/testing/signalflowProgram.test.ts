import { assert, describe, it } from "@effect/vitest"
import { compile } from "../../src/core/testing/signalflow/compile.js"
import { parse, tokenize } from "../../src/core/testing/signalflow/parser.js"
import { ProgramError } from "../../src/core/testing/signalflow/syntax.js"

const refusal = (program: string): ProgramError => {
  try {
    compile(program)
  } catch (error) {
    if (error instanceof ProgramError) return error
    throw error
  }
  throw new Error(`compiled: ${program}`)
}

describe("the SignalFlow tokenizer", () => {
  it("reads names, strings with escapes, numbers and punctuation, and drops comments", () => {
    const tokens = tokenize("A = data(\"a\\\"b\", x=1.5e3) # comment\n")
    assert.deepStrictEqual(tokens.map((token) => [token.kind, token.text]), [
      ["name", "A"],
      ["punct", "="],
      ["name", "data"],
      ["punct", "("],
      ["string", "a\"b"],
      ["punct", ","],
      ["name", "x"],
      ["punct", "="],
      ["number", "1.5e3"],
      ["punct", ")"],
      ["newline", "\n"],
      ["end", ""]
    ])
  })

  it("ignores newlines inside brackets, as Python does", () => {
    const kinds = tokenize("data(\n  'cpu',\n)\n").map((token) => token.kind)
    assert.deepStrictEqual(kinds, ["name", "punct", "string", "punct", "punct", "newline", "end"])
  })

  it("reports an unterminated string where it starts", () => {
    const error = (() => {
      try {
        tokenize("\n  data('cpu)")
        return undefined
      } catch (error) {
        return error
      }
    })()
    assert.instanceOf(error, ProgramError)
    assert.deepStrictEqual([error.position.line, error.position.column], [2, 8])
  })
})

describe("the SignalFlow parser", () => {
  it("gives and a higher precedence than or, and not the highest", () => {
    const [statement] = parse("f = not a or b and c")
    assert.strictEqual(statement!.target, "f")
    const expression = statement!.expression
    assert.strictEqual(expression._tag, "Logical")
    if (expression._tag !== "Logical") return
    assert.strictEqual(expression.operator, "or")
    assert.strictEqual(expression.left._tag, "Not")
    assert.strictEqual(expression.right._tag, "Logical")
  })

  it("chains method calls and reads keyword arguments", () => {
    const [statement] = parse("data('cpu').sum(by=['host', 'region']).publish(label='x')")
    const expression = statement!.expression
    assert.strictEqual(expression._tag, "Method")
    if (expression._tag !== "Method") return
    assert.strictEqual(expression.name, "publish")
    assert.strictEqual(expression.args[0]!.name, "label")
    assert.strictEqual(expression.target._tag, "Method")
  })

  it("separates statements by newlines and semicolons", () => {
    assert.strictEqual(parse("A = data('a'); A.publish()\n\n# done\nA.publish('b')").length, 3)
  })

  it("refuses two expressions on one line", () => {
    const error = refusal("data('a') data('b')")
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.deepStrictEqual([error.position.line, error.position.column], [1, 11])
  })
})

describe("the SignalFlow compiler", () => {
  it("compiles publishes in program order, with their filters and aggregations", () => {
    const plan = compile([
      "f = filter('env', 'prod') and not filter('host', 'db-*')",
      "A = data('cpu', filter=f, rollup='max')",
      "A.publish('raw')",
      "A.mean(by=['region']).max().publish()"
    ].join("\n"))
    assert.deepStrictEqual(plan.publishes.map((publish) => publish.label), ["raw", undefined])
    assert.deepStrictEqual(plan.publishes[0]!.stream.filter, {
      _tag: "And",
      left: { _tag: "Match", key: "env", patterns: ["prod"] },
      right: { _tag: "Not", operand: { _tag: "Match", key: "host", patterns: ["db-*"] } }
    })
    assert.strictEqual(plan.publishes[0]!.stream.rollup, "max")
    assert.deepStrictEqual(plan.publishes[1]!.stream.aggregations, [
      { op: "mean", by: ["region"] },
      { op: "max", by: undefined }
    ])
  })

  it("skips a publish with enable=False", () => {
    assert.strictEqual(compile("data('a').publish('x', enable=False)").publishes.length, 0)
  })

  it("refuses what is outside the subset with the service's kinds of error", () => {
    assert.strictEqual(refusal("detect(when(data('a') > 1))").errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.strictEqual(refusal("detect(data('a'))").errorType, "ANALYTICS_PROGRAM_NAME_ERROR")
    assert.strictEqual(refusal("nosuch('a')").reference, "nosuch")
    assert.strictEqual(refusal("data('a').top(5)").errorType, "ANALYTICS_PROGRAM_NAME_ERROR")
    assert.strictEqual(refusal("data(5)").errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
    assert.strictEqual(refusal("data('a', filter='b')").errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
    assert.strictEqual(refusal("filter('a', 'b') and data('a')").errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
    assert.strictEqual(refusal("data('a', rollup='median')").errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
    assert.strictEqual(refusal("data('a').sum(by=[1])").errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
    assert.strictEqual(refusal("filter('a')").errorType, "ANALYTICS_PROGRAM_TYPE_ERROR")
  })

  it("refuses syntax outside the subset before evaluating anything, where it stands", () => {
    const error = refusal("nosuch('a') + 1")
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.deepStrictEqual([error.position.line, error.position.column], [1, 13])
    assert.include(error.message, "the operator \"+\" is not supported by the local SignalFlow server")
    assert.strictEqual(refusal("data('a', filter=lambda x: x)").errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    // A negative number is still a number, not an operator.
    assert.include(refusal("data('a').sum(by=-1)").message, "not a number")
  })

  it("bounds a chain of method calls as it bounds brackets", () => {
    const error = refusal(`data('a')${".sum()".repeat(5_000)}.publish()`)
    assert.strictEqual(error.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.include(error.message, "nest more than 200 deep")
  })
})
