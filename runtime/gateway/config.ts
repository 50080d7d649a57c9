import { StorageLayout } from "../shared/storage-layout.js";
import { MAX_PART_BYTES, MAX_PARTS } from "./payload-upload.js";

/** Gateway settings, parsed once from the environment at start-up. */
export interface GatewayConfig {
  bucket: string;
  layout: StorageLayout;
  host: string;
  port: number;
  /** Largest request body accepted, in bytes. */
  maxPayloadBytes: number;
  /** Time in seconds that registry lookups are cached, found or not. 0 disables the cache. */
  registryCacheSeconds: number;
  logLevel: LogLevel;
}

export type LogLevel = (typeof LOG_LEVELS)[number];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// S3 bucket naming rules: 3 to 63 lowercase letters, digits, '.' and '-'.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A multipart upload has at most 10,000 parts of `MAX_PART_BYTES`, which caps the payload size. */
const PAYLOAD_CEILING_BYTES = MAX_PARTS * MAX_PART_BYTES;

/** An invalid or missing environment variable. The message starts with the variable's name. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the gateway's environment variables and throws a ConfigError naming the first invalid one. */
export function parseGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const bucket = env.CORTEX_BUCKET;
  if (bucket === undefined || bucket === "") {
    throw new ConfigError("CORTEX_BUCKET is missing: set it to the name of the bucket that stores payloads and results");
  }
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(`CORTEX_BUCKET ${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  }

  return {
    bucket,
    layout: parseLayout(env.CORTEX_STORAGE_PREFIX ?? "cortex"),
    host: parseHost(env.CORTEX_GATEWAY_HOST ?? "0.0.0.0"),
    port: parseInteger(env, "CORTEX_GATEWAY_PORT", 8888, 0, 65535),
    maxPayloadBytes: parseInteger(env, "CORTEX_MAX_PAYLOAD_BYTES", 1024 ** 3, 1, PAYLOAD_CEILING_BYTES),
    registryCacheSeconds: parseSeconds(env, "CORTEX_REGISTRY_CACHE_SECONDS", 5),
    logLevel: parseLogLevel(env.CORTEX_LOG_LEVEL ?? "info"),
  };
}

function parseLayout(prefix: string): StorageLayout {
  try {
    return new StorageLayout(prefix);
  } catch (error) {
    throw new ConfigError(`CORTEX_STORAGE_PREFIX: ${(error as Error).message}`);
  }
}

function parseHost(host: string): string {
  if (host.trim() === "") throw new ConfigError("CORTEX_GATEWAY_HOST is empty: set an address such as 0.0.0.0 or 127.0.0.1");
  return host;
}

function parseInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;

  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} ${JSON.stringify(text)} is invalid: use an integer from ${min} to ${max}`);
  }
  return value;
}

function parseSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;

  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(value)) {
    throw new ConfigError(`${name} ${JSON.stringify(text)} is invalid: use a number of seconds of 0 or more`);
  }
  return value;
}

function parseLogLevel(level: string): LogLevel {
  const known = LOG_LEVELS.find((candidate) => candidate === level);
  if (known === undefined) {
    throw new ConfigError(`CORTEX_LOG_LEVEL ${JSON.stringify(level)} is invalid: use one of ${LOG_LEVELS.join(", ")}`);
  }
  return known;
}
