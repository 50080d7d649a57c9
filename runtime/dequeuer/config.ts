import { StorageLayout, isApiName } from "../shared/storage-layout.js";
import { ProbeSpecError, parseProbeSpecs, withUserPortProbe, type ProbeSpec } from "./probe-spec.js";

/** SQS keeps a received message invisible for at most 12 hours, extensions included. */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DequeuerConfig {
  apiName: string;
  queueUrl: string;
  deadLetterQueueUrl?: string;
  bucket: string;
  layout: StorageLayout;
  /** Port of the user's web server on 127.0.0.1. */
  userPort: number;
  maxConcurrency: number;
  adminHost: string;
  /** Port of `/healthz`, `/metrics` and `/drain`, where 0 picks a free port. */
  adminPort: number;
  /** Readiness probes, including the TCP probe on the user port added when none targets it. */
  probes: ProbeSpec[];
  visibilitySeconds: number;
  maxProcessingSeconds: number;
  pollWaitSeconds: number;
  logLevel: LogLevel;
}

/** An invalid or missing environment variable. The message starts with its name. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, `is required: set it to ${hint}`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;

  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function queueUrl(name: string, value: string): string {
  // A plain shape check: the embedded endpoint's queue URLs, such as
  // http://sqs.us-east-1.127.0.0.1:4566/000000000000/api.fifo, are not valid WHATWG URLs.
  if (!/^https?:\/\/[^\s/]+\/\S+$/.test(value)) {
    throw new ConfigError(name, `must be a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/api.fifo, got "${value}"`);
  }
  return value;
}

function layout(env: Env): StorageLayout {
  const prefix = env.CORTEX_STORAGE_PREFIX?.trim() || "cortex";
  try {
    return new StorageLayout(prefix);
  } catch (error) {
    throw new ConfigError("CORTEX_STORAGE_PREFIX", `is invalid: ${(error as Error).message}`);
  }
}

function probes(env: Env, userPort: number): ProbeSpec[] {
  const raw = env.CORTEX_PROBES?.trim() || "[]";
  try {
    return withUserPortProbe(parseProbeSpecs(raw), userPort);
  } catch (error) {
    if (!(error instanceof ProbeSpecError)) throw error;
    throw new ConfigError(`CORTEX_PROBES${error.path}`, error.detail);
  }
}

function logLevel(env: Env): LogLevel {
  const raw = env.CORTEX_LOG_LEVEL?.trim() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError("CORTEX_LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
  }
  return raw as LogLevel;
}

/** Reads the dequeuer's settings from the environment and throws a ConfigError for the first invalid variable. */
export function parseConfig(env: Env): DequeuerConfig {
  const apiName = required(env, "CORTEX_API_NAME", "the name of the API this dequeuer serves");
  if (!isApiName(apiName)) {
    throw new ConfigError("CORTEX_API_NAME", `must be a DNS label (lowercase letters, digits and '-', at most 63), got "${apiName}"`);
  }

  const mainQueueUrl = queueUrl("CORTEX_QUEUE_URL", required(env, "CORTEX_QUEUE_URL", "the URL of the API's SQS queue"));
  const deadLetterRaw = env.CORTEX_DEAD_LETTER_QUEUE_URL?.trim();
  const deadLetterQueueUrl = deadLetterRaw ? queueUrl("CORTEX_DEAD_LETTER_QUEUE_URL", deadLetterRaw) : undefined;
  const bucket = required(env, "CORTEX_BUCKET", "the bucket holding payloads and results");

  const userPort = integer(env, "CORTEX_USER_PORT", 8080, 1, 65535);
  const visibilitySeconds = integer(env, "CORTEX_VISIBILITY_SECONDS", 30, 1, SQS_MAX_VISIBILITY_SECONDS);
  const maxProcessingSeconds = integer(env, "CORTEX_MAX_PROCESSING_SECONDS", 3600, 1, SQS_MAX_VISIBILITY_SECONDS);
  if (maxProcessingSeconds + visibilitySeconds > SQS_MAX_VISIBILITY_SECONDS) {
    // The last extension must still fit in SQS's 12-hour limit, or the message would reappear mid-request.
    throw new ConfigError(
      "CORTEX_MAX_PROCESSING_SECONDS",
      `plus CORTEX_VISIBILITY_SECONDS must be at most ${SQS_MAX_VISIBILITY_SECONDS}, got ${maxProcessingSeconds} + ${visibilitySeconds}`,
    );
  }

  return {
    apiName,
    queueUrl: mainQueueUrl,
    ...(deadLetterQueueUrl ? { deadLetterQueueUrl } : {}),
    bucket,
    layout: layout(env),
    userPort,
    maxConcurrency: integer(env, "CORTEX_MAX_CONCURRENCY", 1, 1, 100),
    adminHost: env.CORTEX_ADMIN_HOST?.trim() || "0.0.0.0",
    adminPort: integer(env, "CORTEX_ADMIN_PORT", 8890, 0, 65535),
    probes: probes(env, userPort),
    visibilitySeconds,
    maxProcessingSeconds,
    pollWaitSeconds: integer(env, "CORTEX_POLL_WAIT_SECONDS", 20, 0, 20),
    logLevel: logLevel(env),
  };
}
