/**
 * The times and durations `send` and `event` read: every form --timestamp and --timeout take,
 * and the refusal of what is none of them.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { parseDuration, parseTime } from "../../../src/internal/cli/send/time.js"

const NOW = Date.UTC(2026, 11, 7, 20, 0, 0)

describe("parseTime", () => {
  it("reads milliseconds, now, ISO times and times relative to now", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["1765137600000", 1765137600000],
      ["now", NOW],
      ["2026-12-07T19:00:00Z", Date.UTC(2026, 11, 7, 19)],
      ["2026-12-07T21:30:00+02:00", Date.UTC(2026, 11, 7, 19, 30)],
      ["2026-12-07", Date.UTC(2026, 11, 7)],
      ["-500ms", NOW - 500],
      ["-30s", NOW - 30_000],
      ["-1.5m", NOW - 90_000],
      ["-2h", NOW - 7_200_000],
      ["-1d", NOW - 86_400_000],
      ["-1w", NOW - 604_800_000],
      ["-1h30m", NOW - 5_400_000],
      ["+5m", NOW + 300_000]
    ]
    for (const [text, millis] of cases) assert.deepStrictEqual(parseTime(text, NOW), Either.right(millis), text)
  })

  it("refuses anything else, naming the forms it takes", () => {
    for (const text of ["yesterday", "5m", "-5", "-5y", "March 7", "2026-13-45", "2026-02-30", "1.5", ""]) {
      const parsed = parseTime(text, NOW)
      assert.isTrue(Either.isLeft(parsed), text)
      if (Either.isLeft(parsed)) assert.include(parsed.left, "is not a time: give milliseconds since the epoch")
    }
  })
})

describe("parseDuration", () => {
  it("reads seconds, or a number and a unit", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["30", 30_000],
      ["500ms", 500],
      ["2.5s", 2_500],
      ["2m", 120_000],
      ["1h", 3_600_000],
      ["1m30s", 90_000],
      ["1d", 86_400_000]
    ]
    for (const [text, millis] of cases) {
      const parsed = parseDuration(text)
      assert.isTrue(Either.isRight(parsed), text)
      if (Either.isRight(parsed)) assert.strictEqual(Duration.toMillis(parsed.right), millis, text)
    }
  })

  it("refuses zero, negatives and words, saying why", () => {
    const reasons: ReadonlyArray<readonly [string, string]> = [
      ["0", "\"0\" is not a duration: give one longer than zero"],
      ["0s", "\"0s\" is not a duration: give one longer than zero"],
      ["-1s", "\"-1s\" is not a duration: give a number and a unit"],
      ["soon", "\"soon\" is not a duration: give a number and a unit"],
      ["", "\"\" is not a duration: give a number and a unit"]
    ]
    for (const [text, reason] of reasons) {
      const parsed = parseDuration(text)
      assert.isTrue(Either.isLeft(parsed), text)
      if (Either.isLeft(parsed)) assert.include(parsed.left, reason, text)
    }
  })
})
