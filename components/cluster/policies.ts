import { StorageLayout } from "../../runtime/shared/storage-layout.js";

// IAM policy documents of the cluster's own roles, built from plain values so
// that tests can read them whole. Data actions (S3, SQS) are always scoped to
// this cluster's bucket prefixes and queue names, never to `*`.

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]> | "*";
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy letting an AWS service (`eks.amazonaws.com`, `ec2.amazonaws.com`) assume a role. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return policy({ Sid: "AssumedByService", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
}

export interface PodIdentityScope {
  accountId: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
}

/**
 * Trust policy for an EKS Pod Identity role. The session tags that Pod
 * Identity sets limit the role to one service account of one cluster, so
 * another association in the account cannot borrow it.
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrustPolicy(scope: PodIdentityScope): PolicyDocument {
  return policy({
    Sid: "AssumedByPodIdentity",
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: {
      StringEquals: {
        "aws:SourceAccount": scope.accountId,
        "aws:RequestTag/eks-cluster-name": scope.clusterName,
        "aws:RequestTag/kubernetes-namespace": scope.namespace,
        "aws:RequestTag/kubernetes-service-account": scope.serviceAccount,
      },
    },
  });
}

export interface GatewayPolicyScope {
  partition: string;
  region: string;
  accountId: string;
  queueNamePrefix: string;
  bucketArn: string;
  storagePrefix: string;
}

/**
 * Permissions of the async gateway: send to this cluster's queues, write and
 * read request objects, read the API registry, and list request prefixes.
 */
export function gatewayPolicy(scope: GatewayPolicyScope): PolicyDocument {
  const layout = new StorageLayout(scope.storagePrefix);
  const apisPrefix = layout.apisPrefix();

  return policy(
    {
      Sid: "SendToClusterQueues",
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: `arn:${scope.partition}:sqs:${scope.region}:${scope.accountId}:${scope.queueNamePrefix}*`,
    },
    {
      // s3:PutObject also covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload.
      Sid: "ReadWriteRequests",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: `${scope.bucketArn}/${apisPrefix}*`,
    },
    {
      Sid: "ReadRegistry",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${scope.bucketArn}/${layout.registryKey("*")}`,
    },
    {
      // Without s3:ListBucket, S3 responds to a GetObject of a missing key with 403
      // instead of 404 NoSuchKey. That check carries no s3:prefix, hence IfExists;
      // a real listing always carries one ("" for the whole bucket), which must match.
      // NOTE: the IfExists reading of S3's implicit check follows the S3 docs and was not exercised against AWS here.
      Sid: "ListRequests",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: scope.bucketArn,
      Condition: { StringLikeIfExists: { "s3:prefix": `${apisPrefix}*` } },
    },
  );
}

export interface AutoscalerPolicyScope {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
}

/**
 * Permissions of cluster-autoscaler: resize only the Auto Scaling groups that
 * EKS tagged as owned by this cluster, and read its node groups. The Describe
 * actions of Auto Scaling and EC2 support no resource-level scoping, so they
 * are the only ones on `*`.
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
 */
export function autoscalerPolicy(scope: AutoscalerPolicyScope): PolicyDocument {
  return policy(
    {
      Sid: "ResizeClusterGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: `arn:${scope.partition}:autoscaling:${scope.region}:${scope.accountId}:autoScalingGroup:*:autoScalingGroupName/*`,
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${scope.clusterName}`]: "owned" } },
    },
    {
      Sid: "DescribeGroupsAndInstanceTypes",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
      ],
      Resource: "*",
    },
    {
      Sid: "ReadClusterNodeGroups",
      Effect: "Allow",
      Action: "eks:DescribeNodegroup",
      Resource: `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:nodegroup/${scope.clusterName}/*`,
    },
  );
}

/** Bucket policy rejecting every request that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return policy({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
}
