import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { CORTEX_VERSION } from "../shared/version.js";

// Every API container gets `cli.yaml` in $CORTEX_CLI_CONFIG_DIR, so code inside a
// cluster can build a client with no arguments. `cortex dev` writes the same file
// for the local gateway.

/** Directory of `cli.yaml` in API containers when CORTEX_CLI_CONFIG_DIR is not set. */
export const DEFAULT_CONFIG_DIR = "/cortex/client";

export const CONFIG_FILE_NAME = "cli.yaml";

/** The contents of `cli.yaml`. */
export interface ClientConfig {
  /** Base URL of the gateway, for example `http://127.0.0.1:8888`. */
  endpoint: string;
  cluster: string;
  region: string;
  /** CORTEX_VERSION of the cluster that wrote the file. */
  version: string;
}

const REQUIRED_FIELDS = ["endpoint", "cluster", "region", "version"] as const;

/** Error for a `cli.yaml` that is missing, unreadable or lacks a field. The message names the path and the field. */
export class ClientConfigError extends Error {
  override name = "ClientConfigError";
}

export function configDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.CORTEX_CLI_CONFIG_DIR || DEFAULT_CONFIG_DIR;
}

/** Reads and checks `<configDir>/cli.yaml`. */
export async function readClientConfig(configDir: string = configDirFromEnv()): Promise<ClientConfig> {
  const path = join(configDir, CONFIG_FILE_NAME);

  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new ClientConfigError(
        `client config ${path} not found: set CORTEX_CLI_CONFIG_DIR to the directory that contains ${CONFIG_FILE_NAME}, or pass an endpoint URL`,
      );
    }
    throw new ClientConfigError(`cannot read client config ${path}: ${(error as Error).message}`);
  }

  return parseClientConfig(text, path);
}

/** Parses the text of a `cli.yaml`. `path` appears only in error messages. */
export function parseClientConfig(text: string, path: string): ClientConfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ClientConfigError(`client config ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new ClientConfigError(`client config ${path} must be a YAML mapping with the fields ${REQUIRED_FIELDS.join(", ")}`);
  }

  const fields = document as Record<string, unknown>;
  for (const field of REQUIRED_FIELDS) {
    const value = fields[field];
    if (value === undefined || value === null || value === "") {
      throw new ClientConfigError(`client config ${path} is missing the field "${field}"`);
    }
    // An unquoted version such as 1.0 parses as a number; accept it as the text it was.
    if (typeof value !== "string" && !(field === "version" && typeof value === "number")) {
      throw new ClientConfigError(`field "${field}" in client config ${path} must be a string, not ${JSON.stringify(value)}`);
    }
  }

  const endpoint = fields.endpoint as string;
  try {
    normalizeEndpoint(endpoint);
  } catch (error) {
    throw new ClientConfigError(`field "endpoint" in client config ${path} is invalid: ${(error as Error).message}`);
  }

  return {
    endpoint,
    cluster: fields.cluster as string,
    region: fields.region as string,
    version: String(fields.version),
  };
}

/**
 * Checks that `endpoint` is an http(s) URL without query or fragment and returns it
 * without trailing slashes, so API paths can be appended to it.
 */
export function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`endpoint ${JSON.stringify(endpoint)} is not a URL: use the gateway's base URL, for example http://127.0.0.1:8888`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`endpoint ${JSON.stringify(endpoint)} must use http or https`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new Error(`endpoint ${JSON.stringify(endpoint)} must not have a query or fragment`);
  }
  return url.href.replace(/\/+$/, "");
}

let versionWarningSent = false;

/**
 * Emits a process warning, once per process, when the cluster that wrote the config
 * runs another version than this client: the two may not agree on the request contract.
 */
export function warnOnVersionMismatch(config: ClientConfig, path: string): void {
  if (versionWarningSent || config.version === CORTEX_VERSION) return;

  versionWarningSent = true;
  process.emitWarning(
    `client config ${path} is for cortex-async ${config.version} but this client is ${CORTEX_VERSION}; use a client of the cluster's version`,
    { code: "CORTEX_VERSION_MISMATCH" },
  );
}
