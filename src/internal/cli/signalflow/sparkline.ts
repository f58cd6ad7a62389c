/**
 * The sparkline of a time series' last values: eight block characters scaled between the values'
 * minimum and maximum, a space for a missing value, the middle block for a constant series.
 *
 * This is the scale of the `sparkly` package (Sindre Sorhus's), written here rather than imported:
 * sparkly 6 imports chalk 4, a CommonJS module that `require`s `os` and `tty` at load, which the
 * command's ES module bundle cannot do: every command, `--help` included, failed at start-up with
 * "Dynamic require of "os" is not supported". Its one other feature, colour, is not wanted here
 * either: colours go through `Output.paint`, so that `NO_COLOR` is honoured in one place.
 */

const TICKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const
/** A constant series, with nothing to scale: a middle block, so that it shows as a level line. */
const LEVEL = "▅"
const GAP = " "

/**
 * One character per value, scaled between the finite values' minimum and maximum; a space where
 * a timestamp had no value (or not a finite one).
 * @internal
 */
export const sparkline = (values: ReadonlyArray<number | null>): string => {
  const finite = values.filter((value): value is number => value !== null && Number.isFinite(value))
  const minimum = Math.min(...finite)
  const range = Math.max(...finite) - minimum
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return GAP
    if (range === 0) return LEVEL
    const tick = Math.ceil(((value - minimum) / range) * TICKS.length) - 1
    return TICKS[Math.min(TICKS.length - 1, Math.max(0, tick))]
  }).join("")
}
