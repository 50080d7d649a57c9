import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

import { helmReleaseArgs } from "./helm.js";
import { type PodIdentity, createPodIdentity } from "./pod-identity.js";
import { type KubernetesScope, createKubernetesChild } from "./scope.js";

// KEDA from its Helm chart. Its operator reads the APIs' queue lengths with
// its own Pod Identity role (identityOwner: keda). Each AsyncApi attaches a
// policy for its own queue to that role, so the cluster grants it nothing itself.
// The podIdentity fields used here are documented for KEDA 2.13 and 2.15:
// https://keda.sh/docs/2.15/authentication-providers/aws/

export const KEDA_CHART_VERSION = "2.18.1";
export const KEDA_CHART_REPOSITORY = "https://kedacore.github.io/charts";
export const KEDA_NAMESPACE = "keda";

/** Service account of KEDA's operator, the chart's default name. */
export const KEDA_OPERATOR_SERVICE_ACCOUNT = "keda-operator";

export interface KedaResources {
  readonly release: k8s.helm.v3.Release;
  readonly operatorIdentity: PodIdentity;
  readonly triggerAuthentication: k8s.apiextensions.CustomResource;
}

/** Name of the cluster's ClusterTriggerAuthentication; cluster-scoped, so it carries the cluster name. */
export function triggerAuthenticationName(clusterName: string): string {
  return `${clusterName}-aws`;
}

/** Builds the ClusterTriggerAuthentication through which aws-sqs-queue scalers use the operator's role. */
export function triggerAuthenticationObject(clusterName: string): { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> } {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ClusterTriggerAuthentication",
    metadata: { name: triggerAuthenticationName(clusterName) },
    spec: { podIdentity: { provider: "aws", identityOwner: "keda" } },
  };
}

export function createKeda(scope: KubernetesScope, eksClusterName: pulumi.Output<string>): KedaResources {
  const operatorIdentity = createPodIdentity(scope, "keda-operator", eksClusterName, KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT);

  // The association exists before the operator starts, so its first pods get credentials.
  const release = createKubernetesChild(
    scope,
    k8s.helm.v3.Release,
    "keda",
    helmReleaseArgs({ chart: "keda", version: KEDA_CHART_VERSION, repository: KEDA_CHART_REPOSITORY }, "keda", KEDA_NAMESPACE, {}),
    scope.transform.keda,
    { dependsOn: [operatorIdentity.association] },
  );

  const triggerAuthentication = createKubernetesChild(
    scope,
    k8s.apiextensions.CustomResource,
    "keda-trigger-authentication",
    triggerAuthenticationObject(scope.name),
    scope.transform.kedaTriggerAuthentication,
    { dependsOn: [release] },
  );

  return { release, operatorIdentity, triggerAuthentication };
}
