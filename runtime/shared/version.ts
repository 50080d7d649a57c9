import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Version of this project; clients and clusters of different versions may not interoperate. */
export const CORTEX_VERSION: string = (require("../../package.json") as { version: string }).version;
