import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { buildApp } from "fauxqs";
import S3rver from "s3rver";
import { makePutObjectAtomic } from "./s3rver-atomic-put.js";

// The local stand-in for AWS: fauxqs serves the SQS API and s3rver the S3 API,
// both bound to 127.0.0.1 only. s3rver keeps objects on disk, so a large
// payload does not cost its size in memory. fauxqs keeps S3 objects in memory,
// so it serves only SQS here.

/** Credentials the local services use; s3rver only accepts these. */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
export const LOCAL_REGION = "us-east-1";

export interface EmbeddedEndpointOptions {
  /** Directory where s3rver stores objects; created when missing. */
  dataDir: string;
  /** Port of the SQS API on 127.0.0.1. @default 0 (any free port) */
  sqsPort?: number;
  /** Port of the S3 API on 127.0.0.1. @default 0 (any free port) */
  s3Port?: number;
}

export interface EmbeddedEndpoint {
  readonly sqsEndpoint: string;
  readonly s3Endpoint: string;
  /** Environment for a process whose AWS SDK clients should use this endpoint. */
  awsEnv(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startEmbeddedEndpoint(options: EmbeddedEndpointOptions): Promise<EmbeddedEndpoint> {
  await mkdir(options.dataDir, { recursive: true });

  const sqs = buildApp({ logger: false, host: "127.0.0.1", defaultRegion: LOCAL_REGION });
  await sqs.listen({ host: "127.0.0.1", port: options.sqsPort ?? 0 });
  const sqsPort = (sqs.server.address() as AddressInfo).port;

  const s3 = new S3rver({ address: "127.0.0.1", port: options.s3Port ?? 0, silent: true, directory: options.dataDir });
  makePutObjectAtomic(s3.store);
  let s3Port: number;
  try {
    s3Port = (await s3.run()).port;
  } catch (error) {
    await sqs.close();
    throw error;
  }

  const sqsEndpoint = `http://127.0.0.1:${sqsPort}`;
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;

  return {
    sqsEndpoint,
    s3Endpoint,
    awsEnv: () => ({
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    }),
    stop: async () => {
      await Promise.allSettled([sqs.close(), s3.close()]);
    },
  };
}
