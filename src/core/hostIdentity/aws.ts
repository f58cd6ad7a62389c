/**
 * The AWS unique id, `{instanceId}_{region}_{accountId}` from the EC2 instance identity
 * document, or `{taskId}_{region}_{accountId}` from the ECS task metadata (docs/protocol.md §4):
 * the requests and what their answers mean. Each package sequences them, with its timeouts.
 *
 * IMDSv2 first, as the AWS SDKs do: a session token from `PUT /latest/api/token`, then the
 * document with the token. The token request answered 403, 404 or 405, or not answered in
 * time, means IMDSv1 only (or a container beyond the instance's hop limit): the document is
 * asked for without a token. A 400 is not retried without a token. A 401 to the document asked
 * with a token means the token expired: one new token is fetched.
 */
import type { Answer, MetadataRequest, NotThere, Read } from "./lookup.js"
import {
  asDimensionValue,
  AWS_TOKEN_HEADER,
  failed,
  found,
  isSuccess,
  join,
  JsonFields,
  notThere,
  quoted,
  unsuccessful,
  unusable
} from "./lookup.js"

const TOKEN_PATH = "/latest/api/token"
const DOCUMENT_PATH = "/latest/dynamic/instance-identity/document"
/** Six hours, the AWS SDKs' default; the token is used for one lookup only. */
const TOKEN_TTL_SECONDS = "21600"

/** A token, or why there is none and the document is asked for without one. @internal */
export type TokenResult =
  | { readonly _tag: "Token"; readonly token: string }
  | { readonly _tag: "NoToken"; readonly reason: string }

/** @internal */
export const tokenRequest = (endpoint: URL): MetadataRequest => ({
  method: "PUT",
  url: join(endpoint, TOKEN_PATH),
  headers: { "x-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS }
})

/** The token request was not answered in time: ask without a token. @internal */
export const noToken = (reason: string): TokenResult => ({ _tag: "NoToken", reason })

/** @internal */
export const readToken = (answer: Answer): Read<TokenResult> => {
  if (isSuccess(answer)) {
    const token = answer.body.trim()
    return token === ""
      ? failed(unusable(`PUT ${answer.url}: answered ${answer.status} with no token`))
      : found({ _tag: "Token", token })
  }
  if (answer.status === 403 || answer.status === 404 || answer.status === 405) {
    return found({ _tag: "NoToken", reason: `PUT ${answer.url}: answered ${answer.status}` })
  }
  // 400 included: the SDKs give up rather than ask without a token. Azure's metadata server,
  // at the same address, answers 400 to requests without its own header.
  return failed(unsuccessful(answer, "PUT"))
}

/** @internal */
export const documentUrl = (endpoint: URL): string => join(endpoint, DOCUMENT_PATH)

/** @internal */
export const documentRequest = (endpoint: URL, token: TokenResult): MetadataRequest => ({
  method: "GET",
  url: documentUrl(endpoint),
  headers: token._tag === "Token" ? { [AWS_TOKEN_HEADER]: token.token } : {}
})

/** A 401 to the document asked with a token: the token expired, one new one is worth asking for. @internal */
export const tokenRefused = (answer: Answer, token: TokenResult): boolean =>
  answer.status === 401 && token._tag === "Token"

/** @internal */
export const readDocument = (answer: Answer, token: TokenResult): Read<string> => {
  if (answer.status === 401) {
    return failed(unusable(
      token._tag === "Token"
        ? `GET ${answer.url}: answered 401 even with a new IMDSv2 token`
        : `the instance requires IMDSv2 (GET ${answer.url} answered 401) but no token could be had: ` +
          `${token.reason}. In a container, the instance's metadata hop limit must be at least 2`
    ))
  }
  if (!isSuccess(answer)) return failed(unsuccessful(answer))
  const document = new JsonFields(answer.body)
  const instanceId = document.required("instanceId")
  const region = document.required("region")
  const accountId = document.required("accountId")
  if (document.problem !== undefined) {
    return failed(unusable(`GET ${answer.url}: not an instance identity document: ${document.problem}`))
  }
  return asDimensionValue(`${instanceId}_${region}_${accountId}`, "the instance identity document")
}

/**
 * `arn:{partition}:ecs:{region}:{account}:task/{cluster}/{taskId}`, or the older form without
 * the cluster, `arn:{partition}:ecs:{region}:{account}:task/{taskId}`.
 */
const parseTaskArn = (arn: string): string | undefined => {
  const [prefix, partition, service, region, account, resource, ...more] = arn.split(":")
  if (prefix !== "arn" || service !== "ecs" || more.length > 0) return undefined
  if (!partition || !region || !account || resource === undefined) return undefined
  const [kind, ...path] = resource.split("/")
  const taskId = path.at(-1)
  if (kind !== "task" || path.length > 2 || path.includes("") || taskId === undefined) return undefined
  return `${taskId}_${region}_${account}`
}

/** `{ecsMetadataUri}/task`: task metadata v4 (v3 answers the same shape). @internal */
export const taskRequest = (metadataUri: URL): MetadataRequest => ({
  method: "GET",
  url: join(metadataUri, "/task"),
  headers: {}
})

/** @internal */
export const readTask = (answer: Answer): Read<string> => {
  if (!isSuccess(answer)) return failed(unsuccessful(answer))
  const metadata = new JsonFields(answer.body)
  const arn = metadata.required("TaskARN")
  if (metadata.problem !== undefined) {
    return failed(unusable(`GET ${answer.url}: not ECS task metadata: ${metadata.problem}`))
  }
  const id = parseTaskArn(arn)
  return id === undefined
    ? failed(unusable(`GET ${answer.url}: TaskARN is not an ECS task ARN: ${quoted(arn)}`))
    : asDimensionValue(id, "the ECS TaskARN")
}

/**
 * Nothing to ask: EC2 metadata disabled and no ECS metadata URI.
 * @internal
 */
export const disabled: NotThere = notThere(
  "the EC2 metadata service is disabled and there is no ECS task metadata URI"
)
