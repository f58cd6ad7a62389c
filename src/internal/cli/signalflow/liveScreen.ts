/**
 * The terminal under the live display: redrawing a frame in place, with the few escape sequences
 * that needs (move the cursor up, erase to the end of the line and below, hide and show the
 * cursor), kept here so that no other module writes one; and the keyboard while it shows.
 *
 * The escapes are written to the terminal as they are, not through `Output.write`, which removes
 * escapes when colours are off: with `NO_COLOR` the frame is still redrawn in place, only without
 * colours.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

const CSI = "\x1b["
const HIDE_CURSOR = `${CSI}?25l`
const SHOW_CURSOR = `${CSI}?25h`
const ERASE_TO_LINE_END = `${CSI}K`
const ERASE_BELOW = `${CSI}J`
/** To the first column, `lines` lines up. */
const up = (lines: number): string => `\r${CSI}${lines}A`

/**
 * A terminal that shows one frame at a time, from where the cursor was when it was made.
 * @internal
 */
export interface Screen {
  /** The terminal's height in lines. */
  readonly rows: () => number
  /**
   * Replaces the frame drawn last with `lines` (each narrower than the terminal, fewer than its
   * height, so that none wraps or scrolls the frame's top away); the cursor is left below it.
   */
  readonly draw: (lines: ReadonlyArray<string>) => void
  readonly hideCursor: () => void
  readonly showCursor: () => void
}

/** The height assumed of a terminal that does not say. */
const DEFAULT_ROWS = 24

/** @internal */
export const makeScreen = (terminal: NodeJS.WriteStream = process.stdout): Screen => {
  let drawnLines = 0
  return {
    rows: () => terminal.rows || DEFAULT_ROWS,
    draw: (lines) => {
      const back = drawnLines > 0 ? up(drawnLines) : ""
      const frame = lines.map((line) => `${line}${ERASE_TO_LINE_END}\n`).join("")
      drawnLines = lines.length
      // One write: a frame is never seen half drawn.
      terminal.write(`${back}${frame}${ERASE_BELOW}`)
    },
    hideCursor: () => void terminal.write(HIDE_CURSOR),
    showCursor: () => void terminal.write(SHOW_CURSOR)
  }
}

/** ETX, what ^C sends on a terminal in raw mode. @internal */
export const CONTROL_C = 0x03

/** Whether a chunk read from a terminal in raw mode holds a ^C. @internal */
export const hasControlC = (chunk: Buffer | string): boolean =>
  typeof chunk === "string" ? chunk.includes(String.fromCharCode(CONTROL_C)) : chunk.includes(CONTROL_C)

/**
 * The keyboard while the display shows, when its terminal is stdin and nothing else holds it
 * (the prompt does, in raw mode, and reads ^C itself): raw mode, so that what is typed is neither
 * echoed into the frame nor left for the shell; ^C raised as the SIGINT the terminal would have
 * sent, to this process alone, so that the command ends as on any ^C (its finalizers run, exit
 * code 130) and a shell script around it is not interrupted too. Put back when the scope closes.
 * @internal
 */
export const holdKeyboard: Effect.Effect<void, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => {
    const stdin = process.stdin
    if (stdin.isTTY !== true || stdin.isRaw) return undefined
    const onData = (chunk: Buffer | string) => {
      if (hasControlC(chunk)) process.kill(process.pid, "SIGINT")
    }
    stdin.setRawMode(true)
    stdin.on("data", onData)
    stdin.resume()
    return () => {
      stdin.off("data", onData)
      stdin.setRawMode(false)
      stdin.pause()
    }
  }),
  (release) => Effect.sync(() => release?.())
)
