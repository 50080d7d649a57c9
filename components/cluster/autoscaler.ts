import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { helmReleaseArgs } from "./helm.js";
import { type PodIdentity, createPodIdentity } from "./pod-identity.js";
import { autoscalerPolicy } from "./policies.js";
import { type KubernetesScope, createAwsChild, createKubernetesChild } from "./scope.js";

// cluster-autoscaler from its Helm chart. It finds the node groups' Auto
// Scaling groups by the tags EKS puts on them, and reads each managed node
// group's labels and taints, so a group can scale up from zero.
// https://github.com/kubernetes/autoscaler/tree/master/charts/cluster-autoscaler

// NOTE: chart 9.43.1 was written for cluster-autoscaler 1.31; its RBAC rules were not checked against the newer release it runs here.
export const CLUSTER_AUTOSCALER_CHART_VERSION = "9.43.1";
export const CLUSTER_AUTOSCALER_CHART_REPOSITORY = "https://kubernetes.github.io/autoscaler";
export const CLUSTER_AUTOSCALER_NAMESPACE = "kube-system";
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

export interface AutoscalerResources {
  readonly release: k8s.helm.v3.Release;
  readonly identity: PodIdentity;
}

/**
 * Image tag of cluster-autoscaler for a Kubernetes minor version: the project
 * releases one minor per Kubernetes minor and supports only that pairing.
 */
export function autoscalerImageTag(kubernetesVersion: string): string {
  return `v${kubernetesVersion}.0`;
}

export function createClusterAutoscaler(scope: KubernetesScope, eksClusterName: pulumi.Output<string>, kubernetesVersion: string): AutoscalerResources {
  const identity = createPodIdentity(scope, "cluster-autoscaler", eksClusterName, CLUSTER_AUTOSCALER_NAMESPACE, CLUSTER_AUTOSCALER_SERVICE_ACCOUNT);
  const policy = createAwsChild(scope, aws.iam.RolePolicy, "cluster-autoscaler-policy", {
    role: identity.role.name,
    policy: pulumi
      .all([scope.partition, scope.accountId, eksClusterName])
      .apply(([partition, accountId, clusterName]) => JSON.stringify(autoscalerPolicy({ partition, region: scope.region, accountId, clusterName }))),
  });

  const release = createKubernetesChild(
    scope,
    k8s.helm.v3.Release,
    "cluster-autoscaler",
    helmReleaseArgs(
      { chart: "cluster-autoscaler", version: CLUSTER_AUTOSCALER_CHART_VERSION, repository: CLUSTER_AUTOSCALER_CHART_REPOSITORY },
      "cluster-autoscaler",
      CLUSTER_AUTOSCALER_NAMESPACE,
      {
        cloudProvider: "aws",
        awsRegion: scope.region,
        autoDiscovery: { clusterName: eksClusterName },
        image: { tag: autoscalerImageTag(kubernetesVersion) },
        rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
        extraArgs: { "balance-similar-node-groups": true, expander: "least-waste" },
      },
    ),
    scope.transform.clusterAutoscaler,
    { dependsOn: [identity.association, policy] },
  );

  return { release, identity };
}
