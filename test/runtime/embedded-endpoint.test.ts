import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmbeddedEndpoint, type EmbeddedEndpoint } from "../../runtime/local/embedded-endpoint.js";
import { provisionApi } from "../../runtime/local/provision.js";
import { StorageLayout, decodeApiRegistration } from "../../runtime/shared/storage-layout.js";

let dataDir: string;
let endpoint: EmbeddedEndpoint;
let s3: S3Client;
let sqs: SQSClient;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "cortex-endpoint-"));
  endpoint = await startEmbeddedEndpoint({ dataDir });
  s3 = new S3Client({ region: LOCAL_REGION, endpoint: endpoint.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  sqs = new SQSClient({ region: LOCAL_REGION, endpoint: endpoint.sqsEndpoint, credentials: LOCAL_CREDENTIALS });
});

after(async () => {
  s3.destroy();
  sqs.destroy();
  await endpoint.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test("endpoint listens on loopback only", () => {
  assert.match(endpoint.sqsEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(endpoint.s3Endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test("provisionApi creates a FIFO queue with redrive and a registry entry", async () => {
  const layout = new StorageLayout("local");
  const registration = await provisionApi({ s3, sqs, bucket: "cortex-local", layout, api: "hello-world", maxReceiveCount: 4 });

  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: registration.queueUrl, AttributeNames: ["FifoQueue", "RedrivePolicy"] }),
  );
  assert.equal(attributes.Attributes?.FifoQueue, "true");
  assert.equal(JSON.parse(attributes.Attributes?.RedrivePolicy ?? "{}").maxReceiveCount, 4);

  const key = layout.registryKey("hello-world");
  const stored = await s3.send(new GetObjectCommand({ Bucket: "cortex-local", Key: key }));
  const entry = decodeApiRegistration(await stored.Body!.transformToString(), key);
  assert.deepEqual(entry, registration);
});

test("provisionApi is idempotent for an existing API", async () => {
  const layout = new StorageLayout("local");
  const first = await provisionApi({ s3, sqs, bucket: "cortex-local", layout, api: "again" });
  const second = await provisionApi({ s3, sqs, bucket: "cortex-local", layout, api: "again" });
  assert.equal(second.queueUrl, first.queueUrl);
});
