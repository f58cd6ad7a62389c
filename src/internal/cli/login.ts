/**
 * `effect-signalfx login`: logs a user in with an email and password (the library's
 * `Rest.login`) and keeps the session token where every later command finds it
 * (`savedTokenPath()`), readable by the user alone. The password is asked for without echo on a
 * terminal, or read from the first line of stdin elsewhere; it and the token never reach the
 * screen, an error message or a log.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Rest from "../../Rest.js"
import { apiUrl, realm } from "../config.js"
import { connectionOptions, httpClientLayer, savedTokenPath } from "./common.js"
import type { CliError } from "./exit.js"
import { fail } from "./exit.js"
import { describe } from "./help.js"
import * as Output from "./output.js"

/** The longest first line of stdin read as a password: a password is far shorter. */
const MAX_PASSWORD_BYTES = 4 * 1024

const options = {
  email: Options.text("email").pipe(
    Options.withDescription("The user's email; asked for on a terminal when not given."),
    Options.optional
  ),
  organizationId: Options.text("organization-id").pipe(
    Options.withDescription("The organization to log in to, when the email belongs to several."),
    Options.optional
  ),
  tokenFile: Options.text("token-file").pipe(
    Options.withDescription(
      "Save the session token in this file instead of the one every command reads by default; give it to later commands with --token-file."
    ),
    Options.optional
  ),
  print: Options.boolean("print").pipe(
    Options.withDescription(
      "Write the session token to stdout instead of saving it, for `export SPLUNK_ACCESS_TOKEN=$(…)`; refused when stdout is a terminal."
    )
  ),
  realm: connectionOptions.realm,
  apiUrl: connectionOptions.apiUrl
} as const

/**
 * The first line of `input` (without its line ending), at most {@link MAX_PASSWORD_BYTES}: what
 * `docker login --password-stdin` reads. Nothing on stdin is a usage mistake.
 */
const readFirstLine = (input: NodeJS.ReadStream): Effect.Effect<Redacted.Redacted<string>, CliError> =>
  Effect.async<string, CliError>((resume) => {
    let received = ""
    const finish = (result: Effect.Effect<string, CliError>) => {
      cleanup()
      resume(result)
    }
    const onData = (chunk: Buffer | string) => {
      received += chunk.toString()
      const end = received.indexOf("\n")
      if (end >= 0) finish(Effect.succeed(received.slice(0, end)))
      else if (received.length > MAX_PASSWORD_BYTES) {
        finish(Effect.fail(fail("usage", `the first line of stdin is longer than ${MAX_PASSWORD_BYTES} bytes`)))
      }
    }
    const onEnd = () => finish(Effect.succeed(received))
    const onError = (error: Error) => finish(Effect.fail(fail("usage", `cannot read stdin: ${error.message}`)))
    const cleanup = () => {
      input.off("data", onData).off("end", onEnd).off("error", onError)
      input.pause()
    }
    input.on("data", onData).on("end", onEnd).on("error", onError)
    return Effect.sync(cleanup)
  }).pipe(
    Effect.map((line) => line.replace(/\r$/, "")),
    Effect.filterOrFail(
      (line) => line !== "",
      () => fail("usage", "no password on stdin: give it as the first line, or run login in a terminal to be asked")
    ),
    Effect.map(Redacted.make)
  )

/** ^C or ^D at a prompt: the user gave up. */
const quitToCliError = () => fail("interrupted", "login cancelled")

/**
 * The email and password: from the options and stdin, or asked for on a terminal (the password
 * with `Prompt.hidden`, which echoes nothing at all, not even a mask that would tell its length).
 */
const credentials = (email: Option.Option<string>) =>
  Effect.gen(function*() {
    if (!process.stdin.isTTY) {
      if (Option.isNone(email)) {
        return yield* fail("usage", "give --email when the password comes from stdin")
      }
      return { email: email.value, password: yield* readFirstLine(process.stdin) }
    }
    const given = Option.isSome(email) ? email.value : yield* Prompt.text({
      message: "Email",
      validate: (text) => text.trim() === "" ? Effect.fail("an email, please") : Effect.succeed(text.trim())
    }).pipe(Effect.catchTag("QuitException", () => Effect.fail(quitToCliError())))
    const password = yield* Prompt.hidden({
      message: `Password for ${given}`,
      validate: (text) => text === "" ? Effect.fail("a password, please") : Effect.succeed(text)
    }).pipe(Effect.catchTag("QuitException", () => Effect.fail(quitToCliError())))
    return { email: given, password }
  })

/**
 * Writes the token to `file`, readable and writable by the user alone (0600), its folder made
 * 0700 when missing. It goes to a fresh file first and is renamed into place, so the token is
 * never in a file with a wider mode, nor half written.
 */
const saveToken = (file: string, token: Redacted.Redacted<string>): Effect.Effect<void, CliError> =>
  Effect.try({
    try: () => {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
      const fresh = `${file}.${process.pid}.tmp`
      fs.writeFileSync(fresh, `${Redacted.value(token)}\n`, { mode: 0o600, flag: "wx" })
      try {
        fs.renameSync(fresh, file)
      } catch (error) {
        fs.rmSync(fresh, { force: true })
        throw error
      }
    },
    catch: (error) =>
      fail("failure", `cannot save the session token in ${file}: ${error instanceof Error ? error.message : error}`)
  })

const REFUSED =
  "the login was refused: check the email and the password (and give --organization-id when the email belongs to several organizations)"

/** @internal */
export const loginCommand = Command.make("login", options, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.print && output.isTTY) {
      return yield* fail("usage", "--print writes the token to stdout only when it is not a terminal, e.g. in $(…)")
    }
    const environment = yield* Config.all({ realm, apiUrl }).pipe(
      Effect.mapError((error) => fail("usage", `a malformed environment variable: ${error}`))
    )
    const { email, password } = yield* credentials(args.email)
    const session = yield* Rest.login({
      email,
      password,
      organizationId: Option.getOrUndefined(args.organizationId),
      realm: Option.getOrUndefined(Option.orElse(args.realm, () => environment.realm)),
      apiEndpoint: Option.getOrUndefined(Option.orElse(args.apiUrl, () => environment.apiUrl))
    }).pipe(
      Effect.catchTag("RestRejectedError", () => Effect.fail(fail("token", REFUSED))),
      Effect.provide(httpClientLayer)
    )
    if (args.print) return yield* output.line(Redacted.value(session.accessToken))
    const file = Option.getOrElse(args.tokenFile, savedTokenPath)
    yield* saveToken(file, session.accessToken)
    const until = typeof session.expiryMs === "number"
      ? `, valid until ${new Date(session.expiryMs).toISOString()}`
      : ""
    yield* output.line(`Logged in as ${email}: the session token is saved in ${file}${until}.`)
  })).pipe(
    Command.withDescription(describe(
      [
        "Logs in with an email and password and saves the session token, readable by you alone (mode 0600), where every command finds it when no --token-file or SPLUNK_ACCESS_TOKEN is given: $XDG_CONFIG_HOME/effect-signalfx/token, else ~/.config/effect-signalfx/token. A session token works with the REST and SignalFlow APIs, not for sending datapoints.",
        "On a terminal it asks for the email (unless --email is given) and the password, which is not echoed. Elsewhere it reads the password from the first line of stdin, as `docker login --password-stdin` does, and needs --email. It never prints the password or the token (except with --print). A refused login exits with code 3."
      ],
      [
        ["log in, asked for the email and password", "effect-signalfx login --realm us1"],
        [
          "log in from a script, the password from a secret store",
          "pass show splunk | effect-signalfx login --email me@example.com"
        ],
        [
          "keep the token in a shell variable instead",
          "export SPLUNK_ACCESS_TOKEN=$(effect-signalfx login --email me@example.com --print < password.txt)"
        ]
      ]
    ))
  )
