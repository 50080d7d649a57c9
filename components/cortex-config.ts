import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { AsyncApiArgs } from "./async-api.js";
import type { AsyncApiHost } from "./cluster-contract.js";

// Reads a Cortex `cortex.yaml` so that Cortex users keep their files: each
// `kind: AsyncAPI` entry becomes the arguments of one AsyncApi.
//
// What is reported, and how:
// - An entry of another kind (RealtimeAPI, BatchAPI, TaskAPI, TrafficSplitter)
//   is skipped with a warning naming it, because the rest of the file still
//   deploys as written.
// - A field this project does not support in an AsyncAPI entry fails the load,
//   with one error listing every such field, because dropping it silently
//   would deploy something other than what the file declares.
// - A few fields that have no meaning here are skipped with a warning (see
//   IGNORED_FIELDS).

/** An AsyncAPI entry of a cortex.yaml, converted. */
export interface CortexAsyncApi {
  name: string;
  args: AsyncApiArgs;
}

/**
 * Conversion rule of a YAML value: `"value"` is copied as is, `"map"` is an object
 * whose keys are the user's own (environment variables), a list converts each
 * item by its one shape, and an object renames each known snake_case key.
 */
type Shape = "value" | "map" | { list: Shape } | { fields: Record<string, [camelCase: string, shape: Shape]> };

function fields(entries: Record<string, [string, Shape]>): Shape {
  return { fields: entries };
}

const HTTP_GET: [string, Shape] = ["httpGet", fields({ path: ["path", "value"], port: ["port", "value"] })];
const TCP_SOCKET: [string, Shape] = ["tcpSocket", fields({ port: ["port", "value"] })];
const EXEC: [string, Shape] = ["exec", fields({ command: ["command", "value"] })];

const PROBE: Shape = fields({
  http_get: HTTP_GET,
  tcp_socket: TCP_SOCKET,
  exec: EXEC,
  initial_delay_seconds: ["initialDelaySeconds", "value"],
  timeout_seconds: ["timeoutSeconds", "value"],
  period_seconds: ["periodSeconds", "value"],
  success_threshold: ["successThreshold", "value"],
  failure_threshold: ["failureThreshold", "value"],
});

const CONTAINER: Shape = fields({
  name: ["name", "value"],
  image: ["image", "value"],
  command: ["command", "value"],
  args: ["args", "value"],
  env: ["env", "map"],
  compute: ["compute", fields({ cpu: ["cpu", "value"], mem: ["mem", "value"], gpu: ["gpu", "value"], inf: ["inf", "value"], shm: ["shm", "value"] })],
  readiness_probe: ["readinessProbe", PROBE],
  liveness_probe: ["livenessProbe", PROBE],
  pre_stop: ["preStop", fields({ http_get: HTTP_GET, exec: EXEC })],
});

/** The fields of a Cortex AsyncAPI entry this project supports, besides `name` and `kind`. */
const ASYNC_API: Shape = fields({
  pod: ["pod", fields({ port: ["port", "value"], max_concurrency: ["maxConcurrency", "value"], containers: ["containers", { list: CONTAINER }] })],
  autoscaling: [
    "autoscaling",
    fields({
      min_replicas: ["minReplicas", "value"],
      max_replicas: ["maxReplicas", "value"],
      target_in_flight: ["targetInFlight", "value"],
      window: ["window", "value"],
      upscale_stabilization_period: ["upscaleStabilizationPeriod", "value"],
      downscale_stabilization_period: ["downscaleStabilizationPeriod", "value"],
      max_upscale_factor: ["maxUpscaleFactor", "value"],
      max_downscale_factor: ["maxDownscaleFactor", "value"],
      upscale_tolerance: ["upscaleTolerance", "value"],
      downscale_tolerance: ["downscaleTolerance", "value"],
    }),
  ],
  node_groups: ["nodeGroups", "value"],
  update_strategy: ["updateStrategy", fields({ max_surge: ["maxSurge", "value"], max_unavailable: ["maxUnavailable", "value"] })],
  networking: ["networking", fields({ endpoint: ["endpoint", "value"] })],
});

/** Fields of a Cortex AsyncAPI that have no meaning here, with the reason they are skipped. */
export const IGNORED_FIELDS: Record<string, string> = {
  "pod.max_queue_length": "it limits Realtime APIs; async requests wait in the SQS queue",
};

interface Conversion {
  unsupported: string[];
  ignored: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function convert(value: unknown, shape: Shape, path: string, conversion: Conversion): unknown {
  if (shape === "value" || shape === "map" || value === null || value === undefined) return value;

  if ("list" in shape) {
    return Array.isArray(value) ? value.map((item, index) => convert(item, shape.list, `${path}[${index}]`, conversion)) : value;
  }
  if (!isObject(value)) return value;

  const converted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const fieldPath = path === "" ? key : `${path}.${key}`;
    const known = shape.fields[key];
    if (known) {
      converted[known[0]] = convert(item, known[1], fieldPath, conversion);
    } else if (IGNORED_FIELDS[fieldPath.replace(/\[\d+\]/g, "")] !== undefined) {
      conversion.ignored.push(fieldPath);
    } else {
      conversion.unsupported.push(fieldPath);
    }
  }
  return converted;
}

/** Returns `value` without null fields, which YAML writes for keys left empty. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null).map(([key, item]) => [key, withoutNulls(item)])) as T;
}

/**
 * Parses the text of a cortex.yaml. Returns the converted AsyncAPI entries and
 * warnings for what was skipped, and throws one error listing every unsupported
 * field or invalid entry. `source` names the file in messages.
 */
export function parseCortexConfig(text: string, source: string, cluster: AsyncApiHost): { apis: CortexAsyncApi[]; warnings: string[] } {
  const document: unknown = parse(text);
  if (!Array.isArray(document)) {
    throw new Error(`${source} must contain a YAML list of API configurations, one entry per API`);
  }

  const apis: CortexAsyncApi[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];

  document.forEach((entry: unknown, index) => {
    if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.kind !== "string") {
      problems.push(`entry ${index} needs a string \`name\` and \`kind\``);
      return;
    }
    const { name, kind, ...rest } = entry;
    if (kind !== "AsyncAPI") {
      warnings.push(`${source}: skipped API ${name} of kind ${kind}, because only AsyncAPI entries become AsyncApi components`);
      return;
    }

    const conversion: Conversion = { unsupported: [], ignored: [] };
    const converted = convert(withoutNulls(rest), ASYNC_API, "", conversion) as Omit<AsyncApiArgs, "cluster">;
    problems.push(...conversion.unsupported.map((path) => `API ${name}: \`${path}\` is not supported`));
    warnings.push(...conversion.ignored.map((path) => `${source}: API ${name}: skipped \`${path}\`, because ${IGNORED_FIELDS[path.replace(/\[\d+\]/g, "")]}`));
    apis.push({ name, args: { ...converted, cluster } as AsyncApiArgs });
  });

  if (problems.length > 0) {
    throw new Error(`${source} cannot be converted:\n- ${problems.join("\n- ")}\nFix or remove these entries and fields; a Kubernetes or AWS field we do not expose can be set through the AsyncApi's \`transform\` argument.`);
  }
  return { apis, warnings };
}

/**
 * Reads a Cortex `cortex.yaml` and returns the arguments of an AsyncApi for
 * each `kind: AsyncAPI` entry, running on `cluster`. Skipped entries and
 * fields are logged as Pulumi warnings, and unsupported fields throw.
 *
 * @example
 * for (const { name, args } of loadCortexConfig("cortex.yaml", cluster)) new AsyncApi(name, args);
 */
export function loadCortexConfig(path: string, cluster: AsyncApiHost): CortexAsyncApi[] {
  const { apis, warnings } = parseCortexConfig(readFileSync(path, "utf8"), path, cluster);
  for (const warning of warnings) pulumi.log.warn(warning);
  return apis;
}
