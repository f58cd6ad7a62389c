/**
 * How the command writes: results on stdout (a table for people, `--json` for scripts), warnings
 * and the failure sentence on stderr, colours only on a terminal and never with `NO_COLOR`, and
 * a progress line on stderr for work that takes longer than a moment.
 */
import * as Options from "@effect/cli/Options"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { stripVTControlCharacters, styleText } from "node:util"
import { peerText } from "../../core/peerText.js"

/** `--json`: every command that prints a table prints JSON instead (one value, or one per line). @internal */
export const jsonOption = Options.boolean("json").pipe(
  Options.withDescription("Print JSON for scripts instead of a table.")
)

/** What a colour is used for, each one style. @internal */
export type Tone = "heading" | "dim" | "good" | "bad" | "warn" | "accent"

const styles: Record<Tone, Parameters<typeof styleText>[0]> = {
  heading: "bold",
  dim: "dim",
  good: "green",
  bad: "red",
  warn: "yellow",
  accent: "cyan"
}

/**
 * Whether to colour a stream: a terminal, with `NO_COLOR` unset or empty (no-color.org), or
 * `FORCE_COLOR` set to anything but `0`.
 * @internal
 */
export const colorFor = (stream: { readonly isTTY?: boolean | undefined }, env: NodeJS.ProcessEnv): boolean => {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  return stream.isTTY === true
}

/** @internal */
export interface Service {
  /** Whether stdout is a terminal (a live display redraws there; elsewhere it prints lines). */
  readonly isTTY: boolean
  /** Whether stdout is coloured. */
  readonly color: boolean
  /** The terminal's width, or 80 when stdout is not one. */
  readonly columns: () => number
  /** `text` in the tone's colour when colouring, else as it is. */
  readonly paint: (tone: Tone, text: string) => string
  /** Writes a line to stdout (colour codes removed when not colouring). */
  readonly line: (text: string) => Effect.Effect<void>
  /** Writes text to stdout as it is, no newline added (colour codes removed when not colouring). */
  readonly write: (text: string) => Effect.Effect<void>
  /** Writes a value as one line of JSON to stdout. */
  readonly json: (value: unknown) => Effect.Effect<void>
  /** Writes a warning line to stderr, prefixed `effect-signalfx: `. */
  readonly warn: (text: string) => Effect.Effect<void>
  /** `warn`, outside Effect: for a logger, which writes synchronously. */
  readonly unsafeWarn: (text: string) => void
  /**
   * Columns aligned under their headings (a heading row, then a row per item), or, with
   * `--json`, the items as one JSON array.
   */
  readonly table: <A>(
    items: ReadonlyArray<A>,
    columns: ReadonlyArray<readonly [heading: string, cell: (item: A) => string]>,
    json: boolean
  ) => Effect.Effect<void>
  /**
   * Shows `text` on stderr as a progress line, redrawn in place, once the work has taken longer
   * than a moment and only on a terminal; the line is cleared when the scope closes. The
   * returned function updates the text.
   */
  readonly progress: (text: string) => Effect.Effect<(text: string) => void, never, Scope.Scope>
}

/** The command's output. @internal */
export class Output extends Context.Tag("effect-signalfx/cli/Output")<Output, Service>() {}

/** How long work runs before a progress line appears: a moment, so that quick work shows none. */
const PROGRESS_AFTER_MILLIS = 700

/** The widest cell a table prints: a server's long value does not push every column off the screen. */
const MAX_CELL = 80

/** @internal */
export const make = (
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env
): Service => {
  const color = colorFor(stdout, env)
  const errorColor = colorFor(stderr, env)
  const plain = (text: string, colored: boolean) => colored ? text : stripVTControlCharacters(text)
  const paint = (tone: Tone, text: string) => color ? styleText(styles[tone], text) : text
  const write = (text: string) => Effect.sync(() => void stdout.write(plain(text, color)))
  const line = (text: string) => write(`${text}\n`)
  const cell = (text: string) => peerText(text, MAX_CELL)
  const unsafeWarn = (text: string) =>
    void stderr.write(`${errorColor ? styleText("yellow", "effect-signalfx:") : "effect-signalfx:"} ${text}\n`)
  return {
    isTTY: stdout.isTTY === true,
    color,
    columns: () => (stdout.isTTY && stdout.columns) || 80,
    paint,
    write,
    line,
    json: (value) => line(JSON.stringify(value)),
    warn: (text) => Effect.sync(() => unsafeWarn(text)),
    unsafeWarn,
    table: (items, columns, json) => {
      if (json) return line(JSON.stringify(items))
      const rows = items.map((item) => columns.map(([, render]) => cell(render(item))))
      const widths = columns.map(([heading], index) =>
        Math.max(heading.length, ...rows.map((row) => row[index]?.length ?? 0))
      )
      const format = (cells: ReadonlyArray<string>) =>
        cells.map((text, index) => index === cells.length - 1 ? text : text.padEnd(widths[index] ?? 0)).join("  ")
          .trimEnd()
      return line(
        [paint("heading", format(columns.map(([heading]) => heading))), ...rows.map(format)].join("\n")
      )
    },
    progress: (text) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          let current = text
          let shown = false
          const draw = () => {
            shown = true
            stderr.write(`\r\x1b[2K${plain(current, errorColor)}`)
          }
          const timer = stderr.isTTY ? setTimeout(draw, PROGRESS_AFTER_MILLIS) : undefined
          timer?.unref()
          const update = (next: string) => {
            current = next
            if (shown) draw()
          }
          const clear = () => {
            clearTimeout(timer)
            if (shown) stderr.write("\r\x1b[2K")
          }
          return { update, clear }
        }),
        ({ clear }) => Effect.sync(clear)
      ).pipe(Effect.map(({ update }) => update))
  }
}

/** The output on the process's stdout and stderr. @internal */
export const layer: Layer.Layer<Output> = Layer.sync(Output, () => make())
