/**
 * `byTimestamp`: the core's gathering of a computation's messages into one snapshot per logical
 * timestamp (src/core/signalflow/snapshots.ts), over a `Stream`.
 */
import type * as Stream_ from "effect/Stream"
import * as Stream from "effect/Stream"
import { Gatherer } from "../../core/signalflow/snapshots.js"
import type { Message, Snapshot } from "../../SignalFlow.js"

/** @internal */
export const byTimestamp = <E, R>(self: Stream_.Stream<Message, E, R>): Stream_.Stream<Snapshot, E, R> =>
  Stream.suspend(() => {
    const gatherer = new Gatherer()
    return self.pipe(
      Stream.mapConcat((message) => gatherer.push(message)),
      Stream.concat(Stream.suspend(() => Stream.fromIterable(gatherer.flush())))
    )
  })
