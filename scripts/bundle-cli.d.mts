/** Bundles the command into `outdir`; resolves with the entry's path. */
export declare const bundleCli: (outdir: string) => Promise<string>
