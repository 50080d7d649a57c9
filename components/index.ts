// Public entry point of the components: what a stack program imports.
export * from "./cluster-contract.js";
export type { DeepPartial, Transform } from "./transform.js";
