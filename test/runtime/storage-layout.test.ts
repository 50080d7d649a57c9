import assert from "node:assert/strict";
import { test } from "node:test";
import {
  StorageLayout,
  completedRecordEnvelope,
  decodeApiRegistration,
  decodeResultRecord,
  encodeFailedRecord,
  encodeResultRecord,
  isApiName,
  resultRecordStart,
} from "../../runtime/shared/storage-layout.js";

const layout = new StorageLayout("prod");
const id = "0190b0c8-1b2c-7d5e-8f90-123456789abc";

test("keys of one request share its prefix", () => {
  assert.equal(layout.requestPrefix("hello", id), `prod/apis/hello/${id}/`);
  assert.equal(layout.payloadKey("hello", id), `prod/apis/hello/${id}/payload`);
  assert.equal(layout.inProgressKey("hello", id), `prod/apis/hello/${id}/status/in_progress`);
  assert.equal(layout.resultKey("hello", id), `prod/apis/hello/${id}/result.json`);
  assert.equal(layout.registryKey("hello"), "prod/registry/hello.json");
  assert.ok(layout.requestPrefix("hello", id).startsWith(layout.apiPrefix("hello")));
  assert.ok(layout.apiPrefix("hello").startsWith(layout.apisPrefix()));
});

test("storage prefix rejects slashes and empty values", () => {
  for (const prefix of ["", "a/b", "/a", "../a"]) {
    assert.throws(() => new StorageLayout(prefix), /invalid storage prefix/, prefix);
  }
});

test("state from keys follows the status rules", () => {
  const payload = layout.payloadKey("hello", id);
  const marker = layout.inProgressKey("hello", id);
  const result = layout.resultKey("hello", id);
  const cases: Array<[string[], string]> = [
    [[payload], "in_queue"],
    [[payload, marker], "in_progress"],
    [[payload, marker, result], "terminal"],
    [[marker, result], "terminal"],
    [[result], "terminal"],
    [[], "absent"],
    [[marker], "partial"],
  ];
  for (const [keys, expected] of cases) {
    assert.equal(layout.stateFromKeys("hello", id, keys).kind, expected, keys.join(","));
  }
});

test("result records round-trip any JSON result", () => {
  for (const result of [{ a: 1 }, [1, 2], "text", 3.5, null, false]) {
    const record = { id, status: "completed" as const, result, timestamp: "2026-01-01T00:00:00.000Z" };
    assert.deepEqual(decodeResultRecord(encodeResultRecord(record), "k"), record);
  }
});

test("completed record wraps the result text unchanged", () => {
  const { head, tail } = completedRecordEnvelope(id, "2026-01-01T00:00:00.000Z");
  const result = '{"z": 12345678901234567890,\n "a": [1 , 2]}';

  assert.equal(`${head}${result}${tail}`, `{"id":"${id}","status":"completed","result":${result},"timestamp":"2026-01-01T00:00:00.000Z"}`);
});

test("failed record lists its fields in order", () => {
  assert.equal(
    encodeFailedRecord(id, 'status 500: "boom"', "2026-01-01T00:00:00.000Z"),
    `{"id":"${id}","status":"failed","reason":"status 500: \\"boom\\"","timestamp":"2026-01-01T00:00:00.000Z"}`,
  );
});

test("every record starts with its id and status key", () => {
  const completed = encodeResultRecord({ id, status: "completed", result: 1, timestamp: "t" });
  const failed = encodeFailedRecord(id, "r", "t");

  assert.ok(completed.startsWith(resultRecordStart(id)), completed);
  assert.ok(failed.startsWith(resultRecordStart(id)), failed);
  assert.equal(resultRecordStart(id), `{"id":"${id}","status":"`);
});

test("decodeResultRecord names the key of a bad record", () => {
  assert.throws(() => decodeResultRecord("{", "x/result.json"), /x\/result\.json is not valid JSON/);
  assert.throws(() => decodeResultRecord('{"status":"completed","timestamp":"t","result":1}', "x/result.json"), /has no id/);
  assert.throws(() => decodeResultRecord(`{"id":"${id}","status":"completed"}`, "x/result.json"), /has no timestamp/);
  assert.throws(() => decodeResultRecord(`{"id":"${id}","status":"done","timestamp":"t"}`, "x/result.json"), /unknown status "done"/);
});

test("api names are DNS-1123 labels", () => {
  for (const name of ["hello-world", "a", "api2"]) assert.equal(isApiName(name), true, name);
  for (const name of ["", "Hello", "-a", "a-", "a_b", "a.b", "a".repeat(64), "..", "healthz"]) assert.equal(isApiName(name), false, name);
});

test("registry entries are checked", () => {
  assert.deepEqual(decodeApiRegistration('{"name":"a","queueUrl":"u"}', "k"), { name: "a", queueUrl: "u" });
  assert.throws(() => decodeApiRegistration('{"name":"A","queueUrl":"u"}', "k"), /invalid name/);
  assert.throws(() => decodeApiRegistration('{"name":"a"}', "k"), /no queueUrl/);
});
