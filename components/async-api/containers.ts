import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AsyncApiHost } from "../cluster-contract.js";
import type { ExecAction, HttpGetAction, PreStopArgs, ProbeArgs, TcpSocketAction } from "./args.js";
import type { ApiSpec, ContainerSpec } from "./spec.js";
import { servingContainers } from "./validate.js";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

// The containers of the worker pod: the user's containers, each with the
// shared volumes and the environment Cortex gave them, and the dequeuer sidecar.

/** Port of the dequeuer's `/healthz`, `/metrics` and `/drain`. */
export const ADMIN_PORT = 8890;
export const DEQUEUER_NAME = "dequeuer";
/**
 * The dequeuer's resources. The requests are the 100m CPU and 100Mi memory that
 * users of Cortex budget for the sidecar, and all the scheduler reserves.
 *
 * The memory limit covers one response at the dequeuer's 100 MiB cap, which it
 * keeps in memory once, as the chunks that arrived, and checks without parsing.
 * The bundle was measured as the image runs it, but on Node 20 where the image
 * runs Node 22. Its peak RSS (VmHWM) was about 76 MiB at idle and 212 MiB after
 * three responses of 99.9 MiB in a row, for one long string and for many small
 * objects alike. The limit leaves about 50% above that peak.
 * There is no CPU limit, because CFS throttling would delay the long poll and
 * the visibility extensions whenever the sidecar is busy.
 */
// NOTE: each further large response in flight at once (CORTEX_MAX_CONCURRENCY > 1)
// adds at least its own size, so two responses near the cap can exceed the limit.
// The kernel then kills the sidecar, and its requests in flight run again after
// their visibility timeout.
export const DEQUEUER_RESOURCES = {
  requests: { cpu: "100m", memory: "100Mi" },
  limits: { memory: "320Mi" },
} as const;
/** The runtime image's default command runs the gateway, so the sidecar names its bundle. */
export const DEQUEUER_COMMAND = ["node", "--enable-source-maps", "/app/dist/dequeuer.mjs"];
const DEQUEUER_WORKING_DIR = "/app";

export const CLIENT_CONFIG_DIR = "/cortex/client";
export const SHARED_VOLUME = "mnt";
export const CLIENT_CONFIG_VOLUME = "client-config";

/** Huge pages the Neuron runtime needs per Inferentia device: 128 pages of 2Mi. */
const HUGE_PAGES_MIB_PER_INF = 256;

/** Name of the memory-backed volume mounted at `/dev/shm` in the container at `index`. */
export function shmVolumeName(index: number): string {
  return `shm-${index}`;
}

function action(handler: { httpGet?: HttpGetAction; tcpSocket?: TcpSocketAction; exec?: ExecAction }) {
  if (handler.httpGet) return { httpGet: { path: handler.httpGet.path ?? "/", port: handler.httpGet.port } };
  if (handler.tcpSocket) return { tcpSocket: { port: handler.tcpSocket.port } };
  return { exec: { command: handler.exec!.command } };
}

const TIMING_KEYS = ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const;

/** Converts a probe argument to the Kubernetes shape, which the dequeuer's CORTEX_PROBES shares. */
export function toProbe(probe: ProbeArgs): Probe & Record<string, unknown> {
  const rendered: Record<string, unknown> = action(probe);
  for (const key of TIMING_KEYS) {
    if (probe[key] !== undefined) rendered[key] = probe[key];
  }
  return rendered;
}

function preStop(hook: PreStopArgs | undefined): k8s.types.input.core.v1.LifecycleHandler {
  // By default the user containers wait for the dequeuer's drain, which returns
  // once no request is in flight, so no request loses its server mid-way.
  if (hook === undefined) return { httpGet: { path: "/drain", port: ADMIN_PORT } };
  return action(hook);
}

function resources(container: ContainerSpec): k8s.types.input.core.v1.ResourceRequirements {
  const { cpu, mem, gpu, inf } = container.compute;
  const requests: Record<string, string> = { cpu: String(cpu) };
  if (mem !== undefined) requests.memory = mem;

  // Extended resources and huge pages must have equal requests and limits.
  const devices: Record<string, string> = {};
  if (gpu > 0) devices["nvidia.com/gpu"] = String(gpu);
  if (inf > 0) {
    devices["aws.amazon.com/neuron"] = String(inf);
    devices["hugepages-2Mi"] = `${inf * HUGE_PAGES_MIB_PER_INF}Mi`;
  }

  return Object.keys(devices).length === 0 ? { requests } : { requests: { ...requests, ...devices }, limits: devices };
}

function environment(container: ContainerSpec, spec: ApiSpec, host: AsyncApiHost): k8s.types.input.core.v1.EnvVar[] {
  const ours: Record<string, pulumi.Input<string>> = {
    CORTEX_PORT: String(spec.port),
    CORTEX_VERSION: host.version,
    CORTEX_CLI_CONFIG_DIR: CLIENT_CONFIG_DIR,
  };
  // Validation rejects user values for the platform's names, so the order here does not matter.
  const merged = { ...ours, ...container.env };
  return Object.entries(merged).map(([name, value]) => ({ name, value }));
}

function userContainer(container: ContainerSpec, index: number, spec: ApiSpec, host: AsyncApiHost, serving: boolean): Container {
  const volumeMounts: k8s.types.input.core.v1.VolumeMount[] = [
    { name: SHARED_VOLUME, mountPath: "/mnt" },
    { name: CLIENT_CONFIG_VOLUME, mountPath: CLIENT_CONFIG_DIR, readOnly: true },
  ];
  if (container.compute.shm !== undefined) volumeMounts.push({ name: shmVolumeName(index), mountPath: "/dev/shm" });

  return {
    name: container.name,
    image: container.image,
    ...(container.command !== undefined ? { command: container.command } : {}),
    ...(container.args !== undefined ? { args: container.args } : {}),
    env: environment(container, spec, host),
    ...(serving ? { ports: [{ name: "http", containerPort: spec.port }] } : {}),
    resources: resources(container),
    ...(container.readinessProbe ? { readinessProbe: toProbe(container.readinessProbe) } : {}),
    ...(container.livenessProbe ? { livenessProbe: toProbe(container.livenessProbe) } : {}),
    lifecycle: { preStop: preStop(container.preStop) },
    volumeMounts,
  };
}

/** Renders the user's containers in their declared order. */
export function userContainers(spec: ApiSpec, host: AsyncApiHost): Container[] {
  const serving = new Set(servingContainers(spec));
  return spec.containers.map((container, index) => userContainer(container, index, spec, host, serving.has(container)));
}

/**
 * Lists the readiness probes the dequeuer runs before taking requests, as the
 * JSON of CORTEX_PROBES. Exec probes run inside the user's container, which
 * the sidecar cannot do, so they are left to Kubernetes.
 */
export function dequeuerProbes(spec: ApiSpec): string {
  const probes = spec.containers
    .map((container) => container.readinessProbe)
    .filter((probe): probe is ProbeArgs => probe !== undefined && probe.exec === undefined)
    .map(toProbe);
  return JSON.stringify(probes);
}

export interface DequeuerInputs {
  queueUrl: pulumi.Input<string>;
  deadLetterQueueUrl: pulumi.Input<string>;
}

export function dequeuerContainer(spec: ApiSpec, host: AsyncApiHost, queues: DequeuerInputs): Container {
  const env: Record<string, pulumi.Input<string>> = {
    CORTEX_API_NAME: spec.name,
    CORTEX_QUEUE_URL: queues.queueUrl,
    CORTEX_DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
    CORTEX_BUCKET: host.bucketName,
    CORTEX_STORAGE_PREFIX: host.storagePrefix,
    CORTEX_USER_PORT: String(spec.port),
    CORTEX_MAX_CONCURRENCY: String(spec.maxConcurrency),
    CORTEX_ADMIN_PORT: String(ADMIN_PORT),
    CORTEX_PROBES: dequeuerProbes(spec),
    CORTEX_VISIBILITY_SECONDS: String(spec.queue.visibilityTimeoutSeconds),
    CORTEX_MAX_PROCESSING_SECONDS: String(spec.maxProcessingSeconds),
    AWS_REGION: host.region,
  };

  return {
    name: DEQUEUER_NAME,
    image: host.runtimeImage,
    command: DEQUEUER_COMMAND,
    workingDir: DEQUEUER_WORKING_DIR,
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
    ports: [{ name: "admin", containerPort: ADMIN_PORT }],
    resources: { requests: { ...DEQUEUER_RESOURCES.requests }, limits: { ...DEQUEUER_RESOURCES.limits } },
    // Ready once every readiness probe of the user containers passes.
    readinessProbe: { httpGet: { path: "/healthz", port: ADMIN_PORT }, periodSeconds: 5 },
  };
}
