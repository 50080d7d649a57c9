// Public entry point of the components: what a stack program imports.
export * from "./cluster-contract.js";
export type { DeepPartial, Transform } from "./transform.js";
export { AsyncApi, ASYNC_API_TYPE, type AsyncApiArgs, type AsyncApiChildren } from "./async-api.js";
export type * from "./async-api/args.js";
export type { AsyncApiTransforms } from "./async-api/children.js";
export { Cluster, CLUSTER_TYPE, type ClusterArgs, type ClusterResources, type ClusterTransforms, type ExistingClusterArgs, type GatewayArgs, type NodeGroupArgs } from "./cluster.js";
export { loadCortexConfig, parseCortexConfig, type CortexAsyncApi } from "./cortex-config.js";
