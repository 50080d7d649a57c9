import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { MAX_PART_BYTES } from "../../../runtime/gateway/payload-upload.js";
import { decodeQueueMessage } from "../../../runtime/shared/queue-message.js";
import { isRequestId, requestIdTime } from "../../../runtime/shared/request-id.js";
import { BUCKET, startAwsFixture, startGateway, type AwsFixture, type RunningGateway } from "./support/gateway-fixture.js";
import { jsonOf, sendHttp } from "./support/http-client.js";

let aws: AwsFixture;
let gateway: RunningGateway;

before(async () => {
  aws = await startAwsFixture();
  gateway = await startGateway(aws);
});

after(async () => {
  await gateway.close();
  await aws.close();
});

async function storedPayload(api: string, id: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const object = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: aws.layout.payloadKey(api, id) }));
  return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType: object.ContentType };
}

async function submit(api: string, body: Buffer | string | undefined, headers: Record<string, string> = {}): Promise<string> {
  const response = await sendHttp(`${gateway.baseUrl}/${api}`, { method: "POST", headers, body });
  assert.equal(response.status, 200, response.body.toString());
  const { id } = jsonOf(response) as { id: string };
  assert.ok(isRequestId(id), id);
  return id;
}

test("submit stores bodies byte for byte", async () => {
  await aws.provision("bodies");
  const cases: Array<[string, Buffer]> = [
    ["application/json", Buffer.from(JSON.stringify({ text: "hello", values: [1, 2.5, null] }))],
    ["text/plain; charset=utf-8", Buffer.from("héllo wörld\r\n\u0000 end", "utf8")],
    ["application/octet-stream", randomBytes(300_000)],
    ["image/png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff])],
  ];

  for (const [contentType, body] of cases) {
    const id = await submit("bodies", body, { "content-type": contentType });
    const stored = await storedPayload("bodies", id);
    assert.ok(stored.bytes.equals(body), `${contentType} body differs`);
    assert.equal(stored.contentType, contentType);
  }
});

test("submit stores a multipart/form-data body unparsed", async () => {
  await aws.provision("forms");
  const form = new FormData();
  form.append("caption", "a cat");
  form.append("image", new Blob([randomBytes(5000)], { type: "image/jpeg" }), "cat.jpg");
  const encoded = new Request("http://127.0.0.1/", { method: "POST", body: form });
  const contentType = encoded.headers.get("content-type")!;
  const body = Buffer.from(await encoded.arrayBuffer());

  const id = await submit("forms", body, { "content-type": contentType });

  const stored = await storedPayload("forms", id);
  assert.match(contentType, /^multipart\/form-data; boundary=/);
  assert.ok(stored.bytes.equals(body));
  assert.equal(stored.contentType, contentType);
});

test("submit accepts an empty body without content type", async () => {
  const registration = await aws.provision("empty");

  const id = await submit("empty", undefined);

  const stored = await storedPayload("empty", id);
  assert.equal(stored.bytes.length, 0);
  const [message] = await aws.drainQueue(registration.queueUrl);
  assert.equal(decodeQueueMessage(message!.Body!, "m").contentType, null);
});

test("small body costs one PutObject and one SendMessage", async () => {
  await aws.provision("budget");
  await submit("budget", "warm the registry cache", { "content-type": "text/plain" });
  gateway.commands.length = 0;

  await submit("budget", "counted", { "content-type": "text/plain" });

  assert.deepEqual(gateway.commands, ["PutObjectCommand", "SendMessageCommand"]);
});

test("body above one part takes the multipart path", async () => {
  await aws.provision("large");
  await submit("large", "warm the registry cache");
  gateway.commands.length = 0;
  const body = randomBytes(20 * 1024 * 1024 + 123);

  const id = await submit("large", body, { "content-type": "application/octet-stream" });

  assert.deepEqual(new Set(gateway.commands), new Set(["CreateMultipartUploadCommand", "UploadPartCommand", "CompleteMultipartUploadCommand", "SendMessageCommand"]));
  assert.equal(gateway.commands.filter((name) => name === "UploadPartCommand").length, Math.ceil(body.length / MAX_PART_BYTES));
  const stored = await storedPayload("large", id);
  assert.equal(stored.bytes.length, body.length);
  assert.equal(createHash("sha256").update(stored.bytes).digest("hex"), createHash("sha256").update(body).digest("hex"));
  assert.equal(stored.contentType, "application/octet-stream");
});

test("queued message carries filtered headers", async () => {
  const registration = await aws.provision("messages");

  const id = await submit("messages", '{"a":1}', {
    "content-type": "application/json",
    authorization: "Bearer token-1",
    "x-trace-id": "trace-7",
    "x-request-id": "envoy-id",
    "x-cortex-request-id": "forged",
    "x-cortex-queue-url": "http://127.0.0.1:1/other.fifo",
    "x-envoy-original-path": "/other",
    "x-b3-traceid": "b3",
    "x-forwarded-client-cert": "cert",
    "proxy-authorization": "secret",
    "keep-alive": "timeout=5",
    "x-hop": "dropped because connection names it",
    connection: "keep-alive, x-hop",
    te: "trailers",
    expect: "100-continue",
  });

  const [message, extra] = await aws.drainQueue(registration.queueUrl);
  assert.equal(extra, undefined);
  const body = decodeQueueMessage(message!.Body!, message!.MessageId!);
  assert.equal(body.id, id);
  assert.equal(body.api, "messages");
  assert.equal(body.contentType, "application/json");
  assert.equal(Date.parse(body.receivedAt), requestIdTime(id));
  assert.deepEqual(body.headers, {
    "content-type": "application/json",
    authorization: "Bearer token-1",
    "x-trace-id": "trace-7",
    "x-request-id": "envoy-id",
  });
});

test("message group id is the request id", async () => {
  const registration = await aws.provision("fifo");
  const id = await submit("fifo", "x");

  const received = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: registration.queueUrl,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["MessageGroupId", "MessageDeduplicationId"],
    }),
  );

  const attributes = received.Messages?.[0]?.Attributes;
  assert.equal(attributes?.MessageGroupId, id);
  assert.equal(attributes?.MessageDeduplicationId, id);
});

test("status reads in_queue right after submit", async () => {
  await aws.provision("fresh");
  const id = await submit("fresh", "work");

  const response = await sendHttp(`${gateway.baseUrl}/fresh/${id}`);

  assert.equal(response.status, 200);
  assert.deepEqual(jsonOf(response), { id, status: "in_queue" });
});

test("headers cannot select another API", async () => {
  const target = await aws.provision("target");
  const other = await aws.provision("other");

  const id = await submit("target", "payload", {
    "x-cortex-api-name": "other",
    "x-cortex-queue-url": other.queueUrl,
    "x-envoy-original-path": "/other",
  });

  assert.equal((await aws.drainQueue(other.queueUrl)).length, 0);
  assert.equal((await aws.drainQueue(target.queueUrl)).length, 1);
  assert.deepEqual(await aws.listKeys(aws.layout.apiPrefix("other")), []);
  assert.deepEqual(await aws.listKeys(aws.layout.apiPrefix("target")), [aws.layout.payloadKey("target", id)]);
});

test("paths with dots or encoded slashes store nothing", async () => {
  await aws.provision("victim");
  const before = await aws.listKeys("");
  const paths = ["/..", "/%2e%2e", "/..%2Fvictim", "/victim%2F..%2F..%2Fregistry", "/victim/..", "/victim%2Fx", "/.%2E/victim"];

  for (const path of paths) {
    const response = await sendHttp(`${gateway.baseUrl}${path}`, { method: "POST", body: "escape" });
    assert.ok([400, 404, 405].includes(response.status), `${path} answered ${response.status}`);
  }

  assert.deepEqual(await aws.listKeys(""), before);
});

test("queue failure deletes the payload and replies 503", async () => {
  const missingQueue = `${aws.endpoint.sqsEndpoint}/000000000000/missing-queue.fifo`;
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: aws.layout.registryKey("broken"),
      Body: JSON.stringify({ name: "broken", queueUrl: missingQueue }),
    }),
  );

  const response = await sendHttp(`${gateway.baseUrl}/broken`, { method: "POST", body: "never runs" });

  assert.equal(response.status, 503);
  assert.equal((jsonOf(response) as { error: string }).error, "queue_unavailable");
  assert.deepEqual(await aws.listKeys(aws.layout.apiPrefix("broken")), []);
  const failure = await gateway.logs.waitFor((line) => line.msg === "request failed" && line.api === "broken");
  assert.equal(failure.code, "queue_unavailable");
  assert.equal(typeof failure.requestId, "string");
  assert.ok(isRequestId(String(failure.requestId)));
});

test("submit logs carry request id and API", async () => {
  await aws.provision("logged");
  const id = await submit("logged", "x");

  const queued = await gateway.logs.waitFor((line) => line.msg === "request queued" && line.requestId === id);
  const completed = await gateway.logs.waitFor((line) => line.msg === "request completed" && line.requestId === id);

  assert.equal(queued.api, "logged");
  assert.equal(queued.sizeBytes, 1);
  assert.equal(completed.api, "logged");
  assert.equal(completed.statusCode, 200);
});
