import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { describe, test } from "node:test";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { newRequestId } from "../../../runtime/shared/request-id.js";
import { encodeResultRecord, type ApiRegistration } from "../../../runtime/shared/storage-layout.js";
import { BUCKET, createApi, listRequestKeys, readResult, sendRequestMessage, submitRequest, waitForResult } from "./support/harness.js";
import { startCuttingProxy } from "../gateway/support/cutting-proxy.js";
import type { InProcessDequeuer } from "./support/in-process.js";
import { freePort } from "./support/processes.js";
import { requestsLogged, useSuite, waitForLog } from "./support/suite.js";

// Containers that hang, crash or are down, submits that were rolled back, and
// messages SQS delivers again or dead-letters: every request ends completed or
// failed, and none runs more often than it must.

const suite = useSuite();
const { userServer, requestLogPath } = suite;
const dequeuerFor = (api: ApiRegistration, env: Record<string, string>) => suite.dequeuer(api, env);

// A probe that passes once and is not repeated for ten minutes, so the dequeuer
// stays ready while the test stops and starts the user server.
function probeOnce(port: number): string {
  return JSON.stringify([{ tcpSocket: { port }, periodSeconds: 600 }]);
}

async function waitUntilReady(dequeuer: InProcessDequeuer): Promise<void> {
  await waitForLog(dequeuer, "probe passed");
}

describe("container failures", { concurrency: true }, () => {
  test("hanging container fails with a timeout and is not run again", async () => {
    const log = requestLogPath();
    const server = await userServer("slow", { SLEEP_MS: "600000", REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    // Processing outlasts two visibility windows, so only the extensions keep the message hidden.
    await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_VISIBILITY_SECONDS: "2", CORTEX_MAX_PROCESSING_SECONDS: "5" });

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    const record = await waitForResult(suite.harness, api, id);

    assert.equal(record.status, "failed");
    assert.equal((record as { reason: string }).reason, "timed out after 5 s");
    await delay(3000);
    assert.deepEqual(await requestsLogged(log), [id]);
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json", "status/in_progress"]);
  });

  test("container down at first completes once it is up", async () => {
    const log = requestLogPath();
    const port = await freePort();
    let server = await userServer("echo", { CORTEX_PORT: String(port), REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(port), CORTEX_PROBES: probeOnce(port) });
    await waitUntilReady(dequeuer);
    await server.stop();

    const id = await submitRequest(suite.harness, api, { body: '{"late": true}', contentType: "application/json" });
    const retry = await waitForLog(dequeuer, "container unreachable, will try again");
    assert.equal(retry.requestId, id);
    server = await userServer("echo", { CORTEX_PORT: String(port), REQUEST_LOG: log });

    const record = await waitForResult(suite.harness, api, id);
    assert.equal(record.status, "completed", JSON.stringify(record));
    assert.deepEqual(await requestsLogged(log), [id]);
  });

  test("container down for good fails after the queue's maxReceiveCount", async () => {
    const port = await freePort();
    const server = await userServer("echo", { CORTEX_PORT: String(port) });
    const api = await createApi(suite.harness, { maxReceiveCount: 3 });
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(port), CORTEX_PROBES: probeOnce(port) });
    await waitUntilReady(dequeuer);
    await server.stop();

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    const record = await waitForResult(suite.harness, api, id);

    assert.equal(record.status, "failed");
    assert.match((record as { reason: string }).reason, /^container unreachable after 3 tries: .*ECONNREFUSED/);
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json", "status/in_progress"]);
  });

  test("container that crashes mid-request is retried and completes after it restarts", async () => {
    const log = requestLogPath();
    const port = await freePort();
    const crashing = await userServer("crash", { CORTEX_PORT: String(port), REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(port), CORTEX_PROBES: probeOnce(port) });
    await waitUntilReady(dequeuer);

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    assert.equal(await crashing.exited, 1);
    // The restarted container no longer crashes, as after a fix or a transient fault.
    await userServer("echo", { CORTEX_PORT: String(port), REQUEST_LOG: log });

    const record = await waitForResult(suite.harness, api, id);
    assert.equal(record.status, "completed", JSON.stringify(record));
    assert.deepEqual(await requestsLogged(log), [id, id]);
  });

  test("container that crashes on every try ends failed", async () => {
    const log = requestLogPath();
    const port = await freePort();
    const api = await createApi(suite.harness, { maxReceiveCount: 2 });
    await userServer("crash", { CORTEX_PORT: String(port), REQUEST_LOG: log });
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(port), CORTEX_PROBES: probeOnce(port) });
    await waitUntilReady(dequeuer);

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    await waitForLog(dequeuer, "container unreachable, will try again");
    // Restarted like the kubelet would, it crashes again on the second try.
    await userServer("crash", { CORTEX_PORT: String(port), REQUEST_LOG: log });

    const record = await waitForResult(suite.harness, api, id);
    assert.equal(record.status, "failed");
    assert.match((record as { reason: string }).reason, /^container unreachable after 2 tries/);
    assert.deepEqual(await requestsLogged(log), [id, id]);
  });
});

describe("messages without work to do", { concurrency: true }, () => {
  test("rolled-back submit is dropped without running", async () => {
    const log = requestLogPath();
    const server = await userServer("echo", { REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port) });

    // The gateway deleted the payload because it saw SendMessage fail, yet the message arrived.
    const id = newRequestId();
    await sendRequestMessage(suite.harness, api.queueUrl, { id, api: api.name, contentType: "application/json", headers: {}, receivedAt: new Date().toISOString() });

    const line = await waitForLog(dequeuer, "payload not found and no result: the submit was rolled back, deleted the message without running it");
    assert.equal(line.requestId, id);
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), []);
    assert.deepEqual(await requestsLogged(log), []);
  });

  test("redelivered message of a finished request is deleted without running", async () => {
    const log = requestLogPath();
    const server = await userServer("echo", { REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });

    // A previous run stored the result and died before deleting the payload and the message.
    const finished = encodeResultRecord({ id, status: "completed", result: { first: true }, timestamp: new Date().toISOString() });
    await suite.harness.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: suite.harness.layout.resultKey(api.name, id), Body: finished }));
    const first = await suite.harness.sqs.send(new ReceiveMessageCommand({ QueueUrl: api.queueUrl, VisibilityTimeout: 30 }));
    await suite.harness.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: api.queueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }));

    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port) });
    const line = await waitForLog(dequeuer, "request already has a result, deleted the message");

    assert.equal(line.requestId, id);
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json"]);
    assert.deepEqual(await readResult(suite.harness, api, id), JSON.parse(finished));
    assert.deepEqual(await requestsLogged(log), []);
  });

  test("message that is not a request is deleted", async () => {
    const server = await userServer("echo");
    const api = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port) });

    await sendRequestMessage(suite.harness, api.queueUrl, { id: "../../registry/other", api: api.name });
    const line = await waitForLog(dequeuer, "deleting a message that is not a request");
    assert.match(String((line.err as { message: string }).message), /has an invalid id$/);
  });

  test("message for another API is deleted without running", async () => {
    const log = requestLogPath();
    const server = await userServer("echo", { REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const other = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port) });

    // The payload exists under the other API's prefix, which this dequeuer must not touch.
    const id = await submitRequest(suite.harness, other, { body: "{}", contentType: "application/json" });
    await sendRequestMessage(suite.harness, api.queueUrl, { id, api: other.name, contentType: "application/json", headers: {}, receivedAt: new Date().toISOString() });

    const line = await waitForLog(dequeuer, "deleting a message that is not a request");
    assert.match(String((line.err as { message: string }).message), new RegExp(`is for API "${other.name}", not "${api.name}"$`));
    assert.deepEqual(await listRequestKeys(suite.harness, other, id), ["payload"]);
    assert.deepEqual(await requestsLogged(log), []);
  });
});

describe("dead-lettered requests", { concurrency: true }, () => {
  async function deliverWithoutDeleting(queueUrl: string, times: number): Promise<void> {
    for (let delivery = 0; delivery < times; delivery += 1) {
      const received = await suite.harness.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 30, WaitTimeSeconds: 1 }));
      const handle = received.Messages?.[0]?.ReceiptHandle;
      assert.ok(handle, `delivery ${delivery + 1} returned no message`);
      await suite.harness.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    }
  }

  test("request killed on every try ends failed once dead-lettered", async () => {
    const log = requestLogPath();
    const server = await userServer("echo", { REQUEST_LOG: log });
    const api = await createApi(suite.harness, { maxReceiveCount: 2 });
    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });

    // Two runs that died after marking the request in progress.
    await suite.harness.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: suite.harness.layout.inProgressKey(api.name, id), Body: "", ContentLength: 0 }));
    await deliverWithoutDeleting(api.queueUrl, 2);

    await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_DEAD_LETTER_QUEUE_URL: api.deadLetterQueueUrl! });
    const record = await waitForResult(suite.harness, api, id);

    assert.equal(record.status, "failed");
    assert.equal((record as { reason: string }).reason, "dead-lettered after 2 receives");
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json", "status/in_progress"]);
    assert.deepEqual(await requestsLogged(log), []);
  });

  test("dead-lettered request that has a result keeps it", async () => {
    const server = await userServer("echo");
    const api = await createApi(suite.harness, { maxReceiveCount: 1 });
    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    const finished = encodeResultRecord({ id, status: "completed", result: [1, 2], timestamp: new Date().toISOString() });
    await suite.harness.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: suite.harness.layout.resultKey(api.name, id), Body: finished }));
    await deliverWithoutDeleting(api.queueUrl, 1);

    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_DEAD_LETTER_QUEUE_URL: api.deadLetterQueueUrl! });
    const line = await waitForLog(dequeuer, "dead-lettered request already has a result, deleted the message");

    assert.equal(line.requestId, id);
    assert.deepEqual(await readResult(suite.harness, api, id), JSON.parse(finished));
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json"]);
  });
});

describe("storage failures", { concurrency: true }, () => {
  /** Starts a dequeuer whose S3 calls pass a proxy that replies 503 to each PUT of result.json that `slowDown` picks. */
  async function dequeuerWithFlakyStorage(api: ApiRegistration, port: number, slowDown: (id: string) => boolean): Promise<InProcessDequeuer> {
    const proxy = await startCuttingProxy({
      target: suite.harness.endpoint.s3Endpoint,
      slowDownPut: (path) => {
        const id = /\/([^/]+)\/result\.json(?:\?|$)/.exec(path)?.[1];
        return id !== undefined && slowDown(id);
      },
    });
    suite.onCleanup(() => proxy.close());
    return suite.dequeuer(api, { CORTEX_USER_PORT: String(port) }, { s3Endpoint: proxy.url });
  }

  test("result upload is retried after a 503", async () => {
    const server = await userServer("reply");
    const api = await createApi(suite.harness);
    const refused = new Set<string>();
    const dequeuer = await dequeuerWithFlakyStorage(api, server.port, (id) => {
      if (refused.has(id)) return false;
      refused.add(id);
      return true;
    });

    const text = `{"values": [${"1234567890123456789, ".repeat(100_000)}0]}`;
    const id = await submitRequest(suite.harness, api, { body: JSON.stringify({ body: text }), contentType: "application/json" });
    const record = await waitForResult(suite.harness, api, id);

    assert.equal(record.status, "completed");
    const stored = await suite.harness.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: suite.harness.layout.resultKey(api.name, id) }));
    assert.equal(await stored.Body!.transformToString(), `{"id":"${id}","status":"completed","result":${text},"timestamp":"${record.timestamp}"}`);
    const retry = await waitForLog(dequeuer, "storing the result failed, trying again");
    assert.equal(retry.requestId, id);
    assert.equal(retry.attempt, 1);
  });

  test("result upload gives up after three tries", async () => {
    const log = requestLogPath();
    const server = await userServer("echo", { REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    let storageDown = true;
    const dequeuer = await dequeuerWithFlakyStorage(api, server.port, () => storageDown);

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    const failure = await waitForLog(dequeuer, "handling the request failed, SQS delivers it again after the visibility timeout");
    assert.equal(failure.requestId, id);
    assert.equal(dequeuer.logs.filter((line) => line.msg === "storing the result failed, trying again").length, 2);

    storageDown = false;
    const record = await waitForResult(suite.harness, api, id);
    assert.equal(record.status, "completed");
    assert.deepEqual(await requestsLogged(log), [id, id]);
  });
});
