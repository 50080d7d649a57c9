import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { podIdentityTrustPolicy } from "./policies.js";
import { type ClusterScope, createAwsChild } from "./scope.js";

// An IAM role that EKS Pod Identity hands to the pods of one service account.
// https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html

export interface PodIdentity {
  readonly role: aws.iam.Role;
  readonly association: aws.eks.PodIdentityAssociation;
}

/** Creates `<cluster>-<role>-role` and associates it with `namespace/serviceAccount` on `clusterName`. */
export function createPodIdentity(
  scope: ClusterScope,
  role: string,
  clusterName: pulumi.Output<string>,
  namespace: string,
  serviceAccount: string,
): PodIdentity {
  const trustPolicy = pulumi
    .all([scope.accountId, clusterName])
    .apply(([accountId, cluster]) => JSON.stringify(podIdentityTrustPolicy({ accountId, clusterName: cluster, namespace, serviceAccount })));

  const iamRole = createAwsChild(scope, aws.iam.Role, [role, "role"], {
    assumeRolePolicy: trustPolicy,
    description: `Pod Identity role of ${namespace}/${serviceAccount} in cluster ${scope.name}`,
  });
  const association = createAwsChild(scope, aws.eks.PodIdentityAssociation, [role, "pod-identity"], {
    clusterName,
    namespace,
    serviceAccount,
    roleArn: iamRole.arn,
  });
  return { role: iamRole, association };
}
