import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { newRequestId } from "../../../runtime/shared/request-id.js";
import { buildInjectGateway, type InjectGateway } from "./support/gateway-fixture.js";

// These requests go through inject(), and the AWS clients point at a closed port
// on 127.0.0.1. A route that replies before any AWS call passes, and a route that
// calls AWS gets a refused connection, as in an outage. inject() resolves dot
// segments such as /%2e%2e the way URL parsers do, so those paths are tested over
// real HTTP in submit.test.ts.

const LIMIT_BYTES = 1024;

let gateway: InjectGateway;
let app: FastifyInstance;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  gateway = await buildInjectGateway(unreachable, { maxAttempts: 1 }, { maxPayloadBytes: LIMIT_BYTES });
  app = gateway.app;
});

after(async () => {
  await gateway.close();
});

function errorOf(body: string): { error: string; message: string } {
  return JSON.parse(body) as { error: string; message: string };
}

test("healthz replies ok", async () => {
  const response = await app.inject({ method: "GET", url: "/healthz" });

  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: "ok" });
});

test("invalid API names answer 400 naming them", async () => {
  const names = ["Hello", "hello_world", "-hello", "hello-", "9lives", "a%2Fb", "..%2Fother", "x".repeat(64)];

  for (const name of names) {
    for (const request of [{ method: "POST" as const, url: `/${name}` }, { method: "GET" as const, url: `/${name}/${newRequestId()}` }]) {
      const response = await app.inject({ ...request, payload: request.method === "POST" ? "x" : undefined });

      assert.equal(response.statusCode, 400, `${request.method} ${request.url}`);
      const body = errorOf(response.body);
      assert.equal(body.error, "invalid_api_name");
      assert.ok(body.message.startsWith(`invalid API name ${JSON.stringify(decodeURIComponent(name))}`), body.message);
    }
  }
});

test("long API name is cut in the message", async () => {
  const name = "a".repeat(500);

  const response = await app.inject({ method: "POST", url: `/${name}`, payload: "x" });

  assert.equal(response.statusCode, 400);
  assert.ok(errorOf(response.body).message.startsWith(`invalid API name "${"a".repeat(100)}..."`));
});

test("malformed request ids answer 400 naming them", async () => {
  const ids = ["xyz", "0190b0c8-1b2c-4d5e-8f90-123456789abc", "0190B0C8-1B2C-7D5E-8F90-123456789ABC", "%2e%2e%2fregistry"];

  for (const id of ids) {
    const response = await app.inject({ method: "GET", url: `/hello/${id}` });

    assert.equal(response.statusCode, 400, id);
    assert.deepEqual(errorOf(response.body), {
      error: "invalid_request_id",
      message: `invalid request id ${JSON.stringify(decodeURIComponent(id))}: use the id returned when the request was submitted`,
    });
  }
});

test("other methods answer 405 with Allow", async () => {
  const cases: Array<[string, string, string]> = [
    ["GET", "/hello", "POST"],
    ["PUT", "/hello", "POST"],
    ["DELETE", "/hello", "POST"],
    ["PATCH", "/hello", "POST"],
    ["POST", `/hello/${newRequestId()}`, "GET, HEAD"],
    ["PUT", `/hello/${newRequestId()}`, "GET, HEAD"],
    ["DELETE", `/hello/${newRequestId()}`, "GET, HEAD"],
  ];

  for (const [method, url, allow] of cases) {
    const response = await app.inject({ method: method as "GET", url });

    assert.equal(response.statusCode, 405, `${method} ${url}`);
    assert.equal(response.headers.allow, allow);
    assert.equal(errorOf(response.body).error, "method_not_allowed");
  }
});

test("unknown paths answer 404 JSON", async () => {
  const requests = [
    { method: "GET" as const, url: "/" },
    { method: "POST" as const, url: "/" },
    { method: "GET" as const, url: "/a/b/c" },
    { method: "GET" as const, url: `/hello/${newRequestId()}/extra` },
  ];

  for (const { method, url } of requests) {
    const response = await app.inject({ method, url });

    assert.equal(response.statusCode, 404, `${method} ${url}`);
    assert.match(response.headers["content-type"] as string, /^application\/json/);
    assert.equal(errorOf(response.body).error, "route_not_found");
  }
});

test("undecodable paths answer 400 naming them", async () => {
  const requests = [
    { method: "POST" as const, url: "/%zz" },
    { method: "GET" as const, url: "/hello/%zz" },
    { method: "GET" as const, url: `/hello/${"a".repeat(1001)}` },
  ];

  for (const { method, url } of requests) {
    const response = await app.inject({ method, url });

    assert.equal(response.statusCode, 400, `${method} ${url}`);
    assert.equal(errorOf(response.body).error, "invalid_url");
    // Values above 100 characters are cut, so only the opening quote and the first 100 are compared.
    const quotedStart = JSON.stringify(url.slice(0, 100)).slice(0, -1);
    assert.ok(errorOf(response.body).message.startsWith(`invalid URL path ${quotedStart}`), errorOf(response.body).message);
  }
});

test("declared length above the limit answers 413 without AWS", async () => {
  const response = await app.inject({
    method: "POST",
    url: "/hello",
    headers: { "content-length": String(LIMIT_BYTES + 1) },
    payload: Buffer.alloc(LIMIT_BYTES + 1),
  });

  assert.equal(response.statusCode, 413);
  assert.deepEqual(errorOf(response.body), {
    error: "payload_too_large",
    message: `request body of ${LIMIT_BYTES + 1} bytes exceeds the limit of ${LIMIT_BYTES} bytes`,
  });
});

test("malformed content type answers 415 naming it", async () => {
  const response = await app.inject({ method: "POST", url: "/hello", headers: { "content-type": "garbage" }, payload: "x" });

  assert.equal(response.statusCode, 415);
  assert.equal(errorOf(response.body).error, "invalid_content_type");
  assert.match(errorOf(response.body).message, /"garbage"/);
});

test("headers too large for one queue message answer 431", async () => {
  // inject() bypasses Node's header size limit, so this reaches the queue message check.
  const response = await app.inject({ method: "POST", url: "/hello", headers: { "x-large": "a".repeat(300 * 1024) }, payload: "x" });

  assert.equal(response.statusCode, 431);
  assert.equal(errorOf(response.body).error, "headers_too_large");
});

test("storage outage answers 503 and logs the error", async () => {
  for (const request of [{ method: "POST" as const, url: "/outage", payload: "x" }, { method: "GET" as const, url: `/outage/${newRequestId()}` }]) {
    const response = await app.inject(request);

    assert.equal(response.statusCode, 503, request.method);
    assert.deepEqual(errorOf(response.body), { error: "storage_unavailable", message: "storage is unavailable: retry later" });
  }

  const logged = await gateway.logs.waitFor((line) => line.msg === "request failed" && line.api === "outage");
  assert.equal(logged.code, "storage_unavailable");
  assert.match(String((logged.err as { message?: string }).message), /ECONNREFUSED/);
});
