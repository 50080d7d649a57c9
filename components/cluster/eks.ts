import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { ACCELERATOR_TAINTS, NODE_GROUP_LABEL } from "../cluster-contract.js";
import type { ResolvedNodeGroup } from "./defaults.js";
import type { Network } from "./network.js";
import { serviceTrustPolicy } from "./policies.js";
import { type ClusterScope, createAwsChild } from "./scope.js";

// The EKS control plane and its managed node groups, or the lookup of an
// existing cluster. Kubernetes API access goes through EKS access entries
// (authentication mode API), never through the aws-auth ConfigMap.
// https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html

/** The EKS cluster, as the rest of the platform uses it. */
export interface EksCluster {
  readonly name: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  /** Base64 certificate authority data. */
  readonly certificateAuthority: pulumi.Output<string>;
  /** Resources that must exist before anything talks to the Kubernetes API. */
  readonly ready: pulumi.Resource[];
}

export interface EksResources {
  readonly controlPlane: aws.eks.Cluster;
  readonly nodeGroups: Record<string, aws.eks.NodeGroup>;
  readonly podIdentityAgent: aws.eks.Addon;
}

export interface ControlPlaneOptions {
  kubernetesVersion: string;
  network: Network;
  nodeGroups: readonly ResolvedNodeGroup[];
  /** Principals given cluster admin; undefined means the deployer. */
  adminPrincipalArns: pulumi.Input<string>[] | undefined;
}

/** AWS managed policies every EKS node needs, keyed by the role they play in child names. */
const NODE_POLICIES = {
  worker: "AmazonEKSWorkerNodePolicy",
  cni: "AmazonEKS_CNI_Policy",
  registry: "AmazonEC2ContainerRegistryReadOnly",
} as const;

// EKS taint effects are spelt differently from Kubernetes'.
const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE" } as const;

function managedPolicyArn(scope: ClusterScope, policyName: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${scope.partition}:iam::aws:policy/${policyName}`;
}

export function createEksCluster(scope: ClusterScope, options: ControlPlaneOptions): EksCluster & { resources: EksResources } {
  const controlPlaneRole = createAwsChild(scope, aws.iam.Role, "control-plane-role", {
    assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")),
  });
  const controlPlanePolicy = createAwsChild(scope, aws.iam.RolePolicyAttachment, "control-plane-role-policy", {
    role: controlPlaneRole.name,
    policyArn: managedPolicyArn(scope, "AmazonEKSClusterPolicy"),
  });

  const controlPlane = createAwsChild(
    scope,
    aws.eks.Cluster,
    "control-plane",
    {
      roleArn: controlPlaneRole.arn,
      version: options.kubernetesVersion,
      vpcConfig: {
        subnetIds: [...options.network.privateSubnetIds, ...options.network.publicSubnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    },
    scope.transform.controlPlane,
    { dependsOn: [controlPlanePolicy] },
  );

  const adminAccess = createAdminAccess(scope, controlPlane.name, options.adminPrincipalArns);
  const nodeGroups = createNodeGroups(scope, controlPlane.name, options.network, options.nodeGroups);

  // The agent runs as a DaemonSet, so the add-on turns active only once nodes exist.
  const podIdentityAgent = createAwsChild(
    scope,
    aws.eks.Addon,
    "pod-identity-agent",
    { clusterName: controlPlane.name, addonName: "eks-pod-identity-agent" },
    undefined,
    { dependsOn: Object.values(nodeGroups) },
  );

  return {
    name: controlPlane.name,
    endpoint: controlPlane.endpoint,
    certificateAuthority: controlPlane.certificateAuthority.apply((authority) => authority.data ?? ""),
    ready: [...adminAccess, ...Object.values(nodeGroups), podIdentityAgent],
    resources: { controlPlane, nodeGroups, podIdentityAgent },
  };
}

/** Gives each admin principal an access entry with the cluster admin access policy. */
function createAdminAccess(scope: ClusterScope, clusterName: pulumi.Output<string>, principalArns: pulumi.Input<string>[] | undefined): pulumi.Resource[] {
  const principals = principalArns ?? [deployerArn(scope)];

  return principals.map((principalArn, index) => {
    const entry = createAwsChild(scope, aws.eks.AccessEntry, ["admin", String(index)], { clusterName, principalArn, type: "STANDARD" });
    return createAwsChild(scope, aws.eks.AccessPolicyAssociation, ["admin", String(index), "policy"], {
      clusterName,
      principalArn: entry.principalArn,
      policyArn: pulumi.interpolate`arn:${scope.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      accessScope: { type: "cluster" },
    });
  });
}

/**
 * Returns the IAM role or user running the deployment. An assumed-role session ARN
 * (`arn:aws:sts::...:assumed-role/...`) cannot own an access entry, so it is
 * mapped to the role it was assumed from.
 */
function deployerArn(scope: ClusterScope): pulumi.Output<string> {
  const opts = { parent: scope.parent, provider: scope.awsProvider };
  const caller = aws.getCallerIdentityOutput({}, opts);
  return aws.iam.getSessionContextOutput({ arn: caller.arn }, opts).issuerArn;
}

function createNodeGroups(
  scope: ClusterScope,
  clusterName: pulumi.Output<string>,
  network: Network,
  groups: readonly ResolvedNodeGroup[],
): Record<string, aws.eks.NodeGroup> {
  const nodeRole = createAwsChild(scope, aws.iam.Role, "node-role", { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) });
  const nodePolicies = Object.entries(NODE_POLICIES).map(([role, policyName]) =>
    createAwsChild(scope, aws.iam.RolePolicyAttachment, ["node-role", role], { role: nodeRole.name, policyArn: managedPolicyArn(scope, policyName) }),
  );

  const nodeGroups: Record<string, aws.eks.NodeGroup> = {};
  for (const group of groups) {
    const taints = group.accelerator ? [ACCELERATOR_TAINTS[group.accelerator]] : [];
    nodeGroups[group.name] = createAwsChild(
      scope,
      aws.eks.NodeGroup,
      ["nodes", group.name],
      {
        clusterName,
        nodeRoleArn: nodeRole.arn,
        subnetIds: network.privateSubnetIds,
        instanceTypes: [group.instanceType],
        amiType: group.amiType,
        capacityType: group.spot ? "SPOT" : "ON_DEMAND",
        diskSize: group.diskSize,
        scalingConfig: { minSize: group.minInstances, maxSize: group.maxInstances, desiredSize: group.minInstances },
        labels: { [NODE_GROUP_LABEL]: group.name },
        taints: taints.map((taint) => ({ key: taint.key, value: taint.value, effect: EKS_TAINT_EFFECT[taint.effect] })),
      },
      scope.transform.nodeGroup,
      // cluster-autoscaler owns the desired size once the group exists.
      { dependsOn: nodePolicies, ignoreChanges: ["scalingConfig.desiredSize"] },
    );
  }
  return nodeGroups;
}

/** Looks up an existing cluster; the deployer must already have access to it. */
export function lookupEksCluster(scope: ClusterScope, name: string): EksCluster {
  const cluster = aws.eks.getClusterOutput({ name }, { parent: scope.parent, provider: scope.awsProvider });
  return {
    name: cluster.name,
    endpoint: cluster.endpoint,
    certificateAuthority: cluster.certificateAuthorities.apply((authorities) => authorities[0]?.data ?? ""),
    ready: [],
  };
}
