import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ApiRegistration } from "../../shared/storage-layout.js";
import { CORTEX_VERSION } from "../../shared/version.js";
import { probesJson, type Readiness } from "./probes.js";

// The command lines and environments of the processes `cortex dev` starts. The
// gateway and the dequeuer get the same variables as in the cluster, pointed at
// the embedded endpoint.

export interface DevSettings {
  api: string;
  bucket: string;
  storagePrefix: string;
  userPort: number;
  gatewayPort: number;
  adminPort: number;
  maxConcurrency: number;
  readiness: Readiness;
  /** Unset keeps the dequeuer's own default. */
  maxProcessingSeconds?: number;
  configDir: string;
}

export interface CommandLine {
  command: string;
  args: string[];
}

const require = createRequire(import.meta.url);

const LOCAL_POLL_WAIT_SECONDS = 2;

/** Runs a TypeScript entry of this project with Node and the tsx loader, as `npm start` does. */
export function typeScriptEntry(relativeToRuntime: string): CommandLine {
  const entry = fileURLToPath(new URL(`../../${relativeToRuntime}`, import.meta.url));
  // An absolute loader URL works whatever the working directory of `cortex dev` is.
  const loader = pathToFileURL(require.resolve("tsx")).href;
  return { command: process.execPath, args: ["--import", loader, entry] };
}

/**
 * Copies the environment without AWS_* variables, so that the local gateway and
 * dequeuer reach only the embedded endpoint, never an AWS account of the shell.
 */
function withoutAwsVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("AWS_")));
}

export function gatewayEnv(base: NodeJS.ProcessEnv, awsEnv: Record<string, string>, settings: DevSettings): NodeJS.ProcessEnv {
  return {
    ...withoutAwsVariables(base),
    ...awsEnv,
    CORTEX_BUCKET: settings.bucket,
    CORTEX_STORAGE_PREFIX: settings.storagePrefix,
    CORTEX_GATEWAY_HOST: "127.0.0.1",
    CORTEX_GATEWAY_PORT: String(settings.gatewayPort),
  };
}

export function dequeuerEnv(
  base: NodeJS.ProcessEnv,
  awsEnv: Record<string, string>,
  settings: DevSettings,
  registration: ApiRegistration,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...withoutAwsVariables(base),
    ...awsEnv,
    CORTEX_API_NAME: settings.api,
    CORTEX_QUEUE_URL: registration.queueUrl,
    CORTEX_BUCKET: settings.bucket,
    CORTEX_STORAGE_PREFIX: settings.storagePrefix,
    CORTEX_USER_PORT: String(settings.userPort),
    CORTEX_MAX_CONCURRENCY: String(settings.maxConcurrency),
    CORTEX_ADMIN_HOST: "127.0.0.1",
    CORTEX_ADMIN_PORT: String(settings.adminPort),
    CORTEX_PROBES: probesJson(settings.readiness, settings.userPort),
    // The dequeuer lets its current long poll finish before it exits, so a short poll
    // keeps Ctrl-C quick. Empty receives cost nothing on the embedded endpoint.
    CORTEX_POLL_WAIT_SECONDS: String(LOCAL_POLL_WAIT_SECONDS),
  };
  if (registration.deadLetterQueueUrl) env.CORTEX_DEAD_LETTER_QUEUE_URL = registration.deadLetterQueueUrl;
  if (settings.maxProcessingSeconds !== undefined) env.CORTEX_MAX_PROCESSING_SECONDS = String(settings.maxProcessingSeconds);
  return env;
}

/** Builds the environment of the user's server: the shell's variables plus those an API container gets in the cluster. */
export function userEnv(base: NodeJS.ProcessEnv, settings: DevSettings): NodeJS.ProcessEnv {
  return {
    ...base,
    CORTEX_PORT: String(settings.userPort),
    CORTEX_VERSION,
    CORTEX_CLI_CONFIG_DIR: settings.configDir,
  };
}
