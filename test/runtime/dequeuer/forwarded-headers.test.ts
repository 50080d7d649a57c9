import assert from "node:assert/strict";
import { test } from "node:test";
import { forwardedHeaders } from "../../../runtime/dequeuer/forwarded-headers.js";

test("end-to-end headers are kept", () => {
  const { headers, invalid } = forwardedHeaders({ authorization: "Bearer t", accept: "application/json", "x-tags": "a, b", "content-encoding": "gzip" });

  assert.deepEqual(headers, { authorization: "Bearer t", accept: "application/json", "x-tags": "a, b", "content-encoding": "gzip" });
  assert.deepEqual(invalid, []);
});

test("hop-by-hop, routing and dequeuer-set headers are dropped", () => {
  const dropped = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
    "host",
    "content-length",
    "content-type",
    "x-cortex-request-id",
    "x-cortex-queue-url",
    "x-envoy-peer-metadata",
    "x-b3-spanid",
    "x-forwarded-client-cert",
  ];
  const { headers } = forwardedHeaders(Object.fromEntries(dropped.map((name) => [name, "v"])));

  assert.deepEqual(headers, {});
});

test("headers named by Connection are dropped", () => {
  const { headers } = forwardedHeaders({ connection: "close, X-Session", "x-session": "abc", "x-other": "kept" });

  assert.deepEqual(headers, { "x-other": "kept" });
});

test("names are matched case-insensitively and sent in lowercase", () => {
  const { headers } = forwardedHeaders({ "X-Custom": "1", "Transfer-Encoding": "chunked" });

  assert.deepEqual(headers, { "x-custom": "1" });
});

test("invalid names and values are reported, not sent", () => {
  const { headers, invalid } = forwardedHeaders({ "bad name": "x", "x-newline": "a\r\nInjected: yes", "x-ok": "fine" });

  assert.deepEqual(headers, { "x-ok": "fine" });
  assert.deepEqual(invalid, ["bad name", "x-newline"]);
});
