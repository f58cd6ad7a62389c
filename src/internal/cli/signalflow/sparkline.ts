/**
 * The sparkline of a time series' last values, drawn by `sparkly` (Sindre Sorhus's): eight block
 * characters scaled between the values' minimum and maximum, a space for a missing value. Its
 * colour style is not used: colours go through `Output.paint`, so that `NO_COLOR` is honoured in
 * one place.
 */
import sparkly from "sparkly"

/**
 * One character per value; a space where a timestamp had no value (or not a finite one).
 * @internal
 */
export const sparkline = (values: ReadonlyArray<number | null>): string =>
  sparkly(values.map((value) => value ?? Number.NaN))
