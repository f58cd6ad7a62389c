// `npm run check-installs`: the README's install lines, tried as a user would. Both packages are
// built and packed (`npm pack`), then installed from the tarballs with today's npm (no
// --legacy-peer-deps) in fresh projects under the system's temp folder:
//
// - "effect3":     effect 3 + @effect/platform + effect-signalfx       (the Promise and the Effect 3 API)
// - "effect4-top": effect 4 + effect-signalfx                          (the Promise API next to Effect 4)
// - "effect4":     effect 4 + @effect-signalfx/effect4                 (the Promise and the Effect 4 API)
//
// In each, a small program (check.mjs) sends a datapoint through each API to a loopback server and
// fails unless the server got it; the same file is type-checked (checkJs, skipLibCheck off: the
// packages' declarations are checked as the application's compiler sees them). The Effect 4
// projects run on Node 22.19.0 (scripts/node-binary.mjs). It needs the npm registry; it takes a
// minute or two after the build. `--keep` leaves the temp folder for a look; `--no-build` packs
// what dist/ already holds.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { envFor, nodeBinary } from "./node-binary.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const keep = process.argv.includes("--keep")
const build = !process.argv.includes("--no-build")
const typescript = path.join(root, "node_modules", "typescript", "bin", "tsc")

/** The loopback server the checks send to: counts the datapoint requests. */
const serverCode = `// @ts-check
import * as http from "node:http"

let datapointRequests = 0
const server = http.createServer((request, response) => {
  request.resume()
  request.on("end", () => {
    if (request.method === "POST" && request.url === "/v2/datapoint") datapointRequests++
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify("OK"))
  })
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)))
const address = server.address()
if (address === null || typeof address === "string") throw new Error("the server has no port")
const endpoint = \`http://127.0.0.1:\${address.port}\`

/**
 * @param {string} api
 * @param {() => Promise<unknown>} send
 */
const check = async (api, send) => {
  const before = datapointRequests
  await send()
  if (datapointRequests === before) throw new Error(\`\${api}: the server got no datapoint\`)
  console.log(\`\${api}: delivered\`)
}
`

/** @param {string} pkg */
const promiseCheck = (pkg) => `
await check("${pkg}/promise", async () => {
  const { SignalFx } = await import("${pkg}/promise")
  const sfx = new SignalFx("TOKEN", { ingestEndpoint: endpoint, logger: false })
  await sfx.send({ gauges: [{ metric: "check.promise", value: 1 }] })
  await sfx.stop()
})
`

/**
 * @param {string} pkg
 * @param {string} fetchClient where the application imports FetchHttpClient from
 */
const effectCheck = (pkg, fetchClient) => `
await check("${pkg}", async () => {
  const { Ingest } = await import("${pkg}")
  const { Effect, Redacted } = await import("effect")
  const { FetchHttpClient } = await import("${fetchClient}")
  await Effect.gen(function*() {
    const ingest = yield* Ingest.make({ token: Redacted.make("TOKEN"), ingestEndpoint: endpoint })
    yield* ingest.send({ gauges: [{ metric: "check.effect", value: 1 }] })
    yield* ingest.flush
  }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer), Effect.runPromise)
})
`

const projects = [
  {
    name: "effect3",
    node: process.version.slice(1),
    dependencies: ["effect@3.22.4", "@effect/platform@0.97.2"],
    tarball: "effect-signalfx",
    code: promiseCheck("effect-signalfx") + effectCheck("effect-signalfx", "@effect/platform")
  },
  {
    name: "effect4-top",
    node: "22.19.0",
    dependencies: ["effect@4.1.5"],
    tarball: "effect-signalfx",
    code: promiseCheck("effect-signalfx")
  },
  {
    name: "effect4",
    node: "22.19.0",
    dependencies: ["effect@4.1.5"],
    tarball: "effect4",
    code: promiseCheck("@effect-signalfx/effect4") + effectCheck("@effect-signalfx/effect4", "effect/http")
  }
]

/**
 * @param {string} command
 * @param {Array<string>} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv }} options
 */
const run = (command, args, options) => {
  try {
    return execFileSync(command, args, { ...options, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  } catch (error) {
    throw new Error(
      `${path.basename(command)} ${args.join(" ")} (in ${options.cwd}) failed:\n${error.stdout}${error.stderr}`
    )
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-installs-"))
let failed = 0
try {
  if (build) run("npm", ["run", "build", "--silent"], { cwd: root })
  const packed = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: root })
  const packedE4 = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
    cwd: path.join(root, "packages", "effect4")
  })
  /** @type {Record<string, string>} */
  const tarballs = {
    "effect-signalfx": path.join(work, packed.trim().split("\n").pop()),
    effect4: path.join(work, packedE4.trim().split("\n").pop())
  }
  for (const project of projects) {
    const dir = path.join(work, project.name)
    const env = envFor(nodeBinary(project.node))
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `check-${project.name}`, type: "module" }))
    fs.writeFileSync(path.join(dir, "check.mjs"), serverCode + project.code + "server.close()\n")
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          target: "es2022",
          strict: true,
          allowJs: true,
          checkJs: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"]
        },
        include: ["check.mjs"]
      })
    )
    try {
      // The README's line, with the tarball for the package's name; @types/node for the type check.
      run("npm", [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...project.dependencies,
        tarballs[project.tarball],
        "@types/node@22"
      ], { cwd: dir, env })
      const output = run("node", ["check.mjs"], { cwd: dir, env })
      const typeErrors = (() => {
        try {
          run(process.execPath, [typescript, "-p", "."], { cwd: dir })
          return ""
        } catch (error) {
          return error.message
        }
      })()
      if (typeErrors !== "") throw new Error(`type check: ${typeErrors.split("\n").slice(0, 30).join("\n")}`)
      console.log(
        `check-installs: ${project.name} (Node ${project.node}) installed, ran and type-checked: ${
          output.trim().split("\n").join("; ")
        }`
      )
    } catch (error) {
      failed++
      console.log(`check-installs: ${project.name} (Node ${project.node}) FAILED: ${error.message}`)
    }
  }
} finally {
  if (keep) console.log(`check-installs: left ${work}`)
  else fs.rmSync(work, { recursive: true, force: true })
}
process.exitCode = failed === 0 ? 0 : 1
