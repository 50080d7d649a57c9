import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Node label carrying the name of the node group a node belongs to; API pods select groups by it. */
export const NODE_GROUP_LABEL = "cortex.async/node-group";

/** Taints on accelerator node groups, so that only pods requesting the device are scheduled there. */
export const ACCELERATOR_TAINTS = {
  gpu: { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" },
  inf: { key: "aws.amazon.com/neuron", value: "true", effect: "NoSchedule" },
} as const;

/** Summary of a node group: enough for an AsyncApi to check `nodeGroups` and to schedule pods. */
export interface NodeGroupInfo {
  readonly name: string;
  /** Accelerator of the group's instances; such nodes are tainted so only pods that request it land there. */
  readonly accelerator?: "gpu" | "inf";
}

/**
 * Facts an AsyncApi needs from the cluster it runs on. `Cluster` implements this
 * interface, and a platform that manages its own cluster can pass any object of this shape.
 */
export interface AsyncApiHost {
  /** Provider for the cluster's Kubernetes API. */
  readonly kubernetesProvider: k8s.Provider;
  /** Provider for the account and region of the cluster, its bucket and the APIs' queues. */
  readonly awsProvider: aws.Provider;
  /** EKS cluster name, for the pod identity associations of the APIs' service accounts. */
  readonly clusterName: pulumi.Input<string>;
  /** AWS region of the cluster, for example `us-west-2`. */
  readonly region: pulumi.Input<string>;
  /** Namespace the APIs' workloads run in. */
  readonly apiNamespace: string;
  /** Bucket holding payloads, statuses and results. */
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** Key prefix of this cluster's objects in the bucket; see `StorageLayout`. */
  readonly storagePrefix: string;
  /** Image holding the gateway and the dequeuer. */
  readonly runtimeImage: pulumi.Input<string>;
  /** ConfigMap in `apiNamespace` holding `cli.yaml`, mounted at `/cortex/client` in every API container. */
  readonly clientConfigMapName: string;
  /** The cluster's node groups, in declaration order. */
  readonly nodeGroups: readonly NodeGroupInfo[];
  /** Istio Gateway the APIs' VirtualServices attach to, as `namespace/name`. */
  readonly istioGateway: string;
  /** In-cluster DNS name of the async gateway Service, for example `async-gateway.cortex.svc.cluster.local`. */
  readonly asyncGatewayHost: string;
  /**
   * Prefix of the physical names of this cluster's API queues. AsyncApi names its
   * queues with it, and the gateway's IAM policy allows sending only to queues that carry it.
   */
  readonly queueNamePrefix: string;
  /** KEDA ClusterTriggerAuthentication through which the aws-sqs-queue scaler reads queue attributes. */
  readonly kedaTriggerAuthentication: string;
  /** IAM role of KEDA's operator; each AsyncApi lets it read its own queue's attributes. */
  readonly kedaOperatorRoleName: pulumi.Input<string>;
  /** Project version the runtime image was built from, set as `CORTEX_VERSION` in API containers. */
  readonly version: string;
}
