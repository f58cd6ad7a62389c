/**
 * Parsers of what `effect-signalfx signalflow` writes, so that its tests read the output as a
 * program would rather than match strings: RFC 4180 CSV, and the parts of an SVG a chart has.
 */

/**
 * The records of an RFC 4180 CSV text: fields separated by commas, a quoted field may hold
 * commas, line breaks and doubled quotes. Throws on a quote where none may be.
 */
export const parseCsv = (text: string): Array<Array<string>> => {
  const records: Array<Array<string>> = []
  let record: Array<string> = []
  let field = ""
  let index = 0
  let quoted = false
  while (index < text.length) {
    const char = text[index]
    if (quoted) {
      if (char === "\"") {
        if (text[index + 1] === "\"") {
          field += "\""
          index += 2
          continue
        }
        quoted = false
        index++
        if (index < text.length && !",\r\n".includes(text[index] ?? "")) {
          throw new Error(`a character after a closing quote at ${index}`)
        }
        continue
      }
      field += char
      index++
      continue
    }
    if (char === "\"") {
      if (field !== "") throw new Error(`a quote inside an unquoted field at ${index}`)
      quoted = true
    } else if (char === ",") {
      record.push(field)
      field = ""
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index++
      record.push(field)
      records.push(record)
      record = []
      field = ""
    } else {
      field += char
    }
    index++
  }
  if (quoted) throw new Error("an unterminated quoted field")
  if (field !== "" || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  return records
}

const unescapeXml = (text: string): string =>
  text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", "\"").replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&")

/** What a chart's SVG shows: its root element's size, the lines drawn and the legend's labels. */
export interface SvgChart {
  readonly width: number
  readonly height: number
  /** The `d` of each path of a line mark: one per series. */
  readonly lines: ReadonlyArray<string>
  readonly legendLabels: ReadonlyArray<string>
}

/**
 * Reads a Vega chart's SVG: one `<svg>` root with a size, the paths in its line marks, the texts
 * of its legend labels. Throws when it is not one SVG element.
 */
export const parseSvgChart = (svg: string): SvgChart => {
  const root = /^<svg\b([^>]*)>[\s\S]*<\/svg>\s*$/.exec(svg)
  if (root === null) throw new Error(`not one SVG element: ${svg.slice(0, 80)}`)
  const attribute = (name: string) => Number(new RegExp(`\\b${name}="([\\d.]+)"`).exec(root[1] ?? "")?.[1])
  const lines = [...svg.matchAll(/<g class="mark-line role-mark"[^>]*>((?:<path[^>]*\/>)*)<\/g>/g)].flatMap((match) =>
    [...(match[1] ?? "").matchAll(/<path[^>]*\bd="([^"]*)"/g)].map((path) => path[1] ?? "")
  )
  const legendLabels = [
    ...svg.matchAll(/<g class="mark-text role-legend-label"[^>]*>((?:<text[^>]*>[^<]*<\/text>)*)<\/g>/g)
  ].flatMap((match) =>
    [...(match[1] ?? "").matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((text) => unescapeXml(text[1] ?? ""))
  )
  return { width: attribute("width"), height: attribute("height"), lines, legendLabels }
}
