/**
 * `--output live`: a computation's output as it arrives.
 *
 * On a terminal, one frame redrawn in place (at most ten times a second): a header with the
 * program and the last logical timestamp, a row per time series with its name, a sparkline of its
 * last 10 values, its last value, minimum and maximum, as many rows as the terminal holds (then
 * `+N more series`), and the latest events. ^C (the command's interruption; read as a key when
 * the display holds the keyboard, see `holdKeyboard`) and the end of a past range both leave the
 * last frame on the screen and the cursor shown. A terminal resized narrower while a frame shows
 * may leave that frame's rewrapped lines above the next one.
 *
 * Elsewhere (a pipe, a file), nothing is redrawn: one plain line per logical timestamp, its fields
 * separated by tabs: the time (ISO 8601, UTC), then `name: value` per time series (`-` for no
 * value). Names are peer text, in which a tab is written `\t`, so a tab always separates fields.
 * Events are not printed there.
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as SignalFlow from "../../../SignalFlow.js"
import type { Service } from "../output.js"
import { Output } from "../output.js"
import { Board } from "./liveBoard.js"
import { holdKeyboard, makeScreen } from "./liveScreen.js"
import { formatTime, seriesLabel } from "./liveText.js"

/** The least time between two frames: a past range's thousand timestamps draw a few frames, not a thousand. */
const REDRAW_INTERVAL = "100 millis"

/**
 * A snapshot as one plain line: the time, then `name: value` per time series, tab-separated.
 * @internal
 */
export const plainLine = (snapshot: SignalFlow.Snapshot): string =>
  [
    formatTime(snapshot.logicalTimestampMs),
    ...snapshot.values.map((value) =>
      `${seriesLabel(value.metadata, value.tsId)}: ${value.value === null ? "-" : String(value.value)}`
    )
  ].join("\t")

const plainLines = <E>(messages: Stream.Stream<SignalFlow.Message, E>, output: Service): Effect.Effect<void, E> =>
  messages.pipe(SignalFlow.byTimestamp, Stream.runForEach((snapshot) => output.line(plainLine(snapshot))))

const redrawn = <E>(
  messages: Stream.Stream<SignalFlow.Message, E>,
  program: string,
  output: Service
): Effect.Effect<void, E> =>
  Effect.gen(function*() {
    const board = new Board(program)
    const screen = makeScreen()
    const draw = () => {
      if (board.started) {
        screen.draw(board.render({ columns: output.columns(), rows: screen.rows(), paint: output.paint }))
      }
    }
    // Released last, after the drawing fiber is stopped: the final frame, whatever ended the
    // computation (its end, a failure, ^C), then the cursor back.
    yield* Effect.acquireRelease(
      Effect.sync(screen.hideCursor),
      () =>
        Effect.sync(() => {
          draw()
          screen.showCursor()
        })
    )
    yield* holdKeyboard
    // A message marks the frame stale; the drawing fiber draws it, then rests, so that a burst of
    // messages costs one frame.
    const stale = yield* Queue.sliding<true>(1)
    yield* Queue.take(stale).pipe(
      Effect.zipRight(Effect.sync(draw)),
      Effect.zipRight(Effect.sleep(REDRAW_INTERVAL)),
      Effect.forever,
      Effect.forkScoped
    )
    yield* Stream.runForEach(messages, (message) =>
      Effect.zipRight(
        Effect.sync(() => board.push(message)),
        Queue.offer(stale, true)
      ))
  }).pipe(Effect.scoped)

/**
 * Shows a computation's output until it ends or ^C: on a terminal a row per time series with its
 * dimensions, last value, min, max and a sparkline, redrawn in place; elsewhere a plain line per
 * timestamp.
 * @internal
 */
export const live = <E>(
  messages: Stream.Stream<SignalFlow.Message, E>,
  options: { readonly program: string }
): Effect.Effect<void, E, Output> =>
  Effect.flatMap(
    Output,
    (output) => output.isTTY ? redrawn(messages, options.program, output) : plainLines(messages, output)
  )
