import type * as pulumi from "@pulumi/pulumi";
import type { AsyncApiHost } from "../cluster-contract.js";
import type { AutoscalingArgs, ComputeArgs, ContainerArgs, Duration, PreStopArgs, ProbeArgs } from "./args.js";
import { durationSeconds } from "./units.js";

// The arguments of an AsyncApi with every default applied. Children are built
// from this spec only, so a default is decided in one place.

export const DEFAULT_PORT = 8080;
export const DEFAULT_CPU = "200m";
export const DEFAULT_MAX_PROCESSING_SECONDS = 3600;
/** SQS's own default retention: 4 days, below the bucket's 7-day expiry. */
export const DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
export const DEFAULT_MAX_RECEIVE_COUNT = 3;

export interface ComputeSpec {
  cpu: string | number;
  mem?: string;
  gpu: number;
  inf: number;
  shm?: string;
}

export interface ContainerSpec {
  name: string;
  image: pulumi.Input<string>;
  command?: pulumi.Input<pulumi.Input<string>[]>;
  args?: pulumi.Input<pulumi.Input<string>[]>;
  env: Record<string, pulumi.Input<string>>;
  compute: ComputeSpec;
  readinessProbe?: ProbeArgs;
  livenessProbe?: ProbeArgs;
  preStop?: PreStopArgs;
  /** Argument path of this container in messages, for example `pod.containers[1]`. */
  path: string;
  /** The `serving` argument as given. Validation decides which container serves. */
  serving?: boolean;
}

/** Autoscaling with durations in seconds. Window and tolerances are kept so that they are checked. */
export interface AutoscalingSpec {
  minReplicas: number;
  maxReplicas: number;
  targetInFlight: number;
  windowSeconds: number;
  upscaleStabilizationSeconds: number;
  downscaleStabilizationSeconds: number;
  maxUpscaleFactor: number;
  maxDownscaleFactor: number;
  upscaleTolerance: number;
  downscaleTolerance: number;
  fallbackReplicas: number;
}

export interface ApiSpec {
  name: string;
  /** Path under the gateway, with a leading slash and no trailing one. */
  endpoint: string;
  port: number;
  maxConcurrency: number;
  containers: ContainerSpec[];
  autoscaling: AutoscalingSpec;
  nodeGroups: string[];
  updateStrategy: { maxSurge: pulumi.Input<string | number>; maxUnavailable: pulumi.Input<string | number> };
  maxProcessingSeconds: number;
  queue: { maxReceiveCount: number; messageRetentionSeconds: number; visibilityTimeoutSeconds: number };
  /** Argument paths set to a value that KEDA and the HPA cannot express. */
  ignoredAutoscalingArgs: string[];
}

/** The arguments `resolveSpec` reads, as `AsyncApiArgs` declares them. */
export interface SpecArgs {
  pod: { port?: number; maxConcurrency?: number; containers: ContainerArgs[] };
  autoscaling?: AutoscalingArgs;
  nodeGroups?: string[];
  updateStrategy?: { maxSurge?: pulumi.Input<string | number>; maxUnavailable?: pulumi.Input<string | number> };
  networking?: { endpoint?: string };
  maxProcessingSeconds?: number;
  queue?: { maxReceiveCount?: number; messageRetentionSeconds?: number; visibilityTimeoutSeconds?: number };
}

/** Callback that throws the error for an invalid argument, given the problem and the fix. */
export type Fail = (problem: string, fix: string) => never;

function resolveCompute(compute: ComputeArgs | undefined): ComputeSpec {
  return {
    cpu: compute?.cpu ?? DEFAULT_CPU,
    ...(compute?.mem !== undefined ? { mem: compute.mem } : {}),
    gpu: compute?.gpu ?? 0,
    inf: compute?.inf ?? 0,
    ...(compute?.shm !== undefined ? { shm: compute.shm } : {}),
  };
}

function resolveContainer(container: ContainerArgs, index: number): ContainerSpec {
  const { compute, env, ...rest } = container;
  return { ...rest, env: env ?? {}, compute: resolveCompute(compute), path: `pod.containers[${index}]` };
}

function seconds(value: Duration | undefined, fallback: number, path: string, fail: Fail): number {
  if (value === undefined) return fallback;
  const parsed = durationSeconds(value);
  if (parsed === undefined) {
    fail(`\`${path}\` is not a duration: ${JSON.stringify(value)}`, 'Use seconds as a number, or a string such as "90s", "5m" or "1h"');
  }
  return parsed;
}

function resolveAutoscaling(args: AutoscalingArgs | undefined, maxConcurrency: number, fail: Fail): AutoscalingSpec {
  const minReplicas = args?.minReplicas ?? 1;
  return {
    minReplicas,
    maxReplicas: args?.maxReplicas ?? 100,
    targetInFlight: args?.targetInFlight ?? maxConcurrency,
    windowSeconds: seconds(args?.window, 60, "autoscaling.window", fail),
    upscaleStabilizationSeconds: seconds(args?.upscaleStabilizationPeriod, 60, "autoscaling.upscaleStabilizationPeriod", fail),
    downscaleStabilizationSeconds: seconds(args?.downscaleStabilizationPeriod, 300, "autoscaling.downscaleStabilizationPeriod", fail),
    maxUpscaleFactor: args?.maxUpscaleFactor ?? 1.5,
    maxDownscaleFactor: args?.maxDownscaleFactor ?? 0.75,
    upscaleTolerance: args?.upscaleTolerance ?? 0.05,
    downscaleTolerance: args?.downscaleTolerance ?? 0.05,
    fallbackReplicas: args?.fallbackReplicas ?? Math.max(minReplicas, 1),
  };
}

/** Names the autoscaling arguments the user set that KEDA and the HPA cannot express. */
function ignoredAutoscalingArgs(args: AutoscalingArgs | undefined): string[] {
  const ignored = ["window", "upscaleTolerance", "downscaleTolerance"] as const;
  return ignored.filter((key) => args?.[key] !== undefined).map((key) => `autoscaling.${key}`);
}

function resolveEndpoint(name: string, endpoint: string | undefined): string {
  const trimmed = (endpoint ?? name).replace(/^\/+|\/+$/g, "");
  return `/${trimmed}`;
}

/** Applies the defaults to an AsyncApi's arguments, calling `fail` for a duration it cannot read. */
export function resolveSpec(name: string, args: SpecArgs, host: AsyncApiHost, fail: Fail): ApiSpec {
  const maxConcurrency = args.pod.maxConcurrency ?? 1;

  return {
    name,
    endpoint: resolveEndpoint(name, args.networking?.endpoint),
    port: args.pod.port ?? DEFAULT_PORT,
    maxConcurrency,
    containers: (args.pod.containers ?? []).map(resolveContainer),
    autoscaling: resolveAutoscaling(args.autoscaling, maxConcurrency, fail),
    nodeGroups: args.nodeGroups ?? host.nodeGroups.map((group) => group.name),
    updateStrategy: {
      maxSurge: args.updateStrategy?.maxSurge ?? "25%",
      maxUnavailable: args.updateStrategy?.maxUnavailable ?? "25%",
    },
    maxProcessingSeconds: args.maxProcessingSeconds ?? DEFAULT_MAX_PROCESSING_SECONDS,
    queue: {
      maxReceiveCount: args.queue?.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      messageRetentionSeconds: args.queue?.messageRetentionSeconds ?? DEFAULT_MESSAGE_RETENTION_SECONDS,
      visibilityTimeoutSeconds: args.queue?.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    },
    ignoredAutoscalingArgs: ignoredAutoscalingArgs(args.autoscaling),
  };
}

/** Returns whether a readiness or liveness probe of the container targets `port`. */
export function probesTargetPort(container: ContainerSpec, port: number): boolean {
  const probes = [container.readinessProbe, container.livenessProbe];
  return probes.some((probe) => probe?.httpGet?.port === port || probe?.tcpSocket?.port === port);
}

/** Environment variables the platform sets in every user container; a container's `env` may not set them. */
export const PLATFORM_ENV_NAMES: readonly string[] = ["CORTEX_PORT", "CORTEX_VERSION", "CORTEX_CLI_CONFIG_DIR"];
