import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message, type SQSClientConfig } from "@aws-sdk/client-sqs";
import type { FastifyInstance } from "fastify";
import { buildGateway } from "../../../../runtime/gateway/app.js";
import type { GatewayConfig } from "../../../../runtime/gateway/config.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmbeddedEndpoint, type EmbeddedEndpoint } from "../../../../runtime/local/embedded-endpoint.js";
import { ensureBucket, provisionApi } from "../../../../runtime/local/provision.js";
import { StorageLayout, type ApiRegistration } from "../../../../runtime/shared/storage-layout.js";
import { LogRecorder } from "./log-recorder.js";

export const BUCKET = "cortex-test";

/** The embedded SQS/S3 endpoint with clients for the test's own checks. */
export interface AwsFixture {
  endpoint: EmbeddedEndpoint;
  s3: S3Client;
  sqs: SQSClient;
  layout: StorageLayout;
  provision(api: string): Promise<ApiRegistration>;
  /** Keys of every object under `prefix`. */
  listKeys(prefix: string): Promise<string[]>;
  /** Receives and deletes every message visible in `queueUrl` now. */
  drainQueue(queueUrl: string): Promise<Message[]>;
  close(): Promise<void>;
}

/** A gateway listening on 127.0.0.1 over the fixture's endpoint, with its logs and the AWS commands it sent. */
export interface RunningGateway {
  app: FastifyInstance;
  baseUrl: string;
  logs: LogRecorder;
  /** Names of the S3 and SQS commands the gateway sent, in order (e.g. "PutObjectCommand"). */
  commands: string[];
  close(): Promise<void>;
}

export async function startAwsFixture(): Promise<AwsFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), "cortex-gateway-"));
  const endpoint = await startEmbeddedEndpoint({ dataDir });
  const s3 = localS3Client(endpoint);
  const sqs = localSqsClient(endpoint);
  const layout = new StorageLayout("cortex");
  await ensureBucket(s3, BUCKET);

  return {
    endpoint,
    s3,
    sqs,
    layout,
    provision: (api) => provisionApi({ s3, sqs, bucket: BUCKET, layout, api }),
    listKeys: async (prefix) => {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
      return (listing.Contents ?? []).map((object) => object.Key ?? "");
    },
    drainQueue: async (queueUrl) => {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      const messages = received.Messages ?? [];
      for (const message of messages) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      return messages;
    },
    close: async () => {
      s3.destroy();
      sqs.destroy();
      await endpoint.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds a gateway over `aws` and listens on a free port of 127.0.0.1. */
export async function startGateway(
  aws: AwsFixture,
  overrides: Partial<GatewayConfig> = {},
  now?: () => number,
): Promise<RunningGateway> {
  const config = testConfig(overrides);
  const logs = new LogRecorder(config.logLevel);
  const commands: string[] = [];
  const s3 = recordCommands(localS3Client(aws.endpoint), commands);
  const sqs = recordCommands(localSqsClient(aws.endpoint), commands);

  const app = buildGateway({ config, s3, sqs, logger: logs.logger, ...(now ? { now } : {}) });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    commands,
    close: async () => {
      await app.close();
      s3.destroy();
      sqs.destroy();
    },
  };
}

/** Gateway settings for tests: bucket BUCKET, prefix "cortex", a 64 MiB payload limit and a 5 s registry cache. */
export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    bucket: BUCKET,
    layout: new StorageLayout("cortex"),
    host: "127.0.0.1",
    port: 0,
    maxPayloadBytes: 64 * 1024 * 1024,
    registryCacheSeconds: 5,
    logLevel: "info",
    ...overrides,
  };
}

/** A gateway that is ready for inject() but not listening, with both clients aimed at `endpoint`. */
export interface InjectGateway {
  app: FastifyInstance;
  logs: LogRecorder;
  close(): Promise<void>;
}

export async function buildInjectGateway(
  endpoint: string,
  clientConfig: S3ClientConfig & SQSClientConfig,
  overrides: Partial<GatewayConfig> = {},
): Promise<InjectGateway> {
  const s3 = localS3Client({ s3Endpoint: endpoint }, clientConfig);
  const sqs = localSqsClient({ sqsEndpoint: endpoint }, clientConfig);
  const logs = new LogRecorder();
  const app = buildGateway({ config: testConfig(overrides), s3, sqs, logger: logs.logger });
  await app.ready();

  return {
    app,
    logs,
    close: async () => {
      await app.close();
      s3.destroy();
      sqs.destroy();
    },
  };
}

export function localS3Client(endpoint: { s3Endpoint: string }, config: S3ClientConfig = {}): S3Client {
  return new S3Client({
    region: LOCAL_REGION,
    endpoint: endpoint.s3Endpoint,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...config,
  });
}

export function localSqsClient(endpoint: { sqsEndpoint: string }, config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({
    region: LOCAL_REGION,
    endpoint: endpoint.sqsEndpoint,
    credentials: LOCAL_CREDENTIALS,
    ...config,
  });
}

/** Appends the name of every command `client` sends to `commands`. The commands still go to the real endpoint. */
export function recordCommands<T extends S3Client | SQSClient>(client: T, commands: string[]): T {
  (client as S3Client).middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? "unknown");
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return client;
}
