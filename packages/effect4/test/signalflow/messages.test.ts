/** The Effect 4 message schemas, through the core's classifier: the same decodings as Effect 3's. */
import { describe, expect, it } from "vitest"
import { classify } from "../../src/internal/signalflow/messages.js"

describe("Effect 4 message decoding", () => {
  it("decodes each message type the service sends, without its channel", () => {
    const messages = [
      { type: "control-message", channel: "c", event: "STREAM_START", timestampMs: 1 },
      { type: "control-message", channel: "c", event: "JOB_START", handle: "HANDLE", timestampMs: 2 },
      { type: "control-message", channel: "c", event: "JOB_PROGRESS", progress: 50, timestampMs: 3 },
      {
        type: "message",
        channel: "c",
        logicalTimestampMs: 1464736034000,
        message: {
          messageCode: "JOB_RUNNING_RESOLUTION",
          messageLevel: "INFO",
          timestampMs: 1464736033000,
          contents: { resolutionMs: 1000 }
        }
      },
      {
        type: "metadata",
        channel: "c",
        tsId: "AAAAAOQElGM",
        properties: { sf_metric: "cpu", sf_resolutionMs: 1000, host: "a" }
      },
      {
        type: "data",
        channel: "c",
        logicalTimestampMs: 5,
        data: [{ tsId: "AAAAAOQElGM", value: 1.5 }, { tsId: "x", value: null }]
      },
      {
        type: "event",
        channel: "c",
        tsId: "E",
        timestampMs: 6,
        metadata: { sf_eventType: "x" },
        properties: { is: "ok" }
      },
      { type: "expired-tsid", channel: "c", tsId: "AAAAAOQElGM" }
    ]
    for (const raw of messages) {
      const { channel: _channel, ...expected } = raw
      expect(classify(raw)).toEqual({ _tag: "Message", message: expected })
    }
    // An event without metadata or properties gets empty ones.
    expect(classify({ type: "event", tsId: "E", timestampMs: 6 })).toEqual({
      _tag: "Message",
      message: { type: "event", tsId: "E", timestampMs: 6, metadata: {}, properties: {} }
    })
  })

  it("keeps the fields of information messages it does not name", () => {
    const classified = classify({
      type: "message",
      logicalTimestampMs: 1,
      message: { messageCode: "FIND_LIMITED_RESULT_SET", contents: { matchedSize: 10, limitSize: 5 }, extra: true }
    })
    expect(classified).toMatchObject({
      _tag: "Message",
      message: {
        message: { messageCode: "FIND_LIMITED_RESULT_SET", contents: { matchedSize: 10, limitSize: 5 }, extra: true }
      }
    })
  })

  it("recognises the end of the channel, aborts (both spellings) and both shapes of errors", () => {
    expect(classify({ type: "control-message", event: "END_OF_CHANNEL", timestampMs: 1 })).toEqual({ _tag: "End" })
    const abortInfo = { sf_job_abortState: "STOPPED", sf_job_abortReason: "Stopped by user" }
    for (const event of ["CHANNEL_ABORT", "ABORT_CHANNEL"]) {
      expect(classify({ type: "control-message", event, abortInfo })).toEqual({
        _tag: "Abort",
        state: "STOPPED",
        reason: "Stopped by user"
      })
    }
    expect(classify({ type: "control-message", event: "CHANNEL_ABORT" })).toMatchObject({
      _tag: "Abort",
      state: "ABORTED"
    })
    const errors = [{ code: "ANALYTICS_PROGRAM_NAME_ERROR", context: { line: 1, column: 1, reference: "dta" } }]
    expect(classify({ type: "error", channel: "c", errors })).toEqual({ _tag: "Error", errors })
    expect(classify({ type: "error", channel: "c", error: 400, errorType: "BAD_REQUEST", message: "no" })).toEqual({
      _tag: "Error",
      errors: [{ code: 400, errorType: "BAD_REQUEST", message: "no" }]
    })
  })

  it("skips unknown types and malformed messages with a reason, never throws", () => {
    expect(classify({ type: "log-data", channel: "c" })).toEqual({ _tag: "Unknown", what: "message type log-data" })
    expect(classify({ type: "control-message", event: "SOMETHING_NEW" })).toEqual({
      _tag: "Unknown",
      what: "control-message SOMETHING_NEW"
    })
    expect(classify({ channel: "c" })).toMatchObject({ _tag: "Unknown" })
    expect(classify("text")).toMatchObject({ _tag: "Malformed", problem: "not a JSON object" })
    const malformed = classify({ type: "metadata", tsId: 5, properties: {} })
    expect(malformed).toMatchObject({ _tag: "Malformed", what: "metadata" })
    expect(malformed._tag === "Malformed" && malformed.problem).toContain("tsId")
    expect(classify({ type: "data", logicalTimestampMs: "soon", data: [] })).toMatchObject({ _tag: "Malformed" })
  })
})
