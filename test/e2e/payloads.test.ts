import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { CortexClient } from "../../runtime/client/index.js";
import { callsOf, waitForFinish, waitForProcessed } from "./support/requests.js";
import { useStack, type RunningApi } from "./support/suite.js";

// Payloads posted to the gateway reach the user's server byte for byte, with
// their content type and the client's headers, and the server's JSON comes back
// from the gateway's GET.

/** What test/fixtures/user-servers/echo.js responds with. */
interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The request body in base64. */
  body: string;
}

let echo: RunningApi;
let client: CortexClient;
const suite = useStack({
  setup: async (started) => {
    echo = await started.startApi({ fixture: "echo" });
    client = new CortexClient({ endpoint: started.stack.gatewayUrl });
  },
});

/** Submits through the gateway, polls until finished and returns what the echo server received. */
async function roundTrip(body: string | Buffer, contentType: string, headers: Record<string, string> = {}): Promise<{ id: string; echo: Echo }> {
  const { id } = await client.submit(echo.api.name, body, { contentType, headers });
  const { final } = await waitForFinish(client, echo.api.name, id);
  assert.equal(final.status, "completed", JSON.stringify(final));
  return { id, echo: final.result as Echo };
}

/** Returns every byte value from 0 to 255, `times` times over. */
function allByteValues(times: number): Buffer {
  return Buffer.concat(Array.from({ length: times }, () => Buffer.from(Array.from({ length: 256 }, (_, value) => value))));
}

describe("payloads", { concurrency: true }, () => {
  test("JSON payload arrives with the request id", async () => {
    const body = '{"text": "hello world", "values": [1, 2.5, null, true]}';
    const { id, echo: received } = await roundTrip(body, "application/json");

    assert.equal(received.method, "POST");
    assert.equal(received.url, "/");
    assert.equal(Buffer.from(received.body, "base64").toString("utf8"), body);
    assert.equal(received.headers["content-type"], "application/json");
    assert.equal(received.headers["content-length"], String(Buffer.byteLength(body)));
    assert.equal(received.headers["x-cortex-request-id"], id);
  });

  test("text payload keeps its charset parameter", async () => {
    const body = "grüße, 世界\r\nzweite Zeile\n";
    const { echo: received } = await roundTrip(body, "text/plain; charset=utf-8");

    assert.equal(Buffer.from(received.body, "base64").toString("utf8"), body);
    assert.equal(received.headers["content-type"], "text/plain; charset=utf-8");
  });

  test("binary payload keeps every byte value", async () => {
    const body = allByteValues(4);
    const { echo: received } = await roundTrip(body, "application/octet-stream");

    assert.deepEqual(Buffer.from(received.body, "base64"), body);
    assert.equal(received.headers["content-type"], "application/octet-stream");
  });

  test("multipart form data arrives unchanged", async () => {
    const boundary = "----cortex-e2e-7MA4YWxkTrZu0gW";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nall bytes\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bytes.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      allByteValues(1),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const contentType = `multipart/form-data; boundary=${boundary}`;
    const { echo: received } = await roundTrip(body, contentType);

    assert.deepEqual(Buffer.from(received.body, "base64"), body);
    assert.equal(received.headers["content-type"], contentType);
  });

  test("12 MiB payload arrives whole", async () => {
    // Above one part, so the gateway stores it as a multipart upload.
    const body = randomBytes(12 * 1024 * 1024);
    const { echo: received } = await roundTrip(body, "application/octet-stream");

    assert.ok(Buffer.from(received.body, "base64").equals(body), "the received body differs from the one sent");
    assert.equal(received.headers["content-length"], String(body.length));
  });

  test("client headers forwarded, internal ones dropped", async () => {
    const headers = {
      authorization: "Bearer token-1",
      "x-trace": "trace-1",
      "x-cortex-request-id": "forged-id",
      "x-cortex-api": "another-api",
      "x-envoy-original-path": "/another-api",
      "x-b3-traceid": "80f198ee56343ba864fe8b2a57d3eff7",
    };
    const { id, echo: received } = await roundTrip("{}", "application/json", headers);

    assert.equal(received.headers.authorization, "Bearer token-1");
    assert.equal(received.headers["x-trace"], "trace-1");
    assert.equal(received.headers["x-cortex-request-id"], id);
    assert.equal(received.headers["x-cortex-api"], undefined);
    assert.equal(received.headers["x-envoy-original-path"], undefined);
    assert.equal(received.headers["x-b3-traceid"], undefined);
  });
});

describe("AWS calls", () => {
  test("request makes 2, 6 and 1 AWS calls", async () => {
    const { id } = await client.submit(echo.api.name, { text: "count me" });
    await waitForProcessed(suite.stack, id);
    const status = await client.get(echo.api.name, id);
    assert.equal(status.status, "completed");

    const calls = await callsOf(suite.stack, id);
    const operations = (client: string) => calls.filter((call) => call.client === client).map((call) => call.operation);
    assert.deepEqual(operations("gateway"), ["PutObject", "SendMessage", "GetObject"]);
    assert.deepEqual(operations("dequeuer"), ["ReceiveMessage", "PutObject", "GetObject", "PutObject", "DeleteObject", "DeleteMessage"]);
  });
});
