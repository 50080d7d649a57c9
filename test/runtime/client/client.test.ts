import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { after, before, beforeEach, test } from "node:test";
import {
  CortexApiError,
  CortexClient,
  GatewayUnreachableError,
  WaitTimeoutError,
  type StatusResponse,
} from "../../../runtime/client/index.js";
import { json, startStubGateway, type StubGateway } from "./stub-gateway.js";

const ID = "0190b0c8-1b2c-7d5e-8f90-123456789abc";

let gateway: StubGateway;
let client: CortexClient;

before(async () => {
  gateway = await startStubGateway();
  client = new CortexClient({ endpoint: gateway.endpoint });
});

beforeEach(() => {
  gateway.received.length = 0;
  gateway.handle(() => json(200, { id: ID }));
});

after(async () => {
  await gateway.close();
});

/** Makes the stub respond with the given statuses in turn, repeating the last one. */
function statusSequence(responses: StatusResponse[]): void {
  let next = 0;
  gateway.handle(() => json(200, responses[Math.min(next++, responses.length - 1)]));
}

test("submit sends a JSON value as application/json", async () => {
  const { id } = await client.submit("hello-world", { text: "hello world" });

  assert.equal(id, ID);
  const [request] = gateway.received;
  assert.equal(request?.method, "POST");
  assert.equal(request?.url, "/hello-world");
  assert.equal(request?.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(request!.body.toString()), { text: "hello world" });
});

test("submit sends arrays, numbers and null as JSON", async () => {
  await client.submit("a", [1, 2]);
  await client.submit("a", 3);
  await client.submit("a", null);

  assert.deepEqual(
    gateway.received.map((request) => request.body.toString()),
    ["[1,2]", "3", "null"],
  );
  assert.ok(gateway.received.every((request) => request.headers["content-type"] === "application/json"));
});

test("submit sends a string as text", async () => {
  await client.submit("a", "plain words");

  assert.equal(gateway.received[0]?.headers["content-type"], "text/plain; charset=utf-8");
  assert.equal(gateway.received[0]?.body.toString(), "plain words");
});

test("submit sends bytes as octet-stream", async () => {
  const bytes = Buffer.from([0, 1, 2, 255]);
  await client.submit("a", bytes);

  assert.equal(gateway.received[0]?.headers["content-type"], "application/octet-stream");
  assert.deepEqual(gateway.received[0]?.body, bytes);
});

test("submit streams a readable without a length", async () => {
  const chunks = Array.from({ length: 64 }, (_, index) => Buffer.alloc(16 * 1024, index));
  await client.submit("a", Readable.from(chunks), { contentType: "image/png" });

  const [request] = gateway.received;
  assert.equal(request?.headers["content-type"], "image/png");
  assert.equal(request?.headers["transfer-encoding"], "chunked");
  assert.deepEqual(request?.body, Buffer.concat(chunks));
});

test("submit forwards extra headers", async () => {
  await client.submit("a", {}, { headers: { "x-trace": "abc" } });
  assert.equal(gateway.received[0]?.headers["x-trace"], "abc");
});

test("submit rejects an undefined payload", async () => {
  await assert.rejects(client.submit("a", undefined as never), /payload is undefined/);
  assert.equal(gateway.received.length, 0);
});

test("invalid API name is rejected before sending", async () => {
  await assert.rejects(client.submit("Hello/../x", {}), /invalid API name "Hello\/..\/x"/);
  await assert.rejects(client.get("", ID), /invalid API name ""/);
  assert.equal(gateway.received.length, 0);
});

test("gateway JSON error becomes CortexApiError", async () => {
  gateway.handle(() => json(404, { error: "api_not_found", message: "API nope not found" }));

  await assert.rejects(client.submit("nope", {}), (error: Error) => {
    assert.ok(error instanceof CortexApiError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "api_not_found");
    assert.equal(error.gatewayMessage, "API nope not found");
    assert.equal(error.message, `POST ${gateway.endpoint}/nope failed with status 404: API nope not found`);
    return true;
  });
});

test("gateway text error keeps the text", async () => {
  gateway.handle(() => ({ status: 503, body: "upstream unavailable\n" }));

  await assert.rejects(client.get("a", ID), (error: Error) => {
    assert.ok(error instanceof CortexApiError);
    assert.equal(error.status, 503);
    assert.equal(error.gatewayMessage, "upstream unavailable");
    assert.equal(error.code, undefined);
    return true;
  });
});

test("submit without id in the response fails", async () => {
  gateway.handle(() => json(200, { ok: true }));
  await assert.rejects(client.submit("a", {}), /returned no request id: \{"ok":true\}/);
});

test("non-JSON success body fails clearly", async () => {
  gateway.handle(() => ({ status: 200, body: "<html>" }));
  await assert.rejects(client.get("a", ID), /returned a body that is not JSON: <html>/);
});

test("unreachable gateway names the URL", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));

  const offline = new CortexClient({ endpoint: `http://127.0.0.1:${port}` });
  await assert.rejects(offline.get("a", ID), (error: Error) => {
    assert.ok(error instanceof GatewayUnreachableError);
    assert.match(error.message, new RegExp(`GET http://127.0.0.1:${port}/a/${ID} failed: .*ECONNREFUSED`));
    return true;
  });
});

test("get returns the status and result", async () => {
  const completed = { id: ID, status: "completed", result: ["any", "json"], timestamp: "2026-01-02T03:04:05.000Z" };
  gateway.handle(() => json(200, completed));

  assert.deepEqual(await client.get("hello-world", ID), completed);
  assert.equal(gateway.received[0]?.url, `/hello-world/${ID}`);
});

test("get escapes the request id", async () => {
  gateway.handle(() => json(404, { message: "not found" }));
  await assert.rejects(client.get("a", "../../b"), CortexApiError);
  assert.equal(gateway.received[0]?.url, "/a/..%2F..%2Fb");
});

test("get rejects an unknown status", async () => {
  gateway.handle(() => json(200, { id: ID, status: "done" }));
  await assert.rejects(client.get("a", ID), /returned an unknown status "done"/);
});

test("endpoint keeps its path and drops trailing slashes", async () => {
  const prefixed = new CortexClient({ endpoint: `${gateway.endpoint}/prefix//` });
  assert.equal(prefixed.endpoint, `${gateway.endpoint}/prefix`);

  await prefixed.submit("a", {});
  assert.equal(gateway.received[0]?.url, "/prefix/a");
});

test("invalid endpoint is rejected", () => {
  assert.throws(() => new CortexClient({ endpoint: "localhost:8888" }), /must use http or https/);
  assert.throws(() => new CortexClient({ endpoint: "127.0.0.1:8888" }), /is not a URL/);
  assert.throws(() => new CortexClient({ endpoint: "http://h/?q=1" }), /must not have a query or fragment/);
});

test("wait polls until completed", async () => {
  const completed: StatusResponse = { id: ID, status: "completed", result: { ok: 1 }, timestamp: "2026-01-02T03:04:05.000Z" };
  statusSequence([{ id: ID, status: "in_queue" }, { id: ID, status: "in_progress" }, completed]);

  const seen: string[] = [];
  const response = await client.wait("a", ID, { intervalMs: 10, onStatus: (current) => seen.push(current.status) });

  assert.deepEqual(response, completed);
  assert.deepEqual(seen, ["in_queue", "in_progress", "completed"]);
});

test("wait resolves on failed", async () => {
  const failed: StatusResponse = { id: ID, status: "failed", reason: "server responded 500", timestamp: "2026-01-02T03:04:05.000Z" };
  statusSequence([{ id: ID, status: "in_progress" }, failed]);

  assert.deepEqual(await client.wait("a", ID, { intervalMs: 10 }), failed);
});

test("wait times out with the last status", async () => {
  statusSequence([{ id: ID, status: "in_queue" }, { id: ID, status: "in_progress" }]);

  await assert.rejects(client.wait("a", ID, { intervalMs: 20, timeoutMs: 100 }), (error: Error) => {
    assert.ok(error instanceof WaitTimeoutError);
    assert.equal(error.last.status, "in_progress");
    assert.equal(error.message, `request ${ID} was still in_progress after 0.1 s`);
    return true;
  });
});

test("wait stops on a gateway error", async () => {
  gateway.handle(() => json(404, { message: "request not found" }));
  await assert.rejects(client.wait("a", ID, { intervalMs: 10 }), /failed with status 404: request not found/);
  assert.equal(gateway.received.length, 1);
});

test("wait stops when aborted", async () => {
  statusSequence([{ id: ID, status: "in_queue" }]);
  const controller = new AbortController();

  const waiting = client.wait("a", ID, { intervalMs: 10_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(waiting, { name: "AbortError" });
});

test("wait rejects a non-positive timeout", async () => {
  await assert.rejects(client.wait("a", ID, { timeoutMs: 0 }), /timeoutMs must be positive, got 0/);
});
