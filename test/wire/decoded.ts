import type { Decoded, WireDecodeError } from "../../src/core/wire/records.js"

/** The records of a decoding that must succeed; its error otherwise, thrown. */
export const decodedValue = <A>(decoded: Decoded<A>): A => {
  if (!decoded.ok) throw decoded.error
  return decoded.value
}

/** The error of a decoding that must fail. */
export const decodedError = <A>(decoded: Decoded<A>): WireDecodeError => {
  if (decoded.ok) throw new Error("expected the body not to decode")
  return decoded.error
}
