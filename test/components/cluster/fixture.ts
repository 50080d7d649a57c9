import type * as pulumi from "@pulumi/pulumi";

import { type RecordedResource, installMocks, recorded, valueOf } from "../support/pulumi-mocks.js";

export { isSecretInput, revealed } from "../support/pulumi-mocks.js";

// Renders Clusters under the Pulumi mocks. Importing this module installs the
// mocks, so it must come before any import of the component.

installMocks();
const { Cluster } = await import("../../../components/cluster.js");

export { Cluster };
export type ClusterInstance = InstanceType<typeof Cluster>;

export const NODE_GROUPS = [
  { name: "cpu", instanceType: "m6i.large", minInstances: 1, maxInstances: 4 },
  { name: "gpu", instanceType: "g5.xlarge", minInstances: 0, maxInstances: 2, spot: true, gpu: true },
  { name: "inf", instanceType: "inf2.xlarge", minInstances: 0, maxInstances: 1, diskSize: 100 },
];

function isResource(value: unknown): value is pulumi.Resource {
  return typeof value === "object" && value !== null && "urn" in value && typeof (value as { urn: unknown }).urn === "object";
}

/** Collects every resource in a (nested) `resources` tree. */
function resourcesIn(tree: unknown): pulumi.Resource[] {
  if (isResource(tree)) return [tree];
  if (Array.isArray(tree)) return tree.flatMap(resourcesIn);
  if (typeof tree === "object" && tree !== null) return Object.values(tree).flatMap(resourcesIn);
  return [];
}

/** Waits until every child of `cluster` and every output it exposes is registered and resolved. */
export async function settle(cluster: ClusterInstance): Promise<void> {
  await Promise.all(resourcesIn(cluster.resources).map((resource) => valueOf(resource.urn)));
  await Promise.all([cluster.endpoint, cluster.runtimeImage, cluster.kubeconfig, cluster.kedaOperatorRoleName].map((output) => valueOf(output)));
}

/** Recorded resources whose name starts with `<cluster>-`, that is the children of one cluster. */
export function childrenOf(clusterName: string): RecordedResource[] {
  return recorded.filter((resource) => resource.name.startsWith(`${clusterName}-`));
}

/** Returns the recorded resource of `type` named `name`, and throws when there is none. */
export function recordedResource(type: string, name: string): RecordedResource {
  const found = recorded.find((resource) => resource.type === type && resource.name === name);
  if (!found) throw new Error(`no ${type} named ${name} was registered`);
  return found;
}

/** Parses a JSON policy document recorded as a resource input. */
export function policyOf(resource: RecordedResource, key = "policy"): { Statement: Array<Record<string, any>> } {
  return JSON.parse(resource.inputs[key] as string);
}
