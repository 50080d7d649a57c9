import assert from "node:assert/strict";
import { test } from "node:test";
import { contentTypeReason, decodeJsonBody, isJsonMediaType, statusReason } from "../../../runtime/dequeuer/container-response.js";

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  'application/json;charset="UTF-8"',
  "APPLICATION/JSON",
  "application/problem+json",
  "application/vnd.api+json; charset=utf-8",
  "application/ld+json",
];
const OTHER_TYPES = ["text/plain", "text/json", "application/jsonl", "application/json-patch", "application/+json", "application/x-ndjson", "", undefined];

for (const type of JSON_TYPES) {
  test(`media type ${type} is JSON`, () => {
    assert.equal(isJsonMediaType(type), true);
    assert.equal(contentTypeReason(type), undefined);
  });
}

for (const type of OTHER_TYPES) {
  test(`media type ${JSON.stringify(type)} is not JSON`, () => {
    assert.equal(isJsonMediaType(type), false);
  });
}

test("reason names the rejected media type without its parameters", () => {
  assert.equal(contentTypeReason("text/html; charset=utf-8"), "content type text/html is not JSON");
  assert.equal(contentTypeReason(undefined), "response has no content type, expected application/json");
});

test("status reason quotes the body on one line", () => {
  assert.equal(statusReason(500, Buffer.from("Traceback:\n  line 1\n\n  boom\n")), "status 500: Traceback: line 1 boom");
  assert.equal(statusReason(502, Buffer.from("  \n")), "status 502");
  assert.equal(statusReason(400, Buffer.from("e".repeat(201))), `status 400: ${"e".repeat(200)}...`);
});

test("JSON body is returned as sent, trimmed", () => {
  assert.deepEqual(decodeJsonBody(Buffer.from(' {"b": 1, "a": 12345678901234567890}\n'), "application/json"), {
    ok: true,
    json: '{"b": 1, "a": 12345678901234567890}',
  });
});

test("byte order mark is dropped", () => {
  assert.deepEqual(decodeJsonBody(Buffer.from("\ufeff[1]", "utf8"), "application/json"), { ok: true, json: "[1]" });
});

test("UTF-16 body is decoded by its charset", () => {
  assert.deepEqual(decodeJsonBody(Buffer.from('"hi"', "utf16le"), "application/json; charset=utf-16le"), { ok: true, json: '"hi"' });
});

test("bodies that do not parse are rejected", () => {
  for (const body of ["", "{", "{'a': 1}", "NaN", "[1,]"]) {
    assert.deepEqual(decodeJsonBody(Buffer.from(body), "application/json"), { ok: false, reason: "response is not JSON" }, body);
  }
});
