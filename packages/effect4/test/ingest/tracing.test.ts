import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"
import { describe, expect } from "vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { startIngest } from "./support.js"

describe("Ingest and tracing (Effect 4)", () => {
  effect("exporting creates no spans and propagates no trace headers", () =>
    Effect.gen(function*() {
      const native = yield* Effect.tracer
      const spans: Array<string> = []
      const recording = Tracer.make({
        span(options) {
          spans.push(options.name)
          return native.span(options)
        },
        ...(native.context === undefined ? {} : { context: native.context })
      })
      yield* Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server)
        yield* ingest.send({ gauges: [{ metric: "traced", value: 1 }] }).pipe(Effect.withSpan("application"))
        yield* ingest.flush
        yield* close
        expect(server.datapoints()).toHaveLength(1)
        const headers = Object.keys(server.requests()[0]!.headers)
        expect(headers.filter((name) => ["traceparent", "b3", "tracestate"].includes(name))).toEqual([])
      }).pipe(Effect.withTracer(recording))
      // The application's own span is there: the recorder works, and nothing else was traced.
      expect(spans).toEqual(["application"])
    }))
})
