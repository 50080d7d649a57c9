import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmbeddedEndpoint, type EmbeddedEndpoint } from "../../../../runtime/local/embedded-endpoint.js";
import { provisionApi } from "../../../../runtime/local/provision.js";
import { encodeQueueMessage, type QueueMessage } from "../../../../runtime/shared/queue-message.js";
import { newRequestId } from "../../../../runtime/shared/request-id.js";
import { StorageLayout, decodeResultRecord, type ApiRegistration, type ResultRecord } from "../../../../runtime/shared/storage-layout.js";

// One embedded SQS/S3 endpoint per test file, with clients for the test itself
// and helpers that play the gateway's part of the contract.

export const BUCKET = "cortex-dequeuer-test";

export interface Harness {
  endpoint: EmbeddedEndpoint;
  s3: S3Client;
  sqs: SQSClient;
  layout: StorageLayout;
  dataDir: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), "cortex-dequeuer-"));
  const endpoint = await startEmbeddedEndpoint({ dataDir: join(dataDir, "s3") });
  const s3 = new S3Client({ region: LOCAL_REGION, endpoint: endpoint.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: endpoint.sqsEndpoint, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });

  return {
    endpoint,
    s3,
    sqs,
    layout: new StorageLayout("cortex"),
    dataDir,
    close: async () => {
      s3.destroy();
      sqs.destroy();
      await endpoint.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Dequeuer settings for tests: the API's queue, short windows so that
 * redeliveries come within seconds, and the admin server on a free loopback port.
 */
export function dequeuerTestEnv(api: ApiRegistration): Record<string, string> {
  return {
    CORTEX_API_NAME: api.name,
    CORTEX_QUEUE_URL: api.queueUrl,
    CORTEX_BUCKET: BUCKET,
    CORTEX_ADMIN_HOST: "127.0.0.1",
    CORTEX_ADMIN_PORT: "0",
    CORTEX_VISIBILITY_SECONDS: "3",
    CORTEX_POLL_WAIT_SECONDS: "1",
  };
}

let apiCount = 0;

/** Creates a fresh API (queue, dead-letter queue, registry entry) with a name unique in this process. */
export async function createApi(harness: Harness, options: { maxReceiveCount?: number } = {}): Promise<ApiRegistration> {
  apiCount += 1;
  return provisionApi({
    s3: harness.s3,
    sqs: harness.sqs,
    bucket: BUCKET,
    layout: harness.layout,
    api: `api-${process.pid}-${apiCount}`,
    ...(options.maxReceiveCount ? { maxReceiveCount: options.maxReceiveCount } : {}),
  });
}

export interface Submission {
  body: string | Buffer;
  /** The client's Content-Type, or undefined when it sent none. */
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * Submits a request as the gateway does: the payload at `payloadKey` with the
 * client's content type, then a FIFO message whose group and deduplication id
 * are the request id and whose body is {"id","api","contentType","headers","receivedAt"}.
 */
export async function submitRequest(harness: Harness, api: ApiRegistration, submission: Submission): Promise<string> {
  const id = newRequestId();
  const contentType = submission.contentType ?? null;

  await harness.s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: harness.layout.payloadKey(api.name, id),
      Body: submission.body,
      ContentLength: Buffer.byteLength(submission.body),
      ...(contentType === null ? {} : { ContentType: contentType }),
    }),
  );
  await sendRequestMessage(harness, api.queueUrl, { id, api: api.name, contentType, headers: submission.headers ?? {}, receivedAt: new Date().toISOString() });
  return id;
}

/** Sends a message body as the gateway does; a test may pass a body that breaks the format. */
export async function sendRequestMessage(harness: Harness, queueUrl: string, message: QueueMessage | (Record<string, unknown> & { id: string })): Promise<void> {
  await harness.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageGroupId: message.id,
      MessageDeduplicationId: message.id,
      MessageBody: encodeQueueMessage(message as QueueMessage),
    }),
  );
}

export async function readResult(harness: Harness, api: ApiRegistration, id: string): Promise<ResultRecord | undefined> {
  const key = harness.layout.resultKey(api.name, id);
  try {
    const object = await harness.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return decodeResultRecord(await object.Body!.transformToString(), key);
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return undefined;
    throw error;
  }
}

/**
 * Polls for a request's result.json; rejects after `timeoutMs` naming the request.
 * s3rver writes objects in place, so a read during the write can see a partial
 * file: an undecodable result counts as not there yet until the deadline.
 */
export async function waitForResult(harness: Harness, api: ApiRegistration, id: string, timeoutMs = 30_000): Promise<ResultRecord> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const record = await readResult(harness, api, id);
      if (record) return record;
    } catch (error) {
      lastError = error;
    }
    await delay(100);
  }
  throw new Error(`no result for request ${id} of ${api.name} after ${timeoutMs} ms`, { cause: lastError });
}

/** Lists the keys under a request's prefix, relative to it (`payload`, `status/in_progress`, `result.json`). */
export async function listRequestKeys(harness: Harness, api: ApiRegistration, id: string): Promise<string[]> {
  const prefix = harness.layout.requestPrefix(api.name, id);
  const listed = await harness.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!.slice(prefix.length)).sort();
}
