import type { AsyncApiHost, NodeGroupInfo } from "../cluster-contract.js";
import { formatList, formatValue } from "../errors.js";
import { fifoQueueNamePrefixProblem } from "../naming.js";
import { RESERVED_API_NAMES, RESULT_RETENTION_DAYS, isApiName } from "../../runtime/shared/storage-layout.js";
import type { ProbeArgs } from "./args.js";
import { deadLetterQueueNamePrefix } from "./queue-names.js";
import { PLATFORM_ENV_NAMES, probesTargetPort, type ApiSpec, type ContainerSpec, type Fail } from "./spec.js";
import { isPositiveQuantity } from "./units.js";

// Checks of an AsyncApi's resolved arguments, run before any child exists.
// Each rule has its own check and message; the first broken rule fails.

/** SQS hides a received message for at most 12 hours, extensions included. */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;
/** Upper limit of an HPA stabilization window. */
const HPA_MAX_STABILIZATION_SECONDS = 3600;
const SIDECAR_NAME = "dequeuer";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENDPOINT = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

function isWholeNumber(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function checkName(spec: ApiSpec, host: AsyncApiHost, fail: Fail): void {
  if (RESERVED_API_NAMES.includes(spec.name)) {
    fail(`API name ${formatValue(spec.name)} is reserved for the gateway's own routes`, "Choose another name");
  } else if (!isApiName(spec.name)) {
    fail(
      `API name ${formatValue(spec.name)} is not a DNS label`,
      "Use lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters",
    );
  }

  // The dead-letter queue's prefix is the longer of the two queue name prefixes.
  const prefix = deadLetterQueueNamePrefix(host.queueNamePrefix, spec.name);
  const problem = fifoQueueNamePrefixProblem(prefix);
  if (problem) {
    fail(`The queue name prefix ${formatValue(prefix)} of API ${formatValue(spec.name)} ${problem}`, "Choose a shorter API name");
  }
}

function checkEndpoint(spec: ApiSpec, fail: Fail): void {
  if (!ENDPOINT.test(spec.endpoint)) {
    fail(
      `\`networking.endpoint\` is not a URL path: ${formatValue(spec.endpoint)}`,
      "Use path segments of letters, digits, '-', '.', '_' or '~', such as \"/v1/summarize\"",
    );
  }
}

function checkPod(spec: ApiSpec, fail: Fail): void {
  if (!isWholeNumber(spec.port, 1, 65535)) {
    fail(`\`pod.port\` is ${formatValue(spec.port)}, outside 1 to 65535`, "Set the port the serving container listens on");
  }
  if (!isWholeNumber(spec.maxConcurrency, 1, 100)) {
    fail(`\`pod.maxConcurrency\` is ${formatValue(spec.maxConcurrency)}, outside 1 to 100`, "Set a whole number from 1 to 100");
  }
  if (spec.containers.length === 0) {
    fail("`pod.containers` is empty", "Declare at least the container that serves `pod.port`");
  }
}

function checkContainerNames(containers: readonly ContainerSpec[], fail: Fail): void {
  const seen = new Set<string>();
  for (const container of containers) {
    if (typeof container.name !== "string" || !DNS_LABEL.test(container.name)) {
      fail(
        `\`${container.path}.name\` is not a DNS label: ${formatValue(container.name)}`,
        "Use lowercase letters, digits and '-', at most 63 characters",
      );
    }
    if (container.name === SIDECAR_NAME) {
      fail(`\`${container.path}.name\` is \`${SIDECAR_NAME}\`, the name of the sidecar`, "Rename the container");
    }
    if (seen.has(container.name)) {
      fail(`\`pod.containers\` has more than one container named \`${container.name}\``, "Give each container a unique name");
    }
    seen.add(container.name);
  }
}

// The dequeuer calls the port in CORTEX_PORT's place, so a container that
// overrode it would listen where no request ever arrives.
function checkContainerEnvironment(containers: readonly ContainerSpec[], fail: Fail): void {
  for (const container of containers) {
    const names = Object.keys(container.env ?? {}).filter((name) => PLATFORM_ENV_NAMES.includes(name));
    if (names.length > 0) {
      fail(`\`${container.path}.env\` sets ${formatList(names)}, which the platform sets`, "Remove them; set `pod.port` to change CORTEX_PORT");
    }
  }
}

function checkProbe(probe: ProbeArgs | undefined, path: string, fail: Fail): void {
  if (probe === undefined) return;

  const handlers = (["httpGet", "tcpSocket", "exec"] as const).filter((key) => probe[key] !== undefined);
  if (handlers.length !== 1) {
    fail(
      `\`${path}\` has ${handlers.length === 0 ? "no handler" : `${handlers.length} handlers (${formatList(handlers)})`}`,
      "Set exactly one of `httpGet`, `tcpSocket` or `exec`",
    );
  }

  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  const handler = handlers[0];
  if (handler !== "exec" && !isWholeNumber(port, 1, 65535)) {
    fail(`\`${path}.${handler}.port\` is ${formatValue(port)}, outside 1 to 65535`, "Set the container port to probe");
  }
  if (probe.httpGet?.path !== undefined && !probe.httpGet.path.startsWith("/")) {
    fail(`\`${path}.httpGet.path\` does not start with "/": ${formatValue(probe.httpGet.path)}`, 'Use an absolute path such as "/healthz"');
  }
  if (probe.exec !== undefined && (!Array.isArray(probe.exec.command) || probe.exec.command.length === 0)) {
    fail(`\`${path}.exec.command\` is empty`, 'Set the command and its arguments, such as ["cat", "/tmp/ready"]');
  }

  const timing = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 1, successThreshold: 1, failureThreshold: 1 } as const;
  for (const [key, min] of Object.entries(timing)) {
    const value = probe[key as keyof typeof timing];
    if (value !== undefined && !isWholeNumber(value, min)) {
      fail(`\`${path}.${key}\` is ${formatValue(value)}`, `Set a whole number of at least ${min}`);
    }
  }
}

function checkPreStop(container: ContainerSpec, fail: Fail): void {
  const preStop = container.preStop;
  if (preStop === undefined) return;

  const handlers = (["httpGet", "exec"] as const).filter((key) => preStop[key] !== undefined);
  if (handlers.length !== 1) {
    fail(`\`${container.path}.preStop\` has ${handlers.length} handlers`, "Set exactly one of `httpGet` or `exec`");
  }
}

function checkCompute(container: ContainerSpec, fail: Fail): void {
  const { compute, path } = container;

  if (!isPositiveQuantity(compute.cpu)) {
    fail(`\`${path}.compute.cpu\` is not a positive Kubernetes quantity: ${formatValue(compute.cpu)}`, 'Use cores or millicores, such as "1" or "500m"');
  }
  for (const key of ["mem", "shm"] as const) {
    const value = compute[key];
    if (value !== undefined && (typeof value !== "string" || !isPositiveQuantity(value))) {
      fail(`\`${path}.compute.${key}\` is not a positive Kubernetes quantity: ${formatValue(value)}`, 'Use bytes with a suffix, such as "512Mi" or "2Gi"');
    }
  }
  for (const key of ["gpu", "inf"] as const) {
    if (!isWholeNumber(compute[key], 0)) {
      fail(`\`${path}.compute.${key}\` is ${formatValue(compute[key])}`, "Request a whole number of devices, or 0");
    }
  }
}

/** Checks that exactly one container serves `pod.port`. */
function checkServingContainer(spec: ApiSpec, fail: Fail): void {
  const serving = servingContainers(spec);
  const names = spec.containers.map((container) => container.name);

  if (serving.length === 0) {
    fail(
      `No container serves \`pod.port\` ${spec.port} among ${formatList(names)}`,
      `Give the serving container a probe on port ${spec.port}, or set \`serving: true\` on it`,
    );
  }
  if (serving.length > 1) {
    fail(
      `Several containers serve \`pod.port\` ${spec.port}: ${formatList(serving.map((container) => container.name))}`,
      "Only one container may listen on the port: set `serving: false` on the others",
    );
  }
}

/**
 * Returns the containers serving `pod.port`: those with `serving: true`, else
 * those with a probe on the port, else the only container.
 */
export function servingContainers(spec: ApiSpec): ContainerSpec[] {
  const declared = spec.containers.filter((container) => container.serving === true);
  if (declared.length > 0) return declared;

  const probed = spec.containers.filter((container) => container.serving !== false && probesTargetPort(container, spec.port));
  if (probed.length > 0) return probed;

  const only = spec.containers.length === 1 ? spec.containers : [];
  return only.filter((container) => container.serving !== false);
}

function checkAutoscaling(spec: ApiSpec, fail: Fail): void {
  const scaling = spec.autoscaling;

  for (const key of ["minReplicas", "maxReplicas", "fallbackReplicas"] as const) {
    if (!isWholeNumber(scaling[key], 0)) {
      fail(`\`autoscaling.${key}\` is ${formatValue(scaling[key])}`, "Set a whole number of at least 0");
    }
  }
  if (scaling.maxReplicas < 1) {
    fail("`autoscaling.maxReplicas` is 0", "Allow at least 1 replica");
  }
  if (scaling.minReplicas > scaling.maxReplicas) {
    fail(
      `\`autoscaling.minReplicas\` (${scaling.minReplicas}) is above \`autoscaling.maxReplicas\` (${scaling.maxReplicas})`,
      "Lower `minReplicas` or raise `maxReplicas`",
    );
  }
  if (scaling.fallbackReplicas > scaling.maxReplicas) {
    fail(
      `\`autoscaling.fallbackReplicas\` (${scaling.fallbackReplicas}) is above \`autoscaling.maxReplicas\` (${scaling.maxReplicas})`,
      "Lower `fallbackReplicas`",
    );
  }

  // KEDA's aws-sqs-queue scaler reads queueLength as an integer.
  if (!isWholeNumber(scaling.targetInFlight, 1)) {
    fail(
      `\`autoscaling.targetInFlight\` is ${formatValue(scaling.targetInFlight)}`,
      "Set a whole number of at least 1, usually `pod.maxConcurrency`",
    );
  }

  checkScalingRates(spec, fail);
}

function checkScalingRates(spec: ApiSpec, fail: Fail): void {
  const scaling = spec.autoscaling;

  if (!(scaling.windowSeconds > 0)) {
    fail(`\`autoscaling.window\` is ${scaling.windowSeconds} seconds`, "Set a positive duration");
  }
  for (const [key, value] of [
    ["upscaleStabilizationPeriod", scaling.upscaleStabilizationSeconds],
    ["downscaleStabilizationPeriod", scaling.downscaleStabilizationSeconds],
  ] as const) {
    if (!isWholeNumber(value, 0, HPA_MAX_STABILIZATION_SECONDS)) {
      fail(`\`autoscaling.${key}\` is ${value} seconds`, `Set whole seconds from 0 to ${HPA_MAX_STABILIZATION_SECONDS}, the HPA's limit`);
    }
  }
  if (!(scaling.maxUpscaleFactor > 1)) {
    fail(`\`autoscaling.maxUpscaleFactor\` is ${formatValue(scaling.maxUpscaleFactor)}`, "Set a factor above 1, such as 1.5");
  }
  if (!(scaling.maxDownscaleFactor >= 0 && scaling.maxDownscaleFactor < 1)) {
    fail(`\`autoscaling.maxDownscaleFactor\` is ${formatValue(scaling.maxDownscaleFactor)}`, "Set a factor from 0 to below 1, such as 0.75");
  }
  for (const key of ["upscaleTolerance", "downscaleTolerance"] as const) {
    if (!(scaling[key] >= 0 && scaling[key] < 1)) {
      fail(`\`autoscaling.${key}\` is ${formatValue(scaling[key])}`, "Set a fraction from 0 to below 1, such as 0.05");
    }
  }
}

function groupsWith(groups: readonly NodeGroupInfo[], accelerator: "gpu" | "inf"): NodeGroupInfo[] {
  return groups.filter((group) => group.accelerator === accelerator);
}

function checkNodeGroups(spec: ApiSpec, host: AsyncApiHost, fail: Fail): void {
  const known = host.nodeGroups.map((group) => group.name);
  if (spec.nodeGroups.length === 0) {
    fail("`nodeGroups` is empty", `Leave it unset to use every node group, or name some of ${formatList(known)}`);
  }

  for (const name of spec.nodeGroups) {
    if (!known.includes(name)) {
      fail(`\`nodeGroups\` names an unknown node group ${formatValue(name)}`, `Use the cluster's node groups: ${formatList(known)}`);
    }
  }

  const selected = host.nodeGroups.filter((group) => spec.nodeGroups.includes(group.name));
  for (const container of spec.containers) {
    for (const accelerator of ["gpu", "inf"] as const) {
      const count = container.compute[accelerator];
      if (count > 0 && groupsWith(selected, accelerator).length === 0) {
        fail(
          `\`${container.path}.compute.${accelerator}\` requests ${count}, but none of the node groups ${formatList(spec.nodeGroups)} has \`accelerator: "${accelerator}"\``,
          `Add a node group with that accelerator to \`nodeGroups\` or to the cluster`,
        );
      }
    }
  }

  // Accelerator nodes are tainted, so a pod that requests no accelerator cannot run on them.
  const requestsAccelerator = spec.containers.some((container) => container.compute.gpu > 0 || container.compute.inf > 0);
  if (!requestsAccelerator && selected.every((group) => group.accelerator !== undefined)) {
    fail(
      `Every node group in ${formatList(spec.nodeGroups)} has an accelerator, but no container requests one, so no pod could be scheduled`,
      "Add a node group without an accelerator to `nodeGroups`, or request `compute.gpu` or `compute.inf`",
    );
  }
}

function checkQueue(spec: ApiSpec, fail: Fail): void {
  const { queue } = spec;
  const retentionLimit = RESULT_RETENTION_DAYS * 86_400;

  if (!isWholeNumber(queue.visibilityTimeoutSeconds, 1, SQS_MAX_VISIBILITY_SECONDS)) {
    fail(`\`queue.visibilityTimeoutSeconds\` is ${formatValue(queue.visibilityTimeoutSeconds)}`, `Set whole seconds from 1 to ${SQS_MAX_VISIBILITY_SECONDS}`);
  }
  if (!isWholeNumber(queue.maxReceiveCount, 1, 1000)) {
    fail(`\`queue.maxReceiveCount\` is ${formatValue(queue.maxReceiveCount)}, outside 1 to 1000`, "Set how often a request may be tried, such as 3");
  }
  // A message must not outlive its payload, which the bucket expires after RESULT_RETENTION_DAYS.
  if (!isWholeNumber(queue.messageRetentionSeconds, 60, retentionLimit - 1)) {
    fail(
      `\`queue.messageRetentionSeconds\` is ${formatValue(queue.messageRetentionSeconds)}, outside 60 to ${retentionLimit - 1}`,
      `Keep it below the bucket's ${RESULT_RETENTION_DAYS}-day expiry of payloads`,
    );
  }

  // The dequeuer's last visibility extension must still fit in SQS's 12-hour limit.
  const maxProcessing = SQS_MAX_VISIBILITY_SECONDS - queue.visibilityTimeoutSeconds;
  if (!isWholeNumber(spec.maxProcessingSeconds, 1, maxProcessing)) {
    fail(
      `\`maxProcessingSeconds\` is ${formatValue(spec.maxProcessingSeconds)}, outside 1 to ${maxProcessing}`,
      `Keep it within SQS's ${SQS_MAX_VISIBILITY_SECONDS}-second visibility limit minus \`queue.visibilityTimeoutSeconds\``,
    );
  }
}

/** Checks every rule on a resolved AsyncApi; `fail` throws the first broken one. */
export function validateSpec(spec: ApiSpec, host: AsyncApiHost, fail: Fail): void {
  checkName(spec, host, fail);
  checkEndpoint(spec, fail);
  checkPod(spec, fail);
  checkContainerNames(spec.containers, fail);
  checkContainerEnvironment(spec.containers, fail);

  for (const container of spec.containers) {
    checkProbe(container.readinessProbe, `${container.path}.readinessProbe`, fail);
    checkProbe(container.livenessProbe, `${container.path}.livenessProbe`, fail);
    checkPreStop(container, fail);
    checkCompute(container, fail);
  }
  checkServingContainer(spec, fail);

  checkAutoscaling(spec, fail);
  checkNodeGroups(spec, host, fail);
  checkQueue(spec, fail);
}
