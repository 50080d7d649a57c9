import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StorageLayout } from "../../runtime/shared/storage-layout.js";
import { apiMetadata, createAwsChild, createKubernetesChild, type BuildContext } from "./children.js";
import type { Queues } from "./queue.js";

// The dequeuer's AWS identity: a ServiceAccount bound to an IAM role through
// EKS Pod Identity, allowed only what the dequeuer does with this API's queues
// and objects.

export interface Identity {
  serviceAccount: k8s.core.v1.ServiceAccount;
  role: aws.iam.Role;
  rolePolicy: aws.iam.RolePolicy;
  podIdentityAssociation: aws.eks.PodIdentityAssociation;
}

/** Trust policy of EKS Pod Identity: its agent assumes the role and tags the session with the pod's attributes. */
const POD_IDENTITY_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
    },
  ],
});

/** Builds the dequeuer's permissions: its two queues, and objects under the API's prefix only. */
export function dequeuerPolicy(queueArns: [string, string], bucketArn: string, apiPrefix: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConsumeQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
        Resource: queueArns,
      },
      {
        Sid: "ReadWriteApiObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: [`${bucketArn}/${apiPrefix}*`],
      },
      {
        // Without ListBucket, S3 returns 403 instead of 404 for a GET of a missing key.
        Sid: "ListApiObjects",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": [`${apiPrefix}*`] } },
      },
    ],
  });
}

export function createIdentity(context: BuildContext, queues: Queues): Identity {
  const { spec, host } = context;
  const apiPrefix = new StorageLayout(host.storagePrefix).apiPrefix(spec.name);

  const serviceAccount = createKubernetesChild(context, "serviceAccount", k8s.core.v1.ServiceAccount, {
    metadata: apiMetadata(context),
  });

  const role = createAwsChild(context, "role", aws.iam.Role, {
    description: `Dequeuer of the async API ${spec.name}`,
    assumeRolePolicy: POD_IDENTITY_TRUST_POLICY,
  });

  const rolePolicy = createAwsChild(context, "rolePolicy", aws.iam.RolePolicy, {
    role: role.name,
    policy: pulumi
      .all([queues.queue.arn, queues.deadLetterQueue.arn, host.bucketArn])
      .apply(([queueArn, deadLetterQueueArn, bucketArn]) => dequeuerPolicy([queueArn, deadLetterQueueArn], bucketArn, apiPrefix)),
  });

  const podIdentityAssociation = createAwsChild(context, "podIdentityAssociation", aws.eks.PodIdentityAssociation, {
    clusterName: host.clusterName,
    namespace: host.apiNamespace,
    serviceAccount: serviceAccount.metadata.name,
    roleArn: role.arn,
  });

  return { serviceAccount, role, rolePolicy, podIdentityAssociation };
}
