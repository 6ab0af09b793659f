/** Where the build writes the digest, relative to the project root. */
export declare const STAMP: string;
/** SHA-256 over the paths and bytes of src/**\/*.ts and the tsconfig files under `root`, in a fixed order. */
export declare function sourcesDigest(root: string): string;
/** Whether dist/ under `root` was built from exactly the sources there now. */
export declare function distIsCurrent(root: string): boolean;
