/**
 * Text that a peer controls (a server's message, a channel name, an id it sent), made safe to
 * put in a log line or an error message: one line, no terminal escapes, and a bounded length.
 * A hostile server must not be able to forge log lines, recolour a terminal or fill a log.
 */

/** The longest excerpt of a peer's text that a message quotes. @internal */
export const MAX_PEER_TEXT_LENGTH = 200

/** C0 controls (newlines, ESC, …), DEL, C1 controls, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

const escape = (character: string): string => {
  switch (character) {
    case "\n":
      return "\\n"
    case "\r":
      return "\\r"
    case "\t":
      return "\\t"
    default:
      return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`
  }
}

/**
 * `text` on one line with its control characters written as escapes (`\n`, `\u001b`), cut to
 * `max` characters with a note of how many were left out.
 * @internal
 */
export const peerText = (text: string, max: number = MAX_PEER_TEXT_LENGTH): string => {
  // Cut before escaping, so a text of a million newlines costs no more than a short one.
  const cut = text.length > max ? text.slice(0, max) : text
  const safe = cut.replace(UNSAFE, escape)
  return text.length > max ? `${safe}… (${text.length - max} more characters)` : safe
}
