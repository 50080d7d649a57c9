import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { ApiRegistration } from "../shared/storage-layout.js";
import type { GatewayConfig } from "./config.js";
import { GatewayError } from "./errors.js";
import { InvalidRegistryEntryError, type ApiRegistry } from "./registry.js";

/** State shared by the routes: one client of each kind, the registry cache and the clock. */
export interface GatewayContext {
  config: GatewayConfig;
  s3: S3Client;
  sqs: SQSClient;
  registry: ApiRegistry;
  /** Clock in Unix milliseconds. */
  now: () => number;
}

/** Looks up an API's registration and throws the GatewayError to reply with when it cannot be used. */
export async function resolveApi(context: GatewayContext, api: string): Promise<ApiRegistration> {
  let registration: ApiRegistration | undefined;
  try {
    registration = await context.registry.lookup(api);
  } catch (error) {
    if (error instanceof InvalidRegistryEntryError) throw new GatewayError("invalid_registry_entry", { api }, { cause: error });
    throw new GatewayError("storage_unavailable", {}, { cause: error });
  }

  if (registration === undefined) throw new GatewayError("api_not_found", { api });
  return registration;
}
