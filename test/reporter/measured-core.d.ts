// measured-core ships no types; these are the parts the reporter tests use.
declare module "measured-core" {
  interface Metric {
    getType(): string
    toJSON(): unknown
  }
  export class Counter implements Metric {
    constructor(properties?: { readonly count?: number })
    inc(n?: number): void
    getType(): string
    toJSON(): number
  }
  export class Histogram implements Metric {
    update(value: number): void
    getType(): string
    toJSON(): unknown
  }
  export class Meter implements Metric {
    mark(n?: number): void
    unref(): void
    getType(): string
    toJSON(): unknown
  }
  export class Timer implements Metric {
    update(value: number): void
    unref(): void
    getType(): string
    toJSON(): unknown
  }
  export class Gauge implements Metric {
    getType(): string
    toJSON(): number
  }
  export class Collection {
    constructor(name?: string)
    readonly name: string | undefined
    readonly _metrics: { readonly [name: string]: Metric }
    counter(name: string): Counter
    gauge(name: string, read: () => number): Gauge
    histogram(name: string): Histogram
    meter(name: string): Meter
    timer(name: string): Timer
  }
  const measured: {
    readonly Collection: typeof Collection
    readonly Counter: typeof Counter
  }
  export default measured
}
