import { describe, expect, it } from "@effect/vitest"
import { Effect, Tracer } from "effect"
import { FakeSignalFx } from "../../src/testing/index.js"
import { startIngest } from "./support.js"

describe("Ingest and tracing", () => {
  it.scopedLive("exporting creates no spans and propagates no trace headers", () =>
    Effect.gen(function*() {
      const native = yield* Effect.tracer
      const spans: Array<string> = []
      const recording = Tracer.make({
        span: (name, ...rest) => {
          spans.push(name)
          return native.span(name, ...rest)
        },
        context: (f, fiber) => native.context(f, fiber)
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
