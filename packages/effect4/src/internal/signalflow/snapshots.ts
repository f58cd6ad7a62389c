/**
 * `byTimestamp`: the core's gathering of a computation's messages into one snapshot per logical
 * timestamp (src/core/signalflow/snapshots.ts), over a `Stream`.
 */
import * as Stream from "effect/Stream"
import { Gatherer } from "../../core/signalflow/snapshots.js"
import type { Message, Snapshot } from "../../SignalFlow.js"

/** @internal */
export const byTimestamp = <E, R>(self: Stream.Stream<Message, E, R>): Stream.Stream<Snapshot, E, R> =>
  Stream.suspend(() => {
    const gatherer = new Gatherer()
    return self.pipe(
      Stream.map((message) => gatherer.push(message)),
      Stream.flattenIterable,
      Stream.concat(Stream.suspend(() => Stream.fromIterable(gatherer.flush())))
    )
  })
