import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { newRequestId } from "../../../runtime/shared/request-id.js";
import { RESULT_RETENTION_DAYS, completedRecordEnvelope, encodeResultRecord, type ResultRecord } from "../../../runtime/shared/storage-layout.js";
import { BUCKET, startAwsFixture, startGateway, type AwsFixture, type RunningGateway } from "./support/gateway-fixture.js";
import { jsonOf, sendHttp, type HttpResponse } from "./support/http-client.js";

const API = "status";
const DAY_MS = 24 * 60 * 60 * 1000;
const TIMESTAMP = "2024-07-10T12:00:00.000Z";

let aws: AwsFixture;
let gateway: RunningGateway;

before(async () => {
  aws = await startAwsFixture();
  await aws.provision(API);
  gateway = await startGateway(aws);
});

after(async () => {
  await gateway.close();
  await aws.close();
});

async function put(key: string, body: string | Buffer): Promise<void> {
  await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(body) }));
}

async function putResult(id: string, record: ResultRecord): Promise<void> {
  await put(aws.layout.resultKey(API, id), encodeResultRecord(record));
}

function getStatus(id: string, api = API): Promise<HttpResponse> {
  return sendHttp(`${gateway.baseUrl}/${api}/${id}`);
}

test("marker with payload reads in_progress", async () => {
  const id = newRequestId();
  await put(aws.layout.payloadKey(API, id), "work");
  await put(aws.layout.inProgressKey(API, id), "");

  const response = await getStatus(id);

  assert.equal(response.status, 200);
  assert.equal(response.headers["cache-control"], "no-store");
  assert.deepEqual(jsonOf(response), { id, status: "in_progress" });
});

test("completed result of any JSON type is returned", async () => {
  const results: unknown[] = [{ label: "cat", score: 0.9 }, [1, "two", null], "plain string", null, 42, false, {}];

  for (const result of results) {
    const id = newRequestId();
    await putResult(id, { id, status: "completed", result, timestamp: TIMESTAMP });

    const response = await getStatus(id);

    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/json");
    assert.deepEqual(jsonOf(response), { id, status: "completed", result, timestamp: TIMESTAMP });
  }
});

test("failed result carries its reason", async () => {
  const id = newRequestId();
  await putResult(id, { id, status: "failed", reason: "user container replied 500", timestamp: TIMESTAMP });

  const response = await getStatus(id);

  assert.equal(response.status, 200);
  assert.deepEqual(jsonOf(response), { id, status: "failed", reason: "user container replied 500", timestamp: TIMESTAMP });
});

test("result wins over a late in_progress marker", async () => {
  const id = newRequestId();
  await putResult(id, { id, status: "completed", result: "done", timestamp: TIMESTAMP });
  await put(aws.layout.payloadKey(API, id), "work");
  await put(aws.layout.inProgressKey(API, id), "");

  const response = await getStatus(id);

  assert.deepEqual(jsonOf(response), { id, status: "completed", result: "done", timestamp: TIMESTAMP });
});

test("stored record is returned byte for byte", async () => {
  const id = newRequestId();
  const record = `{"id":"${id}","status":"completed","result":{"z": 12345678901234567891,\n  "a": [1 , 2.50, -0E+0], "s": "\\u00e9 é"},"timestamp":"${TIMESTAMP}"}`;
  await put(aws.layout.resultKey(API, id), record);

  const response = await getStatus(id);

  assert.equal(response.status, 200);
  assert.equal(response.headers["content-type"], "application/json");
  assert.equal(response.headers["content-length"], String(Buffer.byteLength(record)));
  assert.equal(response.body.toString("utf8"), record);
});

test("large result is streamed back whole", async () => {
  const id = newRequestId();
  const { head, tail } = completedRecordEnvelope(id, TIMESTAMP);
  const numbers = Buffer.alloc(30 * 1024 * 1024, "9007199254740993, ");
  const record = Buffer.concat([Buffer.from(`${head}[`), numbers, Buffer.from(`0]${tail}`)]);
  await put(aws.layout.resultKey(API, id), record);

  const response = await getStatus(id);

  assert.equal(response.status, 200);
  assert.equal(response.body.length, record.length);
  assert.ok(response.body.equals(record), "the body differs from the stored record");
});

test("HEAD of a finished request sends headers only", async () => {
  const id = newRequestId();
  const record = encodeResultRecord({ id, status: "completed", result: { large: "x".repeat(4096) }, timestamp: TIMESTAMP });
  await put(aws.layout.resultKey(API, id), record);

  const response = await sendHttp(`${gateway.baseUrl}/${API}/${id}`, { method: "HEAD" });

  assert.equal(response.status, 200);
  assert.equal(response.headers["content-length"], String(Buffer.byteLength(record)));
  assert.equal(response.body.length, 0);
});

test("completed request costs one GetObject", async () => {
  const id = newRequestId();
  await putResult(id, { id, status: "completed", result: 1, timestamp: TIMESTAMP });
  await getStatus(newRequestId());
  gateway.commands.length = 0;

  await getStatus(id);

  assert.deepEqual(gateway.commands, ["GetObjectCommand"]);
});

test("unknown recent id answers 404 not found", async () => {
  const id = newRequestId();

  const response = await getStatus(id);

  assert.equal(response.status, 404);
  assert.deepEqual(jsonOf(response), { error: "request_not_found", message: `request ${id} of API "${API}" not found` });
});

test("id older than the retention answers 404 expired", async () => {
  const id = newRequestId(Date.now() - (RESULT_RETENTION_DAYS + 1) * DAY_MS);

  const response = await getStatus(id);

  assert.equal(response.status, 404);
  assert.deepEqual(jsonOf(response), {
    error: "request_expired",
    message: `request ${id} of API "${API}" has expired or was cleaned up: results are kept for ${RESULT_RETENTION_DAYS} days`,
  });
});

test("marker without payload or result answers 404 expired", async () => {
  const id = newRequestId();
  await put(aws.layout.inProgressKey(API, id), "");

  const response = await getStatus(id);

  assert.equal(response.status, 404);
  assert.equal((jsonOf(response) as { error: string }).error, "request_expired");
});

test("unreadable stored result answers 500 naming the request", async () => {
  const id = newRequestId();
  await put(aws.layout.resultKey(API, id), "{not json");

  const response = await getStatus(id);

  assert.equal(response.status, 500);
  assert.deepEqual(jsonOf(response), {
    error: "invalid_stored_result",
    message: `the stored result of request ${id} of API "${API}" is invalid`,
  });
  const failure = await gateway.logs.waitFor((line) => line.msg === "request failed" && line.requestId === id);
  assert.match(String((failure.err as { message?: string }).message), /does not start with \{"id":/);
});

test("record of another request answers 500", async () => {
  const id = newRequestId();
  const other = newRequestId();
  await put(aws.layout.resultKey(API, id), encodeResultRecord({ id: other, status: "completed", result: 1, timestamp: TIMESTAMP }));

  const response = await getStatus(id);

  assert.equal(response.status, 500);
  assert.equal((jsonOf(response) as { error: string }).error, "invalid_stored_result");
  const failure = await gateway.logs.waitFor((line) => line.msg === "request failed" && line.requestId === id);
  assert.match(String((failure.err as { message?: string }).message), new RegExp(`so it is not a record of request ${id}$`));
});

test("status of an unknown API answers 404 naming it", async () => {
  const response = await getStatus(newRequestId(), "no-such-api");

  assert.equal(response.status, 404);
  assert.deepEqual(jsonOf(response), { error: "api_not_found", message: 'API "no-such-api" not found: check the name or deploy the API' });
});

test("status lines are logged under the polled request id", async () => {
  const id = newRequestId();
  await putResult(id, { id, status: "completed", result: 1, timestamp: TIMESTAMP });

  await getStatus(id);

  const line = await gateway.logs.waitFor((entry) => entry.msg === "request completed" && entry.requestId === id);
  assert.equal(line.api, API);
  assert.equal(line.statusCode, 200);
});
