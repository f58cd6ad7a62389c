/**
 * The one grammar of times and durations (src/core/time.ts) that `send`, `signalflow`, the prompt
 * and the local server read: every form it takes, and the refusal of what is none of them.
 */
import { assert, describe, it } from "@effect/vitest"
import { durationForms, parseDuration, parseRelativeTime, parseTime, TIME_FORMS } from "../../src/core/time.js"

const NOW = Date.UTC(2026, 11, 7, 20, 0, 0)

describe("parseTime", () => {
  it("reads milliseconds, now, ISO times and times relative to now", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["1765137600000", 1765137600000],
      ["0", 0],
      ["now", NOW],
      [" NOW ", NOW],
      ["2026-12-07T19:00:00Z", Date.UTC(2026, 11, 7, 19)],
      ["2026-12-07t19:00:00.250z", Date.UTC(2026, 11, 7, 19, 0, 0, 250)],
      ["2026-12-07 19:00Z", Date.UTC(2026, 11, 7, 19)],
      ["2026-12-07T21:30:00+02:00", Date.UTC(2026, 11, 7, 19, 30)],
      ["2026-12-07T21:30:00+0200", Date.UTC(2026, 11, 7, 19, 30)],
      ["2026-12-07", Date.UTC(2026, 11, 7)],
      ["2026-12-07T19:00:00", new Date(2026, 11, 7, 19).getTime()],
      ["-500ms", NOW - 500],
      ["-30s", NOW - 30_000],
      ["-1.5m", NOW - 90_000],
      ["-15m", NOW - 15 * 60_000],
      ["-1h30m", NOW - 90 * 60_000],
      ["-2h", NOW - 7_200_000],
      ["-1d", NOW - 86_400_000],
      ["-1w", NOW - 604_800_000],
      ["+5m", NOW + 300_000],
      ["+30s", NOW + 30_000]
    ]
    for (const [text, millis] of cases) assert.strictEqual(parseTime(text, NOW), millis, text)
  })

  it("refuses anything else", () => {
    const refused = [
      "",
      "yesterday",
      "May 1",
      "March 7",
      "5m",
      "-5",
      "+5",
      "-5y",
      "-15x",
      "-10 seconds",
      "-",
      "1.5",
      "-1.5.2s",
      "2026-13-45",
      "2026-02-30",
      "2026-12-07T25:00Z",
      "99999999999999999",
      "9999999999999999",
      `-${"1s".repeat(60)}`
    ]
    for (const text of refused) assert.isUndefined(parseTime(text, NOW), text)
  })

  it("names every form it takes", () => {
    for (const form of ["milliseconds since the epoch", "ISO time", "-15m", "-1h30m", "+5m", "now"]) {
      assert.include(TIME_FORMS, form)
    }
  })
})

describe("parseRelativeTime", () => {
  it("reads now and signed compact durations, and nothing else", () => {
    assert.strictEqual(parseRelativeTime("now", NOW), NOW)
    assert.strictEqual(parseRelativeTime("-10m", NOW), NOW - 600_000)
    assert.strictEqual(parseRelativeTime("+1h30m", NOW), NOW + 5_400_000)
    for (const text of ["1765137600000", "-5000", "2026-12-07", "10m", "-10 minutes"]) {
      assert.isUndefined(parseRelativeTime(text, NOW), text)
    }
  })
})

describe("parseDuration", () => {
  it("reads compact durations, Effect's unit words and bare milliseconds", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["10s", 10_000],
      ["1m30s", 90_000],
      ["500ms", 500],
      ["2.5s", 2_500],
      ["1.5m", 90_000],
      ["2m", 120_000],
      ["1h", 3_600_000],
      ["1d", 86_400_000],
      ["1w", 604_800_000],
      ["2500", 2500],
      ["0", 0],
      ["0s", 0],
      [" 10 seconds ", 10_000],
      ["1 minute", 60_000],
      ["250 millis", 250]
    ]
    for (const [text, millis] of cases) assert.strictEqual(parseDuration(text), millis, text)
  })

  it("counts a bare number in the unit its caller documents", () => {
    assert.strictEqual(parseDuration("30", "s"), 30_000)
    assert.strictEqual(parseDuration("1.5", "s"), 1500)
    assert.strictEqual(parseDuration("30s", "s"), 30_000)
    assert.strictEqual(parseDuration("30"), 30)
  })

  it("refuses negatives, words and malformed numbers", () => {
    for (const text of ["", "fast", "soon", "-1s", "-10 seconds", "1.5.2s", "10x", "10 fortnights", "10 nanos", "s"]) {
      assert.isUndefined(parseDuration(text), text)
    }
  })

  it("names its forms, with the unit of a bare number", () => {
    assert.include(durationForms("ms"), "a number of milliseconds")
    assert.include(durationForms("s"), "a number of seconds")
    assert.include(durationForms("s"), "1m30s")
  })
})
