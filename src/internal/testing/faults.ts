/**
 * Scripted faults: per route, a queue of behaviours the next requests get, in order. When a
 * route's queue runs out, normal service resumes.
 */
import type { Fault } from "../../testing/FakeSignalFx.js"

const normalize = (route: string): string => (route.length > 1 && route.endsWith("/") ? route.slice(0, -1) : route)

/** @internal */
export class FaultScripts {
  private readonly scripts = new Map<string, Array<Fault>>()

  /** Appends to the route's script, so two calls read like one longer script. */
  add(route: string, faults: ReadonlyArray<Fault>): void {
    if (!route.startsWith("/")) throw new TypeError(`a fault route is a path such as "/v2/datapoint", got ${route}`)
    const key = normalize(route)
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...faults])
  }

  /**
   * The fault for a request to `path`: the script of the longest route that is `path` itself or
   * one of its parent paths and still has faults left, so `/v2/dimension` covers
   * `/v2/dimension/host/a` unless that has its own script.
   */
  next(path: string): Fault | undefined {
    let best: Array<Fault> | undefined
    let bestLength = -1
    for (const [route, script] of this.scripts) {
      if (script.length === 0 || route.length <= bestLength) continue
      if (path === route || path.startsWith(route === "/" ? "/" : `${route}/`)) {
        best = script
        bestLength = route.length
      }
    }
    return best?.shift()
  }

  clear(): void {
    this.scripts.clear()
  }
}
