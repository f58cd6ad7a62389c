/**
 * Redrawing a frame in place on a terminal: the few escape sequences the live display needs (move
 * the cursor up, erase to the end of the line and below, hide and show the cursor), kept here so
 * that no other module writes one. They are written to the terminal as they are, not through
 * `Output.write`, which removes escapes when colours are off: with `NO_COLOR` the frame is still
 * redrawn in place, only without colours.
 */

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
