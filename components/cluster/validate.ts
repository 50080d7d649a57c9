import type * as pulumi from "@pulumi/pulumi";

import { argumentError, formatList, formatValue } from "../errors.js";
import type { ClusterArgs } from "../cluster.js";
import type { NodeGroupArgs } from "./args.js";
import { parseCidr } from "./cidr.js";
import { resolveGateway, resolveNodeGroup } from "./defaults.js";
import { GPU_FAMILIES, INF_FAMILIES, acceleratorOf, instanceFamily } from "./instance-types.js";
import { AWS_REGIONS, isAwsRegion } from "./regions.js";

// Checks of the Cluster's arguments, run before any child exists. Each check
// throws a ResourceError that names the argument and the value and suggests
// what to do instead.

/**
 * Maximum length of a cluster name. The name prefixes the physical names of the APIs'
 * FIFO queues, which SQS caps at 80 characters, generated suffix included.
 */
export const CLUSTER_NAME_MAX_LENGTH = 24;

const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KUBERNETES_VERSION = /^1\.\d{2}$/;
const MIN_DISK_SIZE_GIB = 20;

/** Throws a ResourceError for the first invalid argument of the cluster named `name`. */
export function validateClusterArgs(resource: pulumi.Resource, name: string, args: ClusterArgs): void {
  checkClusterName(resource, name);
  checkRegion(resource, args.region);
  checkExistingClusterConflicts(resource, args);
  checkNetwork(resource, args);
  checkNodeGroups(resource, args);
  checkOptionalNames(resource, args);
  checkGateway(resource, args);
}

function checkClusterName(resource: pulumi.Resource, name: string): void {
  if (CLUSTER_NAME.test(name) && name.length <= CLUSTER_NAME_MAX_LENGTH) return;
  throw argumentError(
    resource,
    `cluster name ${formatValue(name)} is invalid`,
    `Use at most ${CLUSTER_NAME_MAX_LENGTH} lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`,
  );
}

function checkRegion(resource: pulumi.Resource, region: string): void {
  if (isAwsRegion(region)) return;
  throw argumentError(
    resource,
    `\`region\` ${formatValue(region)} is not an AWS region`,
    `Use one of ${AWS_REGIONS.join(", ")}`,
  );
}

const NEW_CLUSTER_ARGS = [
  "nodeGroups",
  "kubernetesVersion",
  "vpcCidrBlock",
  "availabilityZoneCount",
  "vpcId",
  "publicSubnetIds",
  "privateSubnetIds",
  "adminPrincipalArns",
] as const;

function checkExistingClusterConflicts(resource: pulumi.Resource, args: ClusterArgs): void {
  if (args.existingCluster === undefined) return;

  const conflicting = NEW_CLUSTER_ARGS.filter((key) => args[key] !== undefined);
  if (conflicting.length > 0) {
    throw argumentError(
      resource,
      `\`existingCluster\` cannot be combined with ${formatList(conflicting)}, which only apply to a cluster this component creates`,
      "Remove them, or remove `existingCluster` to create a new cluster",
    );
  }
  if (args.existingCluster.name === "") {
    throw argumentError(resource, "`existingCluster.name` is empty", "Set it to the name of the EKS cluster to install on");
  }
}

function checkNetwork(resource: pulumi.Resource, args: ClusterArgs): void {
  const existingSubnets = args.publicSubnetIds !== undefined || args.privateSubnetIds !== undefined;
  if (args.vpcId === undefined && existingSubnets) {
    throw argumentError(
      resource,
      "`publicSubnetIds` and `privateSubnetIds` are set without `vpcId`",
      "Set `vpcId` to the VPC of those subnets, or remove them to create a new VPC",
    );
  }

  if (args.vpcId !== undefined) {
    for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
      const count = args[key]?.length ?? 0;
      if (count < 2) {
        throw argumentError(
          resource,
          `\`${key}\` lists ${count} subnet(s), but a cluster in an existing VPC needs at least 2`,
          "List subnets of `vpcId` in at least two availability zones",
        );
      }
    }
    for (const key of ["vpcCidrBlock", "availabilityZoneCount"] as const) {
      if (args[key] !== undefined) {
        throw argumentError(resource, `\`${key}\` is set together with \`vpcId\``, `Remove \`${key}\`, which only shapes a VPC this component creates`);
      }
    }
  }

  if (args.availabilityZoneCount !== undefined && ![2, 3].includes(args.availabilityZoneCount)) {
    throw argumentError(resource, `\`availabilityZoneCount\` ${formatValue(args.availabilityZoneCount)} is out of range`, "Use 2 or 3");
  }

  if (args.vpcCidrBlock !== undefined) {
    const block = parseCidr(args.vpcCidrBlock);
    if (!block || block.prefixLength < 16 || block.prefixLength > 20) {
      throw argumentError(
        resource,
        `\`vpcCidrBlock\` ${formatValue(args.vpcCidrBlock)} is not an IPv4 network with a prefix length from 16 to 20`,
        "Use a block such as 10.0.0.0/16",
      );
    }
  }

  if (args.kubernetesVersion !== undefined && !KUBERNETES_VERSION.test(args.kubernetesVersion)) {
    throw argumentError(resource, `\`kubernetesVersion\` ${formatValue(args.kubernetesVersion)} is invalid`, 'Use `<major>.<minor>`, such as "1.33"');
  }
}

function checkNodeGroups(resource: pulumi.Resource, args: ClusterArgs): void {
  const groups = args.nodeGroups ?? [];
  if (args.existingCluster === undefined && groups.length === 0) {
    throw argumentError(
      resource,
      "`nodeGroups` is empty, so the new cluster would have no nodes",
      "Add at least one node group, or set `existingCluster` to install on a cluster that has nodes",
    );
  }

  const seen = new Set<string>();
  groups.forEach((group, index) => {
    const path = `nodeGroups[${index}]`;
    if (seen.has(group.name)) {
      throw argumentError(resource, `\`${path}.name\` ${formatValue(group.name)} is used by an earlier node group`, "Give each node group a unique name");
    }
    seen.add(group.name);
    checkNodeGroup(resource, path, group);
  });

  const existingNames = (args.existingCluster?.nodeGroups ?? []).map((group) => group.name);
  const duplicate = existingNames.find((groupName, index) => existingNames.indexOf(groupName) !== index);
  if (duplicate !== undefined) {
    throw argumentError(resource, `\`existingCluster.nodeGroups\` lists ${formatValue(duplicate)} twice`, "List each node group once");
  }
}

function checkNodeGroup(resource: pulumi.Resource, path: string, group: NodeGroupArgs): void {
  if (!DNS_LABEL.test(group.name)) {
    throw argumentError(
      resource,
      `\`${path}.name\` ${formatValue(group.name)} is not a DNS label`,
      "Use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    );
  }

  checkInstanceCounts(resource, path, group);

  if (group.diskSize !== undefined && !(Number.isInteger(group.diskSize) && group.diskSize >= MIN_DISK_SIZE_GIB)) {
    throw argumentError(resource, `\`${path}.diskSize\` ${formatValue(group.diskSize)} is invalid`, `Use a whole number of GiB, at least ${MIN_DISK_SIZE_GIB}`);
  }

  checkAccelerator(resource, path, group);
}

function checkInstanceCounts(resource: pulumi.Resource, path: string, group: NodeGroupArgs): void {
  for (const key of ["minInstances", "maxInstances"] as const) {
    const value = group[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw argumentError(resource, `\`${path}.${key}\` ${formatValue(value)} is invalid`, "Use a whole number, 0 or more");
    }
  }

  const { minInstances: min, maxInstances: max } = resolveNodeGroup(group);
  if (max < 1) {
    throw argumentError(resource, `\`${path}.maxInstances\` is 0, but EKS requires node groups to allow at least one node`, "Set `maxInstances` to 1 or more");
  }
  if (min > max) {
    throw argumentError(
      resource,
      `\`${path}.minInstances\` ${min} is greater than \`${path}.maxInstances\` ${max}`,
      "Set `minInstances` to at most `maxInstances`",
    );
  }
}

function checkAccelerator(resource: pulumi.Resource, path: string, group: NodeGroupArgs): void {
  const family = instanceFamily(group.instanceType);
  if (family === undefined) {
    throw argumentError(resource, `\`${path}.instanceType\` ${formatValue(group.instanceType)} is not an EC2 instance type`, 'Use `<family>.<size>`, such as "m6i.large"');
  }

  if (group.gpu === true && group.inf === true) {
    throw argumentError(resource, `\`${path}\` sets both \`gpu\` and \`inf\``, "Set at most one of them, matching the instance type");
  }

  const accelerator = acceleratorOf(group.instanceType);
  if (group.gpu === true && accelerator !== "gpu") {
    throw argumentError(
      resource,
      `\`${path}.gpu\` is true, but ${formatValue(group.instanceType)} is not of a known NVIDIA GPU instance family`,
      `Use an instance type of one of the families ${GPU_FAMILIES.join(", ")}, or remove \`gpu\``,
    );
  }
  if (group.inf === true && accelerator !== "inf") {
    throw argumentError(
      resource,
      `\`${path}.inf\` is true, but ${formatValue(group.instanceType)} is not of a known Inferentia or Trainium instance family`,
      `Use an instance type of one of the families ${INF_FAMILIES.join(", ")}, or remove \`inf\``,
    );
  }
  if ((group.gpu === false && accelerator === "gpu") || (group.inf === false && accelerator === "inf")) {
    const flag = accelerator === "gpu" ? "gpu" : "inf";
    throw argumentError(
      resource,
      `\`${path}.${flag}\` is false, but ${formatValue(group.instanceType)} is of the ${accelerator} instance family ${formatValue(family)}`,
      `Remove \`${flag}\`, or choose an instance type without accelerators`,
    );
  }
}

function checkOptionalNames(resource: pulumi.Resource, args: ClusterArgs): void {
  if (args.apiNamespace !== undefined && !DNS_LABEL.test(args.apiNamespace)) {
    throw argumentError(resource, `\`apiNamespace\` ${formatValue(args.apiNamespace)} is not a DNS label`, "Use lowercase letters, digits and '-', such as \"cortex\"");
  }

  for (const group of args.existingCluster?.nodeGroups ?? []) {
    if (!DNS_LABEL.test(group.name)) {
      throw argumentError(resource, `\`existingCluster.nodeGroups\` name ${formatValue(group.name)} is not a DNS label`, "Use the value of the nodes' `cortex.async/node-group` label");
    }
  }
}

function checkGateway(resource: pulumi.Resource, args: ClusterArgs): void {
  const { minReplicas: min, maxReplicas: max } = resolveGateway(args.gateway);
  if (!(Number.isInteger(min) && min >= 1)) {
    throw argumentError(resource, `\`gateway.minReplicas\` ${formatValue(min)} is invalid`, "Use a whole number, 1 or more");
  }
  if (!Number.isInteger(max)) {
    throw argumentError(resource, `\`gateway.maxReplicas\` ${formatValue(max)} is invalid`, "Use a whole number, at least `gateway.minReplicas`");
  }
  if (max < min) {
    throw argumentError(resource, `\`gateway.maxReplicas\` ${max} is less than \`gateway.minReplicas\` ${min}`, "Set `gateway.maxReplicas` to at least `gateway.minReplicas`");
  }
}
