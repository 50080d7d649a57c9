import assert from "node:assert/strict";
import { test } from "node:test";
import { isRequestId, newRequestId, requestIdTime } from "../../runtime/shared/request-id.js";

test("new ids are UUIDv7 and pass isRequestId", () => {
  const id = newRequestId();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(isRequestId(id), true);
});

test("ids embed their submission time", () => {
  const submittedAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  assert.equal(requestIdTime(newRequestId(submittedAt)), submittedAt);
});

test("ids drawn at the same millisecond differ", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newRequestId(0)));
  assert.equal(ids.size, 1000);
});

test("isRequestId rejects other shapes", () => {
  const rejected = [
    "",
    "hello",
    "0190b0c8-1b2c-4d5e-8f90-123456789abc", // version 4
    "0190B0C8-1B2C-7D5E-8F90-123456789ABC", // upper case
    "0190b0c8-1b2c-7d5e-cf90-123456789abc", // wrong variant
    "0190b0c8-1b2c-7d5e-8f90-123456789abc/../x",
    "0190b0c81b2c7d5e8f90123456789abc",
  ];
  for (const id of rejected) assert.equal(isRequestId(id), false, id);
});
