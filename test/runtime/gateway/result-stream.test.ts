import assert from "node:assert/strict";
import { get } from "node:http";
import { after, before, test } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { newRequestId } from "../../../runtime/shared/request-id.js";
import { encodeResultRecord } from "../../../runtime/shared/storage-layout.js";
import { startCuttingProxy, type CuttingProxy } from "./support/cutting-proxy.js";
import { BUCKET, startAwsFixture, startGateway, type AwsFixture, type RunningGateway } from "./support/gateway-fixture.js";
import { jsonOf, sendHttp } from "./support/http-client.js";

// The gateway streams a stored result to the client. Here its S3 calls go
// through a proxy that breaks the connection partway through chosen objects.

const API = "streams";
const TIMESTAMP = "2024-07-10T12:00:00.000Z";

let aws: AwsFixture;
let proxy: CuttingProxy;
let gateway: RunningGateway;
/** Body bytes the proxy lets through for each request id's result.json. */
const cuts = new Map<string, number>();

before(async () => {
  aws = await startAwsFixture();
  await aws.provision(API);
  proxy = await startCuttingProxy({
    target: aws.endpoint.s3Endpoint,
    bytesBeforeCut: (path) => {
      const id = /\/([^/]+)\/result\.json(?:\?|$)/.exec(path)?.[1];
      return id === undefined ? undefined : cuts.get(id);
    },
  });
  gateway = await startGateway({ ...aws, endpoint: { ...aws.endpoint, s3Endpoint: proxy.url } });
});

after(async () => {
  await gateway.close();
  await proxy.close();
  await aws.close();
});

async function putLargeResult(id: string): Promise<Buffer> {
  const record = Buffer.from(encodeResultRecord({ id, status: "completed", result: { padding: "p".repeat(1024 * 1024) }, timestamp: TIMESTAMP }));
  await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: aws.layout.resultKey(API, id), Body: record }));
  return record;
}

interface CutResponse {
  status: number;
  contentLength: string | undefined;
  received: number;
  error: Error | undefined;
}

/** GETs `url` and resolves once the response ends or breaks, with what arrived. */
function getUntilClosed(url: string): Promise<CutResponse> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let received = 0;
      const done = (error: Error | undefined) =>
        resolve({ status: response.statusCode ?? 0, contentLength: response.headers["content-length"], received, error });
      response.on("data", (chunk: Buffer) => (received += chunk.length));
      response.once("end", () => done(undefined));
      response.once("error", done);
    }).once("error", reject);
  });
}

test("storage failure mid-reply closes the connection", async () => {
  const id = newRequestId();
  const record = await putLargeResult(id);
  cuts.set(id, 64 * 1024);

  const response = await getUntilClosed(`${gateway.baseUrl}/${API}/${id}`);

  assert.equal(response.status, 200);
  assert.equal(response.contentLength, String(record.length));
  assert.ok(response.error, `the response ended normally after ${response.received} bytes`);
  assert.ok(response.received < record.length, `received ${response.received} of ${record.length} bytes`);
  const line = await gateway.logs.waitFor((entry) => entry.msg === "reading the stored result failed during the reply, closing the connection" && entry.requestId === id);
  assert.equal(line.api, API);
  assert.equal(line.key, aws.layout.resultKey(API, id));
});

test("storage failure before the reply answers 503", async () => {
  const id = newRequestId();
  await putLargeResult(id);
  cuts.set(id, 10);

  const response = await sendHttp(`${gateway.baseUrl}/${API}/${id}`);

  assert.equal(response.status, 503);
  assert.equal((jsonOf(response) as { error: string }).error, "storage_unavailable");
});

test("gateway serves results again after a cut", async () => {
  const id = newRequestId();
  const record = await putLargeResult(id);

  const response = await sendHttp(`${gateway.baseUrl}/${API}/${id}`);

  assert.equal(response.status, 200);
  assert.ok(response.body.equals(record), "the body differs from the stored record");
});
