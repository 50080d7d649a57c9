import type * as pulumi from "@pulumi/pulumi";

// The nested arguments of an AsyncApi. They follow the fields of a Cortex
// AsyncAPI in camelCase, with Cortex's defaults. Values that are checked when
// the component is constructed (ports, names, quantities, replica counts) are
// plain values, because an Output is not known until deploy time. Values that
// are only passed on (images, commands, environment values) accept Inputs.

/** An HTTP GET against a container: healthy on any status from 200 to 399. */
export interface HttpGetAction {
  /**
   * Path to request.
   * @default "/"
   * @example "/healthz"
   */
  path?: string;
  /**
   * Container port to request.
   * @example 8080
   */
  port: number;
}

/** A TCP connection to a container port: healthy once the port accepts it. */
export interface TcpSocketAction {
  /**
   * Container port to connect to.
   * @example 8080
   */
  port: number;
}

/** A command run inside the container: healthy when it exits with status 0. */
export interface ExecAction {
  /**
   * Command and its arguments, run without a shell.
   * @example ["cat", "/tmp/ready"]
   */
  command: string[];
}

/**
 * A readiness or liveness probe with exactly one of `httpGet`, `tcpSocket` or
 * `exec`. The dequeuer also runs the readiness probes that use httpGet or
 * tcpSocket, and takes no request while one of them fails.
 */
export interface ProbeArgs {
  httpGet?: HttpGetAction;
  tcpSocket?: TcpSocketAction;
  exec?: ExecAction;
  /**
   * Seconds after the container starts before the first probe.
   * @default 0
   */
  initialDelaySeconds?: number;
  /**
   * Seconds after which one probe attempt counts as failed.
   * @default 1
   */
  timeoutSeconds?: number;
  /**
   * Seconds between two probe attempts.
   * @default 10
   */
  periodSeconds?: number;
  /**
   * Consecutive successes after a failure before the container counts as healthy.
   * @default 1
   */
  successThreshold?: number;
  /**
   * Consecutive failures before the container counts as unhealthy.
   * @default 3
   */
  failureThreshold?: number;
}

/** A hook run before a container is stopped, with exactly one of `httpGet` or `exec`. */
export interface PreStopArgs {
  httpGet?: HttpGetAction;
  exec?: ExecAction;
}

/** Compute resources one container requests. */
export interface ComputeArgs {
  /**
   * CPU request, as a Kubernetes quantity: cores or millicores.
   * @default "200m"
   * @example "1"
   */
  cpu?: string | number;
  /**
   * Memory request, as a Kubernetes quantity in bytes.
   * @default no request
   * @example "2Gi"
   */
  mem?: string;
  /**
   * NVIDIA GPUs, as whole devices. Needs a node group with `accelerator: "gpu"`.
   * @default 0
   * @example 1
   */
  gpu?: number;
  /**
   * AWS Inferentia (Neuron) devices, as whole devices. Needs a node group with
   * `accelerator: "inf"`. Each device also requests 256Mi of 2Mi huge pages.
   * @default 0
   * @example 1
   */
  inf?: number;
  /**
   * Size of the memory-backed `/dev/shm`, as a Kubernetes quantity in bytes.
   * It counts against the container's memory.
   * @default the container runtime's 64Mi `/dev/shm`
   * @example "1Gi"
   */
  shm?: string;
}

/** One of the user's containers in the worker pod. */
export interface ContainerArgs {
  /**
   * Container name, a DNS label unique within the pod. `dequeuer` is taken by the sidecar.
   * @example "api"
   */
  name: string;
  /**
   * Image to run.
   * @example "123456789012.dkr.ecr.us-west-2.amazonaws.com/hello-world:latest"
   */
  image: pulumi.Input<string>;
  /**
   * Entrypoint, replacing the image's ENTRYPOINT.
   * @default the image's ENTRYPOINT
   * @example ["uvicorn"]
   */
  command?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Arguments, replacing the image's CMD.
   * @default the image's CMD
   * @example ["main:app", "--port", "8080"]
   */
  args?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Environment variables. A name set here replaces the component's own
   * variable of that name (`CORTEX_CLI_CONFIG_DIR`, for example).
   * @default {}
   * @example { LOG_LEVEL: "debug" }
   */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Resources the container requests.
   * @default { cpu: "200m" }
   */
  compute?: ComputeArgs;
  /**
   * Probe that gates traffic: Kubernetes marks the pod unready, and the
   * dequeuer takes no request, while it fails.
   * @default none; the dequeuer still waits until `pod.port` accepts TCP connections
   * @example { httpGet: { path: "/healthz", port: 8080 } }
   */
  readinessProbe?: ProbeArgs;
  /**
   * Probe that restarts the container when it fails.
   * @default none
   */
  livenessProbe?: ProbeArgs;
  /**
   * Hook run before the container is stopped.
   * @default an HTTP GET of the dequeuer's `/drain`, which returns once no request is in flight
   */
  preStop?: PreStopArgs;
  /**
   * Whether this container runs the web server on `pod.port`. Set it when
   * several containers run and no probe of the serving one targets `pod.port`.
   * @default true when a probe of the container targets `pod.port`, or when it is the only container
   */
  serving?: boolean;
}

/** The worker pod: the user's containers, to which the dequeuer sidecar is added. */
export interface PodArgs {
  /**
   * Port on which one of the containers serves requests, each sent as a POST to `/`.
   * @default 8080
   */
  port?: number;
  /**
   * Requests one replica handles at a time, from 1 to 100.
   * @default 1
   */
  maxConcurrency?: number;
  /**
   * The user's containers. Exactly one of them serves `pod.port`.
   * @example [{ name: "api", image: "hello-world:latest" }]
   */
  containers: ContainerArgs[];
}

/**
 * A duration: a number of seconds, or a Go-style duration string as Cortex
 * accepted it (`"90s"`, `"5m"`, `"1h30m"`).
 */
export type Duration = number | string;

/** Autoscaling: the replica count as a function of the queue's in-flight requests. */
export interface AutoscalingArgs {
  /**
   * Minimum replica count. 0 lets the API scale to zero while its queue is empty.
   * @default 1
   */
  minReplicas?: number;
  /**
   * Maximum replica count.
   * @default 100
   */
  maxReplicas?: number;
  /**
   * Requests in flight (queued or being processed) per replica that the
   * autoscaler aims for, as a whole number.
   * @default pod.maxConcurrency
   */
  targetInFlight?: number;
  /**
   * Period over which Cortex averaged the in-flight count. KEDA and the HPA
   * cannot average over a window, so it is checked but has no effect.
   * @default 60 (seconds)
   */
  window?: Duration;
  /**
   * Period whose lowest recommendation bounds a scale-up (the HPA's scale-up stabilization window).
   * @default 60 (seconds)
   */
  upscaleStabilizationPeriod?: Duration;
  /**
   * Period whose highest recommendation bounds a scale-down (the HPA's
   * scale-down stabilization window, and KEDA's cooldown before scaling to zero).
   * @default 300 (seconds)
   */
  downscaleStabilizationPeriod?: Duration;
  /**
   * Largest factor by which one scaling step multiplies the replica count; above 1.
   * @default 1.5
   */
  maxUpscaleFactor?: number;
  /**
   * Smallest factor by which one scaling step multiplies the replica count; from 0 to below 1.
   * @default 0.75
   */
  maxDownscaleFactor?: number;
  /**
   * Relative change of the recommendation below which Cortex did not scale up.
   * The HPA applies its cluster-wide tolerance instead (0.1 by default), so it
   * is checked but has no effect.
   * @default 0.05
   */
  upscaleTolerance?: number;
  /**
   * Relative change of the recommendation below which Cortex did not scale
   * down. Checked but has no effect, like `upscaleTolerance`.
   * @default 0.05
   */
  downscaleTolerance?: number;
  /**
   * Replicas to run while KEDA cannot read the queue's attributes.
   * @default the larger of minReplicas and 1
   */
  fallbackReplicas?: number;
}

/** Update strategy: the pace at which a Deployment update replaces pods. */
export interface UpdateStrategyArgs {
  /**
   * Pods created above the desired count during an update, as a count or a percentage.
   * @default "25%"
   */
  maxSurge?: pulumi.Input<string | number>;
  /**
   * Pods that may be unavailable during an update, as a count or a percentage.
   * @default "25%"
   */
  maxUnavailable?: pulumi.Input<string | number>;
}

/** Networking: the path at which clients reach the API. */
export interface NetworkingArgs {
  /**
   * Path under the cluster's gateway at which clients submit requests and read results.
   * @default "/<name>"
   * @example "/v1/summarize"
   */
  endpoint?: string;
}

/** The API's SQS queue and its dead-letter queue. */
export interface QueueArgs {
  /**
   * Receives of one message after which SQS moves it to the dead-letter queue.
   * A receive happens again when a replica stops without finishing the request.
   * @default 3
   */
  maxReceiveCount?: number;
  /**
   * Seconds a queued request is kept before SQS drops it. It must stay below
   * the bucket's 7-day expiry, so that no message outlives its payload.
   * @default 345600 (4 days)
   */
  messageRetentionSeconds?: number;
  /**
   * Seconds a received message stays hidden from other replicas; the dequeuer
   * extends it while a request runs longer than a third of it.
   * @default 30
   */
  visibilityTimeoutSeconds?: number;
}
