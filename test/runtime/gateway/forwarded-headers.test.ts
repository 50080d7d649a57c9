import assert from "node:assert/strict";
import { test } from "node:test";
import { forwardedHeaders } from "../../../runtime/gateway/forwarded-headers.js";

test("client headers are kept", () => {
  const headers = { "content-type": "application/json", authorization: "Bearer x", "x-request-id": "r-1", cookie: "a=1; b=2" };

  assert.deepEqual(forwardedHeaders(headers), headers);
});

test("hop-by-hop and routing headers are dropped", () => {
  const dropped = [
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
    "host",
    "content-length",
    "x-envoy-expected-rq-timeout-ms",
    "x-b3-traceid",
    "x-forwarded-client-cert",
    "x-cortex-request-id",
    "x-cortex-api-name",
  ];

  for (const name of dropped) {
    assert.deepEqual(forwardedHeaders({ [name]: "value", "x-kept": "yes" }), { "x-kept": "yes" }, name);
  }
});

test("headers named by connection are dropped", () => {
  const headers = { connection: "keep-alive, X-Private ,x-other", "x-private": "1", "x-other": "2", "x-kept": "3" };

  assert.deepEqual(forwardedHeaders(headers), { "x-kept": "3" });
});

test("repeated values are joined", () => {
  assert.deepEqual(forwardedHeaders({ "x-list": ["a", "b"] }), { "x-list": "a, b" });
});
