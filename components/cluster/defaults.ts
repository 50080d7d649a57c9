import type { NodeGroupInfo } from "../cluster-contract.js";
import type { GatewayArgs, NodeGroupArgs } from "./args.js";
import { acceleratorOf, amiTypeOf } from "./instance-types.js";

// The documented defaults of the Cluster's arguments, in one place.

export const DEFAULT_KUBERNETES_VERSION = "1.33";
export const DEFAULT_VPC_CIDR_BLOCK = "10.0.0.0/16";
export const DEFAULT_AVAILABILITY_ZONE_COUNT = 2;
export const DEFAULT_API_NAMESPACE = "cortex";

const NODE_GROUP_DEFAULTS = { minInstances: 1, maxInstances: 5, spot: false, diskSize: 50 };
const GATEWAY_DEFAULTS: Required<GatewayArgs> = { minReplicas: 2, maxReplicas: 10, cpu: "250m", memory: "512Mi" };

/** A node group with every default filled in and its accelerator and AMI type derived. */
export interface ResolvedNodeGroup extends NodeGroupInfo {
  readonly instanceType: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly spot: boolean;
  readonly diskSize: number;
  readonly amiType: string;
}

export function resolveNodeGroup(group: NodeGroupArgs): ResolvedNodeGroup {
  const accelerator = acceleratorOf(group.instanceType);
  return {
    name: group.name,
    instanceType: group.instanceType,
    minInstances: group.minInstances ?? NODE_GROUP_DEFAULTS.minInstances,
    maxInstances: group.maxInstances ?? NODE_GROUP_DEFAULTS.maxInstances,
    spot: group.spot ?? NODE_GROUP_DEFAULTS.spot,
    diskSize: group.diskSize ?? NODE_GROUP_DEFAULTS.diskSize,
    amiType: amiTypeOf(group.instanceType),
    ...(accelerator ? { accelerator } : {}),
  };
}

export function resolveGateway(gateway: GatewayArgs | undefined): Required<GatewayArgs> {
  return {
    minReplicas: gateway?.minReplicas ?? GATEWAY_DEFAULTS.minReplicas,
    maxReplicas: gateway?.maxReplicas ?? GATEWAY_DEFAULTS.maxReplicas,
    cpu: gateway?.cpu ?? GATEWAY_DEFAULTS.cpu,
    memory: gateway?.memory ?? GATEWAY_DEFAULTS.memory,
  };
}
