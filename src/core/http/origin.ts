/**
 * A secret goes only to the origin it is for: a request or an answer from elsewhere (a redirect
 * the application's HTTP client followed) is refused.
 */

/** The origin of a URL, or the text itself when it is not one. @internal */
export const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/**
 * A request bound for another origin than the one its secret is for: a redirect, followed by the
 * application's `HttpClient`, that we refuse to let leave.
 * @internal
 */
export class CrossOriginRequest extends Error {
  constructor(readonly allowed: string, readonly refused: string) {
    super(`a redirect to ${refused}, not followed: the token goes only to ${allowed}`)
  }
}

/** The refusal of a request to `url`, or `undefined` when `url` is at `origin`. @internal */
export const crossOrigin = (origin: string, url: string): CrossOriginRequest | undefined => {
  const target = originOf(url)
  return target === origin ? undefined : new CrossOriginRequest(origin, target)
}

/**
 * What request paths are put under: the URL's origin and its own path (a proxy's prefix), without
 * a trailing slash.
 * @internal
 */
export const baseOf = (url: URL): string => `${url.origin}${url.pathname.replace(/\/+$/, "")}`
