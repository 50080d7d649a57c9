import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newRequestId } from "../../runtime/shared/request-id.js";
import type { ApiRegistration } from "../../runtime/shared/storage-layout.js";
import { useStack } from "./support/suite.js";

// Requests the gateway turns away: each gets a JSON error with a status code and
// a message that names the value at fault, and nothing is queued for them.

const LIMIT_BYTES = 1024 * 1024;

let api: ApiRegistration;
const suite = useStack({
  gatewayEnv: { CORTEX_MAX_PAYLOAD_BYTES: String(LIMIT_BYTES) },
  setup: async (started) => {
    api = await started.stack.createApi();
  },
});

interface ErrorReply {
  status: number;
  contentType: string | null;
  body: { error?: string; message?: string };
}

async function send(path: string, init: RequestInit = {}): Promise<ErrorReply> {
  const response = await fetch(`${suite.stack.gatewayUrl}${path}`, init);
  return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as ErrorReply["body"] };
}

function assertJsonError(reply: ErrorReply, status: number, error: string, message: string | RegExp): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.contentType ?? "", /^application\/json/);
  assert.equal(reply.body.error, error);
  if (typeof message === "string") assert.equal(reply.body.message, message);
  else assert.match(reply.body.message ?? "", message);
}

/** Returns a body of `bytes` bytes as a stream, so fetch sends it without a Content-Length. */
function streamedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

describe("gateway errors", { concurrency: true }, () => {
  test("submit to an unknown API gets 404", async () => {
    const reply = await send("/no-such-api", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });

    assertJsonError(reply, 404, "api_not_found", 'API "no-such-api" not found: check the name or deploy the API');
  });

  test("GET of an unknown API gets 404", async () => {
    const reply = await send(`/no-such-api/${newRequestId()}`);

    assertJsonError(reply, 404, "api_not_found", 'API "no-such-api" not found: check the name or deploy the API');
  });

  test("GET of an invalid request id gets 400", async () => {
    const reply = await send(`/${api.name}/not-a-request-id`);

    assertJsonError(reply, 400, "invalid_request_id", 'invalid request id "not-a-request-id": use the id returned when the request was submitted');
  });

  test("GET of an unknown request id gets 404", async () => {
    const id = newRequestId();
    const reply = await send(`/${api.name}/${id}`);

    assertJsonError(reply, 404, "request_not_found", `request ${id} of API "${api.name}" not found`);
  });

  test("oversized headers get 431", async () => {
    const reply = await send(`/${api.name}`, { method: "POST", body: "{}", headers: { "x-large": "a".repeat(20 * 1024) } });

    assertJsonError(reply, 431, "headers_too_large", "request headers exceed the limit of 16384 bytes: send fewer or shorter headers");
  });

  test("body above the limit gets 413", async () => {
    const body = new Uint8Array(LIMIT_BYTES + 1);
    const reply = await send(`/${api.name}`, { method: "POST", body, headers: { "content-type": "application/octet-stream" } });

    assertJsonError(reply, 413, "payload_too_large", `request body of ${LIMIT_BYTES + 1} bytes exceeds the limit of ${LIMIT_BYTES} bytes`);
  });

  test("streamed body above the limit gets 413", async () => {
    const reply = await send(`/${api.name}`, { method: "POST", body: streamedBody(2 * LIMIT_BYTES), duplex: "half" } as RequestInit);

    assertJsonError(reply, 413, "payload_too_large", `request body exceeds the limit of ${LIMIT_BYTES} bytes`);
  });
});

describe("after the errors", () => {
  test("nothing was queued or stored", async () => {
    const { calls } = await suite.stack.awsCalls();
    const sent = calls.filter((call) => call.operation === "SendMessage" || call.operation === "PutObject" || call.operation === "CompleteMultipartUpload");

    assert.deepEqual(sent, []);
  });
});
