/**
 * `--output chart --out FILE.svg`: the chart as an SVG file, drawn by Vega (a line per time
 * series on a UTC time axis, a legend naming each series). Vega is large: this module is loaded
 * only when an SVG is drawn (`import("./svg.js")`), so that `--help` does not parse it.
 */
import type { Spec } from "vega"
import * as vega from "vega"
import { peerText } from "../../../core/peerText.js"
import type { ChartSeries } from "./chart.js"

const WIDTH = 800
const HEIGHT = 400
/** The longest title: the program's first line, cut (and its control characters escaped: XML refuses them). */
const MAX_TITLE_LENGTH = 100

/** The Vega specification of the chart: one row of data per value, a line per series. */
const specification = (series: ReadonlyArray<ChartSeries>, title: string): Spec => ({
  $schema: "https://vega.github.io/schema/vega/v6.json",
  width: WIDTH,
  height: HEIGHT,
  padding: 8,
  background: "white",
  title: { text: title, anchor: "start", font: "monospace", fontSize: 12, fontWeight: "normal" },
  data: [{
    name: "points",
    values: series.flatMap(({ name, points }) =>
      points.map(([timestamp, value]) => ({ series: name, t: timestamp, v: value === null ? null : Number(value) }))
    )
  }],
  scales: [
    { name: "x", type: "utc", range: "width", domain: { data: "points", field: "t" } },
    { name: "y", type: "linear", range: "height", nice: true, zero: false, domain: { data: "points", field: "v" } },
    {
      name: "color",
      type: "ordinal",
      range: "category",
      domain: series.map(({ name }) => name)
    }
  ],
  axes: [
    { orient: "bottom", scale: "x", title: "time (UTC)", grid: true },
    { orient: "left", scale: "y", grid: true, format: "~s" }
  ],
  legends: [{
    stroke: "color",
    orient: "bottom",
    direction: "vertical",
    title: "time series",
    symbolType: "stroke",
    // A series is named in full: the default cuts a label at 160 pixels.
    labelLimit: WIDTH
  }],
  marks: [{
    type: "group",
    from: { facet: { name: "series", data: "points", groupby: "series" } },
    marks: [{
      type: "line",
      from: { data: "series" },
      encode: {
        enter: {
          x: { scale: "x", field: "t" },
          y: { scale: "y", field: "v" },
          stroke: { scale: "color", field: { parent: "series" } },
          strokeWidth: { value: 1.5 },
          // A timestamp without a value is a gap in the line, not a drop to zero.
          defined: { signal: "isValid(datum.v)" }
        }
      }
    }, {
      // A dot per value too: a value between two gaps is no line at all.
      type: "symbol",
      from: { data: "series" },
      encode: {
        enter: {
          x: { scale: "x", field: "t" },
          y: { scale: "y", field: "v" },
          fill: { scale: "color", field: { parent: "series" } },
          size: { value: 10 },
          opacity: { signal: "isValid(datum.v) ? 1 : 0" }
        }
      }
    }]
  }]
})

/**
 * The SVG of the chart: `series` as lines, titled with the program's first line.
 * @internal
 */
export const renderSvg = (series: ReadonlyArray<ChartSeries>, program: string): Promise<string> => {
  const title = peerText(program.trim().split("\n", 1)[0] ?? "", MAX_TITLE_LENGTH)
  const view = new vega.View(vega.parse(specification(series, title)), { renderer: "none" })
  return view.toSVG().finally(() => view.finalize())
}
