import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { stringify } from "yaml";
import { CONFIG_FILE_NAME, type ClientConfig } from "../../client/config.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmbeddedEndpoint, type EmbeddedEndpoint } from "../../local/embedded-endpoint.js";
import { provisionApi } from "../../local/provision.js";
import type { ApiRegistration, StorageLayout } from "../../shared/storage-layout.js";
import { CORTEX_VERSION } from "../../shared/version.js";

export interface LocalStack {
  endpoint: EmbeddedEndpoint;
  registration: ApiRegistration;
}

/**
 * Starts the embedded SQS/S3 endpoint with its data under `dataDir` and creates what
 * the Pulumi components create on AWS: the bucket, the API's queues and its registry entry.
 */
export async function startLocalStack(dataDir: string, bucket: string, layout: StorageLayout, api: string): Promise<LocalStack> {
  // The SDK's notice that future releases need Node 22 is irrelevant to local runs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const endpoint = await startEmbeddedEndpoint({ dataDir });

  const s3 = new S3Client({ region: LOCAL_REGION, endpoint: endpoint.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: endpoint.sqsEndpoint, credentials: LOCAL_CREDENTIALS });
  try {
    const registration = await provisionApi({ s3, sqs, bucket, layout, api });
    return { endpoint, registration };
  } catch (error) {
    await endpoint.stop();
    throw error;
  } finally {
    s3.destroy();
    sqs.destroy();
  }
}

/** Writes `cli.yaml` for the local gateway into `configDir`, creating the directory. */
export async function writeLocalClientConfig(configDir: string, gatewayPort: number): Promise<void> {
  const config: ClientConfig = {
    endpoint: `http://127.0.0.1:${gatewayPort}`,
    cluster: "local",
    region: LOCAL_REGION,
    version: CORTEX_VERSION,
  };
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, CONFIG_FILE_NAME), stringify(config));
}
