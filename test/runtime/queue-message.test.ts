import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeQueueMessage, encodeQueueMessage, type QueueMessage } from "../../runtime/shared/queue-message.js";

const message: QueueMessage = {
  id: "0190b0c8-1b2c-7d5e-8f90-123456789abc",
  api: "hello-world",
  contentType: "application/json",
  headers: { "content-type": "application/json", "x-trace": "abc" },
  receivedAt: "2024-07-10T12:00:00.000Z",
};

test("queue message survives an encode and decode", () => {
  assert.deepEqual(decodeQueueMessage(encodeQueueMessage(message), "m-1"), message);
});

test("queue message keeps a missing content type as null", () => {
  const withoutType = { ...message, contentType: null };
  assert.deepEqual(decodeQueueMessage(encodeQueueMessage(withoutType), "m-1"), withoutType);
});

test("queue message decoding names the invalid field", () => {
  const cases: Array<[unknown, RegExp]> = [
    ["not json", /queue message m-1 is not valid JSON/],
    [[], /queue message m-1 has an invalid id/],
    [null, /queue message m-1 is not a JSON object/],
    [{ ...message, id: "../other" }, /has an invalid id/],
    [{ ...message, api: "Bad_Name" }, /has an invalid api/],
    [{ ...message, contentType: 7 }, /has an invalid contentType/],
    [{ ...message, headers: { "x-list": ["a"] } }, /has invalid headers/],
    [{ ...message, headers: undefined }, /has invalid headers/],
    [{ ...message, receivedAt: "yesterday" }, /has an invalid receivedAt/],
  ];

  for (const [body, expected] of cases) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    assert.throws(() => decodeQueueMessage(text, "m-1"), expected, text);
  }
});
