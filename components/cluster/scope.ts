import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

import { childName } from "../naming.js";
import { applyTransform, type Transform } from "../transform.js";
import type { ClusterTransforms } from "./args.js";

// What every child builder of the Cluster needs: the component as parent, its
// providers, and the user's transforms.

export interface ClusterScope {
  /** Name of the Cluster component; every child name starts with it. */
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly awsProvider: aws.Provider;
  readonly region: string;
  /** Account the AWS provider deploys to. */
  readonly accountId: pulumi.Output<string>;
  /** ARN partition of the region: `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: pulumi.Output<string>;
  readonly transform: ClusterTransforms;
}

export interface KubernetesScope extends ClusterScope {
  readonly kubernetesProvider: k8s.Provider;
}

type ChildConstructor<Args, Child> = new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => Child;

/**
 * Creates a child named `<cluster>-<role>` after applying its transform.
 * `opts` are merged over the parent and the given provider; without a
 * provider the child uses its package's default provider.
 */
export function createChild<Args, Child>(
  scope: ClusterScope,
  provider: pulumi.ProviderResource | undefined,
  constructor: ChildConstructor<Args, Child>,
  role: string | string[],
  args: Args,
  transform?: Transform<Args>,
  opts: pulumi.CustomResourceOptions = {},
): Child {
  const name = childName(scope.name, ...(Array.isArray(role) ? role : [role]));
  const transformed = applyTransform(transform, name, args, { parent: scope.parent, ...(provider ? { provider } : {}), ...opts });
  return new constructor(name, transformed.args, transformed.opts);
}

/** Creates an AWS child through the cluster's AWS provider. */
export function createAwsChild<Args, Child>(
  scope: ClusterScope,
  constructor: ChildConstructor<Args, Child>,
  role: string | string[],
  args: Args,
  transform?: Transform<Args>,
  opts?: pulumi.CustomResourceOptions,
): Child {
  return createChild(scope, scope.awsProvider, constructor, role, args, transform, opts);
}

/** Creates a Kubernetes child through the cluster's Kubernetes provider. */
export function createKubernetesChild<Args, Child>(
  scope: KubernetesScope,
  constructor: ChildConstructor<Args, Child>,
  role: string | string[],
  args: Args,
  transform?: Transform<Args>,
  opts?: pulumi.CustomResourceOptions,
): Child {
  return createChild(scope, scope.kubernetesProvider, constructor, role, args, transform, opts);
}
