import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AsyncApiHost } from "../cluster-contract.js";
import { childName } from "../naming.js";
import { applyTransform, type Transform } from "../transform.js";
import type { ApiSpec } from "./spec.js";

// What every child builder of an AsyncApi needs, and the one way children are
// created: named after the component and a role, parented to it, on the
// cluster's providers, with the user's transform for that role applied.

/** Per-child transforms of an AsyncApi, keyed by the child's role. */
export interface AsyncApiTransforms {
  queue?: Transform<aws.sqs.QueueArgs>;
  deadLetterQueue?: Transform<aws.sqs.QueueArgs>;
  registryEntry?: Transform<aws.s3.BucketObjectv2Args>;
  serviceAccount?: Transform<k8s.core.v1.ServiceAccountArgs>;
  role?: Transform<aws.iam.RoleArgs>;
  rolePolicy?: Transform<aws.iam.RolePolicyArgs>;
  podIdentityAssociation?: Transform<aws.eks.PodIdentityAssociationArgs>;
  deployment?: Transform<k8s.apps.v1.DeploymentArgs>;
  scaledObject?: Transform<k8s.apiextensions.CustomResourceArgs>;
  kedaPolicy?: Transform<aws.iam.RolePolicyArgs>;
  virtualService?: Transform<k8s.apiextensions.CustomResourceArgs>;
}

/** Child resource name suffixes, keyed like `AsyncApiTransforms`. */
export const CHILD_ROLES: Record<keyof AsyncApiTransforms, string> = {
  queue: "queue",
  deadLetterQueue: "dead-letter-queue",
  registryEntry: "registry-entry",
  serviceAccount: "service-account",
  role: "dequeuer-role",
  rolePolicy: "dequeuer-policy",
  podIdentityAssociation: "pod-identity",
  deployment: "deployment",
  scaledObject: "scaled-object",
  kedaPolicy: "keda-policy",
  virtualService: "virtual-service",
};

export interface BuildContext {
  spec: ApiSpec;
  host: AsyncApiHost;
  parent: pulumi.ComponentResource;
  transforms: AsyncApiTransforms;
}

type ResourceClass<Args, R> = new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => R;

function createChild<Args, R>(
  context: BuildContext,
  role: keyof AsyncApiTransforms,
  resourceClass: ResourceClass<Args, R>,
  args: Args,
  opts: pulumi.CustomResourceOptions,
): R {
  const name = childName(context.spec.name, CHILD_ROLES[role]);
  const transform = context.transforms[role] as Transform<Args> | undefined;
  const transformed = applyTransform(transform, name, args, { parent: context.parent, ...opts });
  return new resourceClass(name, transformed.args, transformed.opts);
}

/** Creates an AWS child on the cluster's AWS provider. */
export function createAwsChild<Args, R>(
  context: BuildContext,
  role: keyof AsyncApiTransforms,
  resourceClass: ResourceClass<Args, R>,
  args: Args,
  opts: pulumi.CustomResourceOptions = {},
): R {
  return createChild(context, role, resourceClass, args, { provider: context.host.awsProvider, ...opts });
}

/**
 * Creates a Kubernetes child on the cluster's Kubernetes provider. Kubernetes
 * objects get fixed names (the API's name), so a replacement must delete the
 * old object before creating the new one.
 */
export function createKubernetesChild<Args, R>(
  context: BuildContext,
  role: keyof AsyncApiTransforms,
  resourceClass: ResourceClass<Args, R>,
  args: Args,
  opts: pulumi.CustomResourceOptions = {},
): R {
  return createChild(context, role, resourceClass, args, { provider: context.host.kubernetesProvider, deleteBeforeReplace: true, ...opts });
}

/** Labels that identify the API on every Kubernetes object it owns. */
export function apiLabels(spec: ApiSpec): Record<string, string> {
  return {
    "app.kubernetes.io/name": spec.name,
    "app.kubernetes.io/component": "async-api",
    "app.kubernetes.io/managed-by": "cortex-async",
    "cortex.async/api": spec.name,
  };
}

/** Metadata of a namespaced Kubernetes object named after the API. */
export function apiMetadata(context: BuildContext): { name: string; namespace: string; labels: Record<string, string> } {
  return { name: context.spec.name, namespace: context.host.apiNamespace, labels: apiLabels(context.spec) };
}
