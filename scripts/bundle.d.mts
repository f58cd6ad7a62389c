/** Bundles the Promise facade from the sources into `outfile`; resolves with its size in bytes. */
export declare const bundleFacade: (outfile: string) => Promise<number>
