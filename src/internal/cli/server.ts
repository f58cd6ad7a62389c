/**
 * `effect-signalfx server`: the local SignalFx server, as `effect-signalfx-server` starts it.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import { fail } from "./exit.js"
import { describe } from "./help.js"

const options = {
  port: Options.integer("port").pipe(
    Options.withDescription("The port to listen on (0 picks a free one)."),
    Options.withDefault(9943)
  ),
  host: Options.text("host").pipe(
    Options.withDescription("The address to listen on."),
    Options.withDefault("127.0.0.1")
  ),
  token: Options.text("token").pipe(
    Options.withDescription("A token to accept in X-SF-Token; repeat for more (default: any token)."),
    Options.repeated
  ),
  maxBodyBytes: Options.integer("max-body-bytes").pipe(
    Options.withDescription("Answer 413 to a larger request body, as a proxy may (default 20 MiB)."),
    Options.optional
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withDescription("Print each datapoint and event with its values, not only the names.")
  ),
  tls: Options.boolean("tls").pipe(
    Options.withDescription("Serve HTTPS with a self-signed certificate made for the run.")
  ),
  certificateOut: Options.text("tls-cert-out").pipe(
    Options.withDescription("With --tls: where to write that certificate (default a temporary file)."),
    Options.optional
  ),
  cert: Options.file("tls-cert", { exists: "yes" }).pipe(
    Options.withDescription("Serve HTTPS with this certificate (PEM), with --tls-key."),
    Options.optional
  ),
  key: Options.file("tls-key", { exists: "yes" }).pipe(
    Options.withDescription("The certificate's private key (PEM)."),
    Options.optional
  )
} as const

/** @internal */
export const serverCommand = Command.make("server", options, (args) =>
  Effect.gen(function*() {
    if (args.port < 0 || args.port > 65535) {
      return yield* fail("usage", `--port ${args.port} is not a port (0 to 65535)`)
    }
    if (Option.isSome(args.cert) !== Option.isSome(args.key) || (Option.isSome(args.cert) && args.tls)) {
      return yield* fail("usage", "--tls-cert and --tls-key go together, without --tls")
    }
    const tls = args.tls
      ? true as const
      : Option.isSome(args.cert) && Option.isSome(args.key)
      ? { cert: fs.readFileSync(args.cert.value, "utf8"), key: fs.readFileSync(args.key.value, "utf8") }
      : undefined
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        // Loaded when the server starts: `--help` does not parse the whole server.
        try: () =>
          import("./localServer.js").then(({ startServer }) =>
            startServer({
              port: args.port,
              host: args.host,
              tokens: args.token.length === 0 ? undefined : args.token,
              maxBodyBytes: Option.getOrUndefined(args.maxBodyBytes),
              verbose: args.verbose,
              tls,
              certificateOut: Option.getOrUndefined(args.certificateOut)
            })
          ),
        catch: (error) => fail("usage", `the server did not start: ${error instanceof Error ? error.message : error}`)
      }),
      (server) => Effect.promise(() => server.close())
    )
    // Serves until ^C.
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription(describe(
      [
        "A local SignalFx-compatible server: ingest, the metadata and REST API and SignalFlow over what it ingested, with control endpoints (/_fake/…) for tests. Point any SignalFx client at it. It prints a line per batch received and per request refused, never a token. ^C stops it.",
        "The same as the effect-signalfx-server command."
      ],
      [
        ["serve on port 9943, accepting any token", "effect-signalfx server"],
        ["accept only one token, print every datapoint", "effect-signalfx server --port 9943 --token secret --verbose"],
        ["serve HTTPS with a certificate made for the run", "effect-signalfx server --tls --tls-cert-out ca.pem"]
      ]
    ))
  )
