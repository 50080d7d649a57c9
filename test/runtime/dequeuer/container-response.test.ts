import assert from "node:assert/strict";
import { test } from "node:test";
import { JsonResponseBody, contentTypeReason, isJsonMediaType, statusReason, type JsonText } from "../../../runtime/dequeuer/container-response.js";

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

type Collected = { ok: true; json: JsonText } | { ok: false; reason: string };

/** Feeds `body` to a JsonResponseBody in chunks of `chunkSize` bytes and ends it. */
function collect(body: Buffer, contentType = "application/json", chunkSize = 3): Collected {
  const opened = JsonResponseBody.open(contentType);
  if (!opened.ok) return opened;

  for (let offset = 0; offset < body.length; offset += chunkSize) {
    const reason = opened.body.write(body.subarray(offset, offset + chunkSize));
    if (reason !== undefined) return { ok: false, reason };
  }
  return opened.body.end();
}

function textOf(collected: Collected): string {
  assert.equal(collected.ok, true, JSON.stringify(collected));
  const { json } = collected as { json: JsonText };
  const bytes = Buffer.concat(json.chunks);
  assert.equal(bytes.length, json.byteLength);
  return bytes.toString("utf8");
}

function reasonOf(collected: Collected): string {
  assert.equal(collected.ok, false, "the body was accepted");
  return (collected as { reason: string }).reason;
}

test("JSON body is kept as sent, without the whitespace around it", () => {
  assert.equal(textOf(collect(Buffer.from(' \r\n{"b": 1,\t"a": 12345678901234567890}\n'))), '{"b": 1,\t"a": 12345678901234567890}');
});

test("chunks are kept without copying", () => {
  const first = Buffer.from('{"a": ');
  const second = Buffer.from("[1, 2]}");
  const opened = JsonResponseBody.open("application/json");
  assert.ok(opened.ok);

  opened.body.write(first);
  opened.body.write(second);
  const collected = opened.body.end();

  assert.ok(collected.ok);
  assert.equal(collected.json.chunks[0], first);
  assert.equal(collected.json.chunks[1], second);
});

test("byte order mark is dropped", () => {
  assert.equal(textOf(collect(Buffer.from("\ufeff[1]", "utf8"), "application/json", 1)), "[1]");
});

test("UTF-16 body is converted to UTF-8", () => {
  assert.equal(textOf(collect(Buffer.from('{"city": "Zürich 😀"}', "utf16le"), "application/json; charset=utf-16le")), '{"city": "Zürich 😀"}');
});

test("latin1 body is converted to UTF-8", () => {
  assert.equal(textOf(collect(Buffer.from('"Zürich"', "latin1"), "application/json; charset=iso-8859-1")), '"Zürich"');
});

test("charset labels of UTF-8 keep the bytes as sent", () => {
  for (const type of ["application/json; charset=utf8", 'application/json; charset="UTF-8"', "application/json;charset=unicode-1-1-utf-8"]) {
    assert.equal(textOf(collect(Buffer.from('"é"'), type)), '"é"', type);
  }
});

test("unsupported charset is rejected before the body", () => {
  assert.deepEqual(JsonResponseBody.open("application/json; charset=klingon"), { ok: false, reason: "charset klingon is not supported, send UTF-8 JSON" });
});

test("invalid bodies fail naming the problem and its offset", () => {
  const cases: Array<[string | Buffer, string]> = [
    ["", "response is not JSON: expected a value, found the end of the body at byte 0"],
    ["  \n", "response is not JSON: expected a value, found the end of the body at byte 3"],
    ['{"a": 1', 'response is not JSON: expected "," or "}", found the end of the body at byte 7'],
    ["[1, 2] x", 'response is not JSON: expected the end of the body after the JSON value, found character "x" at byte 7'],
    ["{} {}", 'response is not JSON: expected the end of the body after the JSON value, found character "{" at byte 3'],
    ["{'a': 1}", "response is not JSON: expected a string key or \"}\", found character \"'\" at byte 1"],
    ['"\\x"', 'response is not JSON: expected an escape character after "\\" in a string, found character "x" at byte 2'],
    ['"\\u12G4"', 'response is not JSON: expected a hex digit in a \\u escape, found character "G" at byte 5'],
    ["NaN", 'response is not JSON: expected a value, found character "N" at byte 0'],
    ["[1,]", 'response is not JSON: expected a value, found character "]" at byte 3'],
    ["01", 'response is not JSON: expected the end of the body after the JSON value, found character "1" at byte 1'],
    ["<html>oops</html>", 'response is not JSON: expected a value, found character "<" at byte 0'],
    [Buffer.from([0x22, 0xff, 0xfe, 0x22]), "response is not JSON: the body is not valid utf-8 at byte 1"],
    [Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), "response is not JSON: the body is not valid utf-8 at byte 2"],
  ];
  for (const [body, reason] of cases) {
    assert.equal(reasonOf(collect(Buffer.from(body))), reason, JSON.stringify(body.toString()));
  }
});

test("invalid bytes fail in the charset the content type names", () => {
  assert.equal(reasonOf(collect(Buffer.from([0x22, 0xc3, 0x22]), "application/json; charset=UTF-8")), "response is not JSON: the body is not valid UTF-8 at byte 2");
  assert.equal(reasonOf(collect(Buffer.from([0x22, 0x00, 0x00, 0xd8]), "application/json; charset=utf-16le")), "response is not JSON: the body is not valid utf-16le");
  assert.equal(
    reasonOf(collect(Buffer.from("[1,]", "utf16le"), "application/json; charset=utf-16le")),
    'response is not JSON: expected a value, found character "]" at byte 3 of the body converted to UTF-8',
  );
});

test("a failed body stops at its first bad byte", () => {
  const opened = JsonResponseBody.open("application/json");
  assert.ok(opened.ok);

  const reason = opened.body.write(Buffer.from("[1 2"));
  assert.equal(reason, 'response is not JSON: expected "," or "]", found character "2" at byte 3');
  assert.equal(opened.body.write(Buffer.from("]")), reason);
  assert.deepEqual(opened.body.end(), { ok: false, reason });
});
