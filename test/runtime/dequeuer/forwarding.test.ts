import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, test } from "node:test";
import type { ApiRegistration } from "../../../runtime/shared/storage-layout.js";
import { createApi, listRequestKeys, submitRequest, waitForResult } from "./support/harness.js";
import type { UserServer } from "./support/processes.js";
import { useSuite } from "./support/suite.js";

// Payloads, content types and client headers reach the user's server unchanged.

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const suite = useSuite();
let server: UserServer;
let api: ApiRegistration;

before(async () => {
  server = await suite.userServer("echo");
  api = await createApi(suite.harness);
  await suite.dequeuer(api, { CORTEX_USER_PORT: String(server.port) });
});

async function echoOf(body: string | Buffer, contentType: string | undefined, headers: Record<string, string> = {}): Promise<{ id: string; echo: Echo }> {
  const id = await submitRequest(suite.harness, api, { body, headers, ...(contentType === undefined ? {} : { contentType }) });
  const record = await waitForResult(suite.harness, api, id);
  assert.equal(record.status, "completed", JSON.stringify(record));
  return { id, echo: (record as { result: Echo }).result };
}

describe("payload forwarding", { concurrency: true }, () => {
  test("JSON payload arrives byte for byte with its content type", async () => {
    const body = '{"text": "hello world", "n": 12345678901234567890}';
    const { id, echo } = await echoOf(body, "application/json");

    assert.equal(echo.method, "POST");
    assert.equal(echo.url, "/");
    assert.equal(Buffer.from(echo.body, "base64").toString("utf8"), body);
    assert.equal(echo.headers["content-type"], "application/json");
    assert.equal(echo.headers["content-length"], String(Buffer.byteLength(body)));
    assert.equal(echo.headers["x-cortex-request-id"], id);
  });

  test("text payload keeps its charset parameter", async () => {
    const body = "grüße, 世界\n";
    const { echo } = await echoOf(body, "text/plain; charset=utf-8");

    assert.equal(Buffer.from(echo.body, "base64").toString("utf8"), body);
    assert.equal(echo.headers["content-type"], "text/plain; charset=utf-8");
  });

  test("binary payload arrives byte for byte", async () => {
    const body = randomBytes(256 * 1024);
    const { echo } = await echoOf(body, "application/octet-stream");

    assert.ok(Buffer.from(echo.body, "base64").equals(body));
    assert.equal(echo.headers["content-type"], "application/octet-stream");
  });

  test("multipart payload keeps its boundary", async () => {
    const boundary = "----cortex-test-boundary";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      randomBytes(1024),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const { echo } = await echoOf(body, `multipart/form-data; boundary=${boundary}`);

    assert.ok(Buffer.from(echo.body, "base64").equals(body));
    assert.equal(echo.headers["content-type"], `multipart/form-data; boundary=${boundary}`);
  });

  test("empty payload arrives with length zero", async () => {
    const { echo } = await echoOf("", "application/json");

    assert.equal(echo.body, "");
    assert.equal(echo.headers["content-length"], "0");
  });

  test("client headers are forwarded", async () => {
    const { echo } = await echoOf("{}", "application/json", {
      authorization: "Bearer token-1",
      "x-custom": "custom value",
      "accept-language": "de-CH",
      "content-encoding": "identity",
    });

    assert.equal(echo.headers.authorization, "Bearer token-1");
    assert.equal(echo.headers["x-custom"], "custom value");
    assert.equal(echo.headers["accept-language"], "de-CH");
    assert.equal(echo.headers["content-encoding"], "identity");
  });

  test("hop-by-hop and internal headers are not forwarded", async () => {
    const { id, echo } = await echoOf("{}", "application/json", {
      connection: "keep-alive, x-hop",
      "x-hop": "only for the first hop",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      upgrade: "websocket",
      te: "trailers",
      trailer: "x-checksum",
      "proxy-authorization": "Basic secret",
      host: "gateway.example",
      "content-length": "999",
      "x-envoy-original-path": "/other-api",
      "x-b3-traceid": "abc",
      "x-forwarded-client-cert": "cert",
      "x-cortex-request-id": "forged",
      "x-cortex-api": "other-api",
      "x-kept": "yes",
    });

    for (const name of ["x-hop", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer", "proxy-authorization", "x-envoy-original-path", "x-b3-traceid", "x-forwarded-client-cert", "x-cortex-api"]) {
      assert.equal(echo.headers[name], undefined, `${name} was forwarded`);
    }
    assert.equal(echo.headers["x-cortex-request-id"], id);
    assert.equal(echo.headers["content-length"], "2");
    assert.match(echo.headers.host ?? "", /^127\.0\.0\.1:\d+$/);
    assert.equal(echo.headers["x-kept"], "yes");
  });

  test("payload without a content type is sent without one", async () => {
    const { echo } = await echoOf("raw", undefined);

    assert.equal(echo.headers["content-type"], undefined);
    assert.equal(Buffer.from(echo.body, "base64").toString("utf8"), "raw");
  });

  test("payload is deleted once the result is stored", async () => {
    const { id } = await echoOf("{}", "application/json");

    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json", "status/in_progress"]);
  });
});
