import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AsyncApiHost } from "./cluster-contract.js";
import { argumentError } from "./errors.js";
import type { AutoscalingArgs, NetworkingArgs, PodArgs, QueueArgs, UpdateStrategyArgs } from "./async-api/args.js";
import type { AsyncApiTransforms, BuildContext } from "./async-api/children.js";
import { createDeployment } from "./async-api/deployment.js";
import { createIdentity } from "./async-api/identity.js";
import { createQueues } from "./async-api/queue.js";
import { createRegistryEntry } from "./async-api/registry.js";
import { createVirtualService } from "./async-api/routing.js";
import { createScaling } from "./async-api/scaling.js";
import { resolveSpec, type Fail } from "./async-api/spec.js";
import { validateSpec } from "./async-api/validate.js";

export type * from "./async-api/args.js";
export type { AsyncApiTransforms } from "./async-api/children.js";

/**
 * Arguments of an AsyncApi, the fields of a Cortex AsyncAPI in camelCase.
 *
 * Values the component checks when it is constructed (ports, container names,
 * probes, compute quantities, replica counts, node groups, durations) are
 * plain values, because an Output is only known at deploy time. Values that
 * are only passed on (images, commands, arguments, environment values, update
 * strategy) accept `pulumi.Input`.
 */
export interface AsyncApiArgs {
  /**
   * Cluster the API runs on: a `Cluster`, or any object implementing `AsyncApiHost`.
   */
  cluster: AsyncApiHost;
  /**
   * The worker pod: the user's containers, the port one of them serves and
   * how many requests a replica handles at once.
   * @example { containers: [{ name: "api", image: "hello-world:latest" }] }
   */
  pod: PodArgs;
  /**
   * Autoscaling: the replica count as a function of the queue's in-flight requests.
   * @default { minReplicas: 1, maxReplicas: 100, targetInFlight: pod.maxConcurrency }
   * @example { minReplicas: 0, maxReplicas: 10 }
   */
  autoscaling?: AutoscalingArgs;
  /**
   * Node groups of the cluster the pods may run on, by name.
   * @default every node group of the cluster
   * @example ["gpu"]
   */
  nodeGroups?: string[];
  /**
   * Update strategy: the pace at which an update replaces running pods.
   * @default { maxSurge: "25%", maxUnavailable: "25%" }
   */
  updateStrategy?: UpdateStrategyArgs;
  /**
   * Networking: the path at which clients reach the API.
   * @default { endpoint: "/<name>" }
   */
  networking?: NetworkingArgs;
  /**
   * Seconds one request may run before its message becomes visible again. The
   * pods' termination grace period is this plus 60 seconds, so that a stopping
   * replica can finish the request in hand.
   * @default 3600
   * @example 7200
   */
  maxProcessingSeconds?: number;
  /**
   * The API's SQS queue and its dead-letter queue.
   * @default { maxReceiveCount: 3, messageRetentionSeconds: 345600, visibilityTimeoutSeconds: 30 }
   */
  queue?: QueueArgs;
  /**
   * Changes to the child resources, by role: partial args merged over ours, or
   * a callback that edits the args and options.
   * @example { queue: { tags: { team: "ml" } }, deployment: (args, opts) => { opts.protect = true; } }
   */
  transform?: AsyncApiTransforms;
}

/** The raw child resources of an AsyncApi. */
export interface AsyncApiChildren {
  queue: aws.sqs.Queue;
  deadLetterQueue: aws.sqs.Queue;
  registryEntry: aws.s3.BucketObjectv2;
  serviceAccount: k8s.core.v1.ServiceAccount;
  role: aws.iam.Role;
  rolePolicy: aws.iam.RolePolicy;
  podIdentityAssociation: aws.eks.PodIdentityAssociation;
  deployment: k8s.apps.v1.Deployment;
  scaledObject: k8s.apiextensions.CustomResource;
  kedaPolicy: aws.iam.RolePolicy;
  virtualService: k8s.apiextensions.CustomResource;
}

export const ASYNC_API_TYPE = "cortex:index:AsyncApi";

/**
 * An async API: clients POST work to `<gateway><endpoint>`, get a request id at
 * once and GET `<gateway><endpoint>/<id>` for the result later. The component
 * creates the API's FIFO queue and dead-letter queue, its registry entry for
 * the gateway, the dequeuer's IAM role, the worker Deployment with the
 * dequeuer sidecar, a KEDA ScaledObject and an istio VirtualService.
 *
 * The component's name is the API's name: a DNS label, used in the path, in
 * the Kubernetes objects' names and in the queue names.
 */
export class AsyncApi extends pulumi.ComponentResource {
  /** URL of the API's FIFO queue. */
  readonly queueUrl: pulumi.Output<string>;
  /** URL of the FIFO queue receiving requests that failed `queue.maxReceiveCount` times. */
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** Path under the cluster's gateway, for example `/hello-world`. */
  readonly endpoint: string;
  /** Name of the worker Deployment in the cluster's API namespace. */
  readonly deploymentName: pulumi.Output<string>;

  private readonly children: AsyncApiChildren;

  constructor(name: string, args: AsyncApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ASYNC_API_TYPE, name, {}, opts);

    const fail: Fail = (problem, fix) => {
      throw argumentError(this, problem, fix);
    };
    const spec = resolveSpec(name, args, args.cluster, fail);
    validateSpec(spec, args.cluster, fail);
    for (const path of spec.ignoredAutoscalingArgs) {
      pulumi.log.warn(
        `\`${path}\` has no effect, because KEDA and the HPA cannot express it. Remove it, and see docs/async-api.md for how autoscaling is mapped.`,
        this,
      );
    }

    const context: BuildContext = { spec, host: args.cluster, parent: this, transforms: args.transform ?? {} };
    const queues = createQueues(context);
    const registryEntry = createRegistryEntry(context, queues);
    const identity = createIdentity(context, queues);
    const deployment = createDeployment(
      context,
      { queueUrl: queues.queue.url, deadLetterQueueUrl: queues.deadLetterQueue.url },
      identity.serviceAccount.metadata.name,
    );
    const scaling = createScaling(context, deployment.metadata.name, queues.queue);
    const virtualService = createVirtualService(context);

    this.children = { ...queues, registryEntry, ...identity, deployment, ...scaling, virtualService };
    this.queueUrl = queues.queue.url;
    this.deadLetterQueueUrl = queues.deadLetterQueue.url;
    this.endpoint = spec.endpoint;
    this.deploymentName = deployment.metadata.name;
    this.registerOutputs({
      queueUrl: this.queueUrl,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      endpoint: this.endpoint,
      deploymentName: this.deploymentName,
    });
  }

  /** The raw child resources, for reading outputs this component does not expose. */
  get nodes(): Readonly<AsyncApiChildren> {
    return this.children;
  }
}
