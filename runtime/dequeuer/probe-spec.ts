// Readiness probes in the camelCase shape of a Kubernetes Probe, as the AsyncApi
// component copies them from the user's containers into CORTEX_PROBES. Only
// httpGet and tcpSocket can be run from a sidecar: an exec probe would have to
// run inside the user's container.

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export type ProbeAction =
  | { kind: "httpGet"; host: string; port: number; path: string; scheme: "HTTP" | "HTTPS"; headers: Record<string, string> }
  | { kind: "tcpSocket"; host: string; port: number };

export type ProbeSpec = ProbeTiming & ProbeAction;

/** Kubernetes' defaults for the timing fields of a probe. */
export const PROBE_TIMING_DEFAULTS: ProbeTiming = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};

// Containers of a pod share its network namespace, so the sidecar reaches them on loopback.
const POD_LOCAL_HOST = "127.0.0.1";

/** Thrown for an invalid probe; `path` names the field, for example `[0].httpGet.port`. */
export class ProbeSpecError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path} ${detail}` : detail);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(value: Json, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ProbeSpecError(`${path}.${key}`, `is not a known field, expected one of ${allowed.join(", ")}`);
    }
  }
}

function readInteger(value: Json, key: string, min: number, fallback: number, path: string): number {
  const raw = value[key];
  if (raw === undefined) return fallback;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min) {
    throw new ProbeSpecError(`${path}.${key}`, `must be an integer of at least ${min}, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function readPort(value: Json, path: string): number {
  const port = value.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    // Named ports need the container spec to resolve, which the sidecar does not have.
    throw new ProbeSpecError(`${path}.port`, `must be a port number from 1 to 65535, got ${JSON.stringify(port)}`);
  }
  return port;
}

function readHost(value: Json, path: string): string {
  const host = value.host;
  if (host === undefined) return POD_LOCAL_HOST;
  if (typeof host !== "string" || host === "") throw new ProbeSpecError(`${path}.host`, "must be a non-empty string");
  return host;
}

function readHttpHeaders(value: Json, path: string): Record<string, string> {
  const list = value.httpHeaders;
  if (list === undefined) return {};
  if (!Array.isArray(list)) throw new ProbeSpecError(`${path}.httpHeaders`, "must be a list of {name, value}");

  const headers: Record<string, string> = {};
  list.forEach((entry: unknown, index) => {
    if (!isObject(entry) || typeof entry.name !== "string" || entry.name === "" || typeof entry.value !== "string") {
      throw new ProbeSpecError(`${path}.httpHeaders[${index}]`, "must be {name, value} with string values");
    }
    headers[entry.name.toLowerCase()] = entry.value;
  });
  return headers;
}

function parseAction(probe: Json, path: string): ProbeAction {
  if (probe.exec !== undefined || probe.grpc !== undefined) {
    throw new ProbeSpecError(path, "must use httpGet or tcpSocket, because the dequeuer cannot run exec or grpc probes");
  }
  if (probe.httpGet !== undefined && probe.tcpSocket !== undefined) {
    throw new ProbeSpecError(path, "must have either httpGet or tcpSocket, not both");
  }

  if (isObject(probe.httpGet)) {
    const http = probe.httpGet;
    const at = `${path}.httpGet`;
    rejectUnknownKeys(http, ["path", "port", "host", "scheme", "httpHeaders"], at);

    const probePath = http.path ?? "/";
    if (typeof probePath !== "string" || !probePath.startsWith("/")) {
      throw new ProbeSpecError(`${at}.path`, `must start with "/", got ${JSON.stringify(http.path)}`);
    }
    const scheme = http.scheme ?? "HTTP";
    if (scheme !== "HTTP" && scheme !== "HTTPS") {
      throw new ProbeSpecError(`${at}.scheme`, `must be HTTP or HTTPS, got ${JSON.stringify(scheme)}`);
    }
    return { kind: "httpGet", host: readHost(http, at), port: readPort(http, at), path: probePath, scheme, headers: readHttpHeaders(http, at) };
  }

  if (isObject(probe.tcpSocket)) {
    const tcp = probe.tcpSocket;
    const at = `${path}.tcpSocket`;
    rejectUnknownKeys(tcp, ["port", "host"], at);
    return { kind: "tcpSocket", host: readHost(tcp, at), port: readPort(tcp, at) };
  }

  throw new ProbeSpecError(path, "must have an httpGet or a tcpSocket object");
}

function parseProbe(probe: unknown, path: string): ProbeSpec {
  if (!isObject(probe)) throw new ProbeSpecError(path, "must be an object");
  rejectUnknownKeys(probe, ["httpGet", "tcpSocket", "exec", "grpc", ...Object.keys(PROBE_TIMING_DEFAULTS)], path);

  const timing: ProbeTiming = {
    initialDelaySeconds: readInteger(probe, "initialDelaySeconds", 0, PROBE_TIMING_DEFAULTS.initialDelaySeconds, path),
    periodSeconds: readInteger(probe, "periodSeconds", 1, PROBE_TIMING_DEFAULTS.periodSeconds, path),
    timeoutSeconds: readInteger(probe, "timeoutSeconds", 1, PROBE_TIMING_DEFAULTS.timeoutSeconds, path),
    successThreshold: readInteger(probe, "successThreshold", 1, PROBE_TIMING_DEFAULTS.successThreshold, path),
    failureThreshold: readInteger(probe, "failureThreshold", 1, PROBE_TIMING_DEFAULTS.failureThreshold, path),
  };
  return { ...timing, ...parseAction(probe, path) };
}

/** Parses the JSON list of probes; throws a ProbeSpecError naming the first invalid field. */
export function parseProbeSpecs(text: string): ProbeSpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProbeSpecError("", "is not valid JSON");
  }
  if (!Array.isArray(parsed)) throw new ProbeSpecError("", "must be a JSON array of probes");
  return parsed.map((probe, index) => parseProbe(probe, `[${index}]`));
}

/**
 * Adds a TCP probe on the user port unless some probe already targets that port,
 * so that no request is sent before the user's server has bound it.
 */
export function withUserPortProbe(probes: readonly ProbeSpec[], userPort: number): ProbeSpec[] {
  if (probes.some((probe) => probe.port === userPort && probe.host === POD_LOCAL_HOST)) return [...probes];

  // A 1 s period instead of Kubernetes' 10 s: a loopback connect is cheap, and
  // the first request should not wait up to 10 s after the server has bound.
  const userPortProbe: ProbeSpec = { ...PROBE_TIMING_DEFAULTS, periodSeconds: 1, kind: "tcpSocket", host: POD_LOCAL_HOST, port: userPort };
  return [...probes, userPortProbe];
}

/** Names a probe for logs and for `/healthz`, for example `httpGet http://127.0.0.1:8080/healthz`. */
export function describeProbe(probe: ProbeSpec): string {
  if (probe.kind === "tcpSocket") return `tcpSocket ${probe.host}:${probe.port}`;
  return `httpGet ${probe.scheme.toLowerCase()}://${probe.host}:${probe.port}${probe.path}`;
}
