import type * as aws from "@pulumi/aws";
import type * as dockerBuild from "@pulumi/docker-build";
import type * as k8s from "@pulumi/kubernetes";

import type { NodeGroupInfo } from "../cluster-contract.js";
import type { Transform } from "../transform.js";

// The nested argument types of `Cluster`; `ClusterArgs` itself opens
// components/cluster.ts, which re-exports these.

/** One EKS managed node group. */
export interface NodeGroupArgs {
  /**
   * Name of the group, a DNS label. Every node carries it in the `cortex.async/node-group`
   * label, and APIs pick groups by it.
   * Caution: changing it replaces the group and its nodes.
   * @example "gpu"
   */
  name: string;
  /**
   * EC2 instance type of the group's nodes. Its family decides the AMI type and
   * whether the nodes are tainted for GPU or Inferentia workloads.
   * Caution: changing it replaces the group and its nodes.
   * @example "g5.xlarge"
   */
  instanceType: string;
  /**
   * Minimum number of nodes the group scales down to, 0 or more.
   * @default 1
   */
  minInstances?: number;
  /**
   * Maximum number of nodes the group scales up to, 1 or more and at least `minInstances`.
   * @default 5
   */
  maxInstances?: number;
  /**
   * Whether the nodes are spot instances, which cost less and can be reclaimed at two minutes' notice.
   * Caution: changing it replaces the group and its nodes.
   * @default false
   */
  spot?: boolean;
  /**
   * Size of each node's root volume, in GiB, at least 20.
   * Caution: changing it replaces the group and its nodes.
   * @default 50
   */
  diskSize?: number;
  /**
   * Declares that the instance type has NVIDIA GPUs. Optional, because the instance
   * family determines it, but when set it must agree with the family.
   * @example true
   */
  gpu?: boolean;
  /**
   * Declares that the instance type has AWS Inferentia or Trainium chips. Optional,
   * because the instance family determines it, but when set it must agree with the family.
   * @example true
   */
  inf?: boolean;
}

/** A cluster created outside this component, on which it installs only the platform. */
export interface ExistingClusterArgs {
  /**
   * Name of the EKS cluster. It must run the EKS Pod Identity agent add-on, and the
   * deployer must already have access to its Kubernetes API.
   * @example "shared-eks"
   */
  name: string;
  /**
   * Node groups of that cluster that APIs may select. Their nodes must carry the
   * `cortex.async/node-group` label with the group's name.
   * @default []
   */
  nodeGroups?: NodeGroupInfo[];
}

/** Replicas and resources of the async gateway Deployment. */
export interface GatewayArgs {
  /**
   * Minimum number of gateway replicas the HorizontalPodAutoscaler keeps.
   * @default 2
   */
  minReplicas?: number;
  /**
   * Maximum number of gateway replicas the HorizontalPodAutoscaler starts.
   * @default 10
   */
  maxReplicas?: number;
  /**
   * CPU each replica requests, as a Kubernetes quantity.
   * @default "250m"
   */
  cpu?: string;
  /**
   * Memory each replica requests, which is also its limit, as a Kubernetes quantity.
   * @default "512Mi"
   */
  memory?: string;
}

/** Changes to the arguments of individual children; see `Transform`. */
export interface ClusterTransforms {
  vpc?: Transform<aws.ec2.VpcArgs>;
  /** Applied to every public subnet. */
  publicSubnet?: Transform<aws.ec2.SubnetArgs>;
  /** Applied to every private subnet. */
  privateSubnet?: Transform<aws.ec2.SubnetArgs>;
  natGateway?: Transform<aws.ec2.NatGatewayArgs>;
  controlPlane?: Transform<aws.eks.ClusterArgs>;
  /** Applied to every node group; the callback form receives the child's name. */
  nodeGroup?: Transform<aws.eks.NodeGroupArgs>;
  bucket?: Transform<aws.s3.BucketArgs>;
  bucketLifecycle?: Transform<aws.s3.BucketLifecycleConfigurationArgs>;
  repository?: Transform<aws.ecr.RepositoryArgs>;
  image?: Transform<dockerBuild.ImageArgs>;
  namespace?: Transform<k8s.core.v1.NamespaceArgs>;
  clusterAutoscaler?: Transform<k8s.helm.v3.ReleaseArgs>;
  istioBase?: Transform<k8s.helm.v3.ReleaseArgs>;
  istiod?: Transform<k8s.helm.v3.ReleaseArgs>;
  istioIngress?: Transform<k8s.helm.v3.ReleaseArgs>;
  istioGateway?: Transform<k8s.apiextensions.CustomResourceArgs>;
  keda?: Transform<k8s.helm.v3.ReleaseArgs>;
  kedaTriggerAuthentication?: Transform<k8s.apiextensions.CustomResourceArgs>;
  gatewayPolicy?: Transform<aws.iam.RolePolicyArgs>;
  gatewayDeployment?: Transform<k8s.apps.v1.DeploymentArgs>;
  gatewayService?: Transform<k8s.core.v1.ServiceArgs>;
  gatewayAutoscaler?: Transform<k8s.autoscaling.v2.HorizontalPodAutoscalerArgs>;
  gatewayDisruptionBudget?: Transform<k8s.policy.v1.PodDisruptionBudgetArgs>;
  clientConfigMap?: Transform<k8s.core.v1.ConfigMapArgs>;
}
