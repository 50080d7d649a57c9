import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { StorageLayout } from "../runtime/shared/storage-layout.js";
import { CORTEX_VERSION } from "../runtime/shared/version.js";
import type { AsyncApiHost, NodeGroupInfo } from "./cluster-contract.js";
import type { ClusterTransforms, ExistingClusterArgs, GatewayArgs, NodeGroupArgs } from "./cluster/args.js";
import { type ApiNamespaceResources, CLIENT_CONFIG_MAP_NAME, createApiNamespace } from "./cluster/api-namespace.js";
import { type AutoscalerResources, createClusterAutoscaler } from "./cluster/autoscaler.js";
import {
  DEFAULT_API_NAMESPACE,
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_VPC_CIDR_BLOCK,
  type ResolvedNodeGroup,
  resolveGateway,
  resolveNodeGroup,
} from "./cluster/defaults.js";
import { type EksCluster, type EksResources, createEksCluster, lookupEksCluster } from "./cluster/eks.js";
import { type GatewayResources, createGateway, gatewayHost } from "./cluster/gateway.js";
import { type ImageResources, createRuntimeImage } from "./cluster/image.js";
import { CHAINING_BASE_URL, ISTIO_GATEWAY_NAME, ISTIO_NAMESPACE, type IstioResources, createIstio } from "./cluster/istio.js";
import { type KedaResources, createKeda, triggerAuthenticationName } from "./cluster/keda.js";
import { kubeconfigFor } from "./cluster/kubeconfig.js";
import { type Network, type NetworkResources, createNetwork } from "./cluster/network.js";
import type { ClusterScope, KubernetesScope } from "./cluster/scope.js";
import { type StorageResources, createStorage } from "./cluster/storage.js";
import { validateClusterArgs } from "./cluster/validate.js";
import { childName } from "./naming.js";

export type { ClusterTransforms, ExistingClusterArgs, GatewayArgs, NodeGroupArgs };

export interface ClusterArgs {
  /**
   * AWS region of everything the cluster creates. A plain string, checked against
   * a static list of regions when the component is constructed.
   * Caution: changing it replaces every resource of the cluster.
   * @example "us-west-2"
   */
  region: string;
  /**
   * Managed node groups to create, at least one unless `existingCluster` is set.
   * @example [{ name: "cpu", instanceType: "m6i.large", minInstances: 1, maxInstances: 4 }]
   */
  nodeGroups?: NodeGroupArgs[];
  /**
   * Kubernetes version of the control plane, as `<major>.<minor>`. cluster-autoscaler
   * runs the release of the same minor version.
   * @default "1.33"
   */
  kubernetesVersion?: string;
  /**
   * IPv4 block of the VPC the component creates, with a prefix length from 16 to 20.
   * Caution: changing it replaces the VPC and everything in it.
   * @default "10.0.0.0/16"
   */
  vpcCidrBlock?: string;
  /**
   * Number of availability zones the created VPC spans, 2 or 3.
   * Caution: changing it replaces the control plane.
   * @default 2
   */
  availabilityZoneCount?: number;
  /**
   * An existing VPC to create the cluster in, instead of creating one. Requires
   * `publicSubnetIds` and `privateSubnetIds`.
   * Caution: changing it replaces the control plane.
   * @example "vpc-0123456789abcdef0"
   */
  vpcId?: pulumi.Input<string>;
  /**
   * Public subnets of `vpcId`, in at least two zones, tagged `kubernetes.io/role/elb=1`
   * for the ingress load balancer.
   * @example ["subnet-0aaa", "subnet-0bbb"]
   */
  publicSubnetIds?: pulumi.Input<string>[];
  /**
   * Private subnets of `vpcId`, in at least two zones, with a route to a NAT gateway.
   * The nodes run in them.
   * @example ["subnet-0ccc", "subnet-0ddd"]
   */
  privateSubnetIds?: pulumi.Input<string>[];
  /**
   * An existing EKS cluster to install the platform on. No VPC, control plane,
   * node groups or cluster-autoscaler are created then.
   * @example { name: "shared-eks", nodeGroups: [{ name: "cpu" }] }
   */
  existingCluster?: ExistingClusterArgs;
  /**
   * IAM roles or users given cluster admin through EKS access entries, on a cluster this
   * component creates.
   * @default the IAM role or user running `pulumi up`
   * @example ["arn:aws:iam::123456789012:role/platform-admin"]
   */
  adminPrincipalArns?: pulumi.Input<string>[];
  /**
   * Namespace of the async gateway and of every API's workloads.
   * Caution: changing it replaces the namespace and every workload in it.
   * @default "cortex"
   */
  apiNamespace?: string;
  /**
   * Image with the gateway and the dequeuer. When given, no ECR repository is created
   * and nothing is built.
   * @default an image built from `runtime/Dockerfile` and pushed to a repository the cluster creates
   * @example "123456789012.dkr.ecr.us-west-2.amazonaws.com/cortex-runtime:0.1.0"
   */
  runtimeImage?: pulumi.Input<string>;
  /** Replicas and resources of the async gateway. */
  gateway?: GatewayArgs;
  /**
   * Tags added to every AWS resource, through the provider's default tags.
   * @default {}
   */
  tags?: Record<string, string>;
  /** Changes to the arguments of individual children, keyed by child. */
  transform?: ClusterTransforms;
}

/** Type token of the component; an alias is needed if it ever changes. */
export const CLUSTER_TYPE = "cortex:index:Cluster";

/** The cluster's children, for settings the arguments do not cover; absent parts were not created. */
export interface ClusterResources {
  /** The VPC and subnets, when the cluster created its own VPC. */
  readonly network?: NetworkResources;
  /** The control plane and node groups, unless `existingCluster` was given. */
  readonly eks?: EksResources;
  readonly storage: StorageResources;
  /** The ECR repository and image build, unless `runtimeImage` was given. */
  readonly image?: ImageResources;
  readonly apiNamespace: ApiNamespaceResources;
  readonly istio: IstioResources;
  readonly keda: KedaResources;
  /** cluster-autoscaler, unless `existingCluster` was given. */
  readonly clusterAutoscaler?: AutoscalerResources;
  readonly gateway: GatewayResources;
}

/**
 * An EKS cluster ready for async APIs: the network, control plane and node
 * groups, istio with the public ingress gateway, KEDA, the bucket, the runtime
 * image and the async gateway. Pass it as `cluster` to `AsyncApi`.
 *
 * @example
 * const cluster = new Cluster("prod", {
 *   region: "us-west-2",
 *   nodeGroups: [{ name: "cpu", instanceType: "m6i.large", minInstances: 1, maxInstances: 4 }],
 * });
 */
export class Cluster extends pulumi.ComponentResource implements AsyncApiHost {
  /** Provider for the cluster's account and region, used by every AWS child. */
  readonly awsProvider: aws.Provider;
  /** Provider for the cluster's Kubernetes API. */
  readonly kubernetesProvider: k8s.Provider;
  /** Kubeconfig of the cluster, as JSON; a secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Public base URL of the APIs, `http://<load balancer hostname>`; clients call `<endpoint>/<api_name>`. */
  readonly endpoint: pulumi.Output<string>;
  /** Name of the EKS cluster. */
  readonly clusterName: pulumi.Output<string>;
  readonly region: string;
  readonly apiNamespace: string;
  /** Bucket holding payloads, statuses, results and the API registry. */
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Key prefix of this cluster's objects in the bucket: the cluster's name. */
  readonly storagePrefix: string;
  /** Image the gateway and the dequeuers run. */
  readonly runtimeImage: pulumi.Output<string>;
  readonly clientConfigMapName: string;
  readonly nodeGroups: readonly NodeGroupInfo[];
  /** The istio Gateway for the APIs' VirtualServices, as `istio-system/<name>`. */
  readonly istioGateway: string;
  readonly asyncGatewayHost: string;
  /** Prefix of the APIs' queue names: `<cluster name>-`. */
  readonly queueNamePrefix: string;
  readonly kedaTriggerAuthentication: string;
  readonly kedaOperatorRoleName: pulumi.Output<string>;
  readonly version: string;

  private readonly children: ClusterResources;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CLUSTER_TYPE, name, {}, opts);
    validateClusterArgs(this, name, args);

    const apiNamespace = args.apiNamespace ?? DEFAULT_API_NAMESPACE;
    const kubernetesVersion = args.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const nodeGroups = (args.nodeGroups ?? []).map(resolveNodeGroup);
    const layout = new StorageLayout(name);
    const queueNamePrefix = `${name}-`;

    const awsProvider = new aws.Provider(childName(name, "aws"), { region: args.region, defaultTags: { tags: args.tags ?? {} } }, { parent: this });
    const identityOptions = { parent: this, provider: awsProvider };
    const scope: ClusterScope = {
      name,
      parent: this,
      awsProvider,
      region: args.region,
      accountId: aws.getCallerIdentityOutput({}, identityOptions).accountId,
      partition: aws.getPartitionOutput({}, identityOptions).partition,
      transform: args.transform ?? {},
    };

    const { eks, network, eksResources } = createOrLookUpEks(scope, args, kubernetesVersion, nodeGroups);
    const kubeconfig = pulumi.secret(
      pulumi
        .all([eks.name, eks.endpoint, eks.certificateAuthority])
        .apply(([clusterName, endpoint, certificateAuthority]) => kubeconfigFor({ clusterName, endpoint, certificateAuthority, region: args.region })),
    );
    const kubernetesProvider = new k8s.Provider(childName(name, "kubernetes"), { kubeconfig }, { parent: this, dependsOn: eks.ready });
    const kubernetesScope: KubernetesScope = { ...scope, kubernetesProvider };

    const storage = createStorage(scope, layout);
    const image = args.runtimeImage === undefined ? createRuntimeImage(scope, CORTEX_VERSION) : undefined;
    const runtimeImage = image ? image.ref : pulumi.output(args.runtimeImage as pulumi.Input<string>);
    const namespace = createApiNamespace(kubernetesScope, apiNamespace, {
      endpoint: CHAINING_BASE_URL,
      cluster: name,
      region: args.region,
      version: CORTEX_VERSION,
    });
    const istio = createIstio(kubernetesScope);
    const keda = createKeda(kubernetesScope, eks.name);
    const clusterAutoscaler = args.existingCluster ? undefined : createClusterAutoscaler(kubernetesScope, eks.name, kubernetesVersion);
    const gateway = createGateway(kubernetesScope, {
      namespace: namespace.namespace.metadata.name,
      namespaceName: apiNamespace,
      eksClusterName: eks.name,
      bucketName: storage.bucket.bucket,
      bucketArn: storage.bucket.arn,
      storagePrefix: layout.prefix,
      queueNamePrefix,
      image: runtimeImage,
      settings: resolveGateway(args.gateway),
    });

    this.awsProvider = awsProvider;
    this.kubernetesProvider = kubernetesProvider;
    this.kubeconfig = kubeconfig;
    this.endpoint = istio.publicEndpoint;
    this.clusterName = eks.name;
    this.region = args.region;
    this.apiNamespace = apiNamespace;
    this.bucketName = storage.bucket.bucket;
    this.bucketArn = storage.bucket.arn;
    this.storagePrefix = layout.prefix;
    this.runtimeImage = runtimeImage;
    this.clientConfigMapName = CLIENT_CONFIG_MAP_NAME;
    this.nodeGroups = args.existingCluster
      ? [...(args.existingCluster.nodeGroups ?? [])]
      : nodeGroups.map((group) => ({ name: group.name, ...(group.accelerator ? { accelerator: group.accelerator } : {}) }));
    this.istioGateway = `${ISTIO_NAMESPACE}/${ISTIO_GATEWAY_NAME}`;
    this.asyncGatewayHost = gatewayHost(apiNamespace);
    this.queueNamePrefix = queueNamePrefix;
    this.kedaTriggerAuthentication = triggerAuthenticationName(name);
    this.kedaOperatorRoleName = keda.operatorIdentity.role.name;
    this.version = CORTEX_VERSION;
    this.children = {
      ...(network ? { network } : {}),
      ...(eksResources ? { eks: eksResources } : {}),
      storage,
      ...(image ? { image: { repository: image.repository, image: image.image } } : {}),
      apiNamespace: namespace,
      istio,
      keda,
      ...(clusterAutoscaler ? { clusterAutoscaler } : {}),
      gateway,
    };

    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      endpoint: this.endpoint,
      clusterName: this.clusterName,
      region: this.region,
      apiNamespace: this.apiNamespace,
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      storagePrefix: this.storagePrefix,
      runtimeImage: this.runtimeImage,
      clientConfigMapName: this.clientConfigMapName,
      nodeGroups: this.nodeGroups,
      istioGateway: this.istioGateway,
      asyncGatewayHost: this.asyncGatewayHost,
      queueNamePrefix: this.queueNamePrefix,
      kedaTriggerAuthentication: this.kedaTriggerAuthentication,
      kedaOperatorRoleName: this.kedaOperatorRoleName,
      version: this.version,
    });
  }

  /** The raw child resources, for settings that neither the arguments nor `transform` reach. */
  get resources(): ClusterResources {
    return this.children;
  }
}

/** Creates the network and control plane, or looks up `existingCluster`. */
function createOrLookUpEks(
  scope: ClusterScope,
  args: ClusterArgs,
  kubernetesVersion: string,
  nodeGroups: ResolvedNodeGroup[],
): { eks: EksCluster; network?: NetworkResources; eksResources?: EksResources } {
  if (args.existingCluster) return { eks: lookupEksCluster(scope, args.existingCluster.name) };

  let network: Network;
  let networkResources: NetworkResources | undefined;
  if (args.vpcId !== undefined) {
    network = { vpcId: args.vpcId, publicSubnetIds: args.publicSubnetIds ?? [], privateSubnetIds: args.privateSubnetIds ?? [] };
  } else {
    const created = createNetwork(scope, args.vpcCidrBlock ?? DEFAULT_VPC_CIDR_BLOCK, args.availabilityZoneCount ?? DEFAULT_AVAILABILITY_ZONE_COUNT);
    network = created;
    networkResources = created.resources;
  }

  const created = createEksCluster(scope, { kubernetesVersion, network, nodeGroups, adminPrincipalArns: args.adminPrincipalArns });
  return { eks: created, eksResources: created.resources, ...(networkResources ? { network: networkResources } : {}) };
}
