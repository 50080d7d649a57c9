import assert from "node:assert/strict";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { before, describe, test } from "node:test";
import type { ApiRegistration, ResultRecord } from "../../../runtime/shared/storage-layout.js";
import { BUCKET, createApi, listRequestKeys, submitRequest, waitForResult } from "./support/harness.js";
import type { UserServer } from "./support/processes.js";
import { useSuite } from "./support/suite.js";

// How the user server's response becomes a completed or failed result. The
// reply fixture responds as each payload specifies.

interface ReplyScript {
  status?: number;
  contentType?: string | null;
  body?: string;
  bodyBase64?: string;
  chunked?: boolean;
}

const suite = useSuite();
let server: UserServer;
let api: ApiRegistration;

before(async () => {
  server = await suite.userServer("reply");
  api = await createApi(suite.harness);
  await suite.dequeuer(api, { CORTEX_USER_PORT: String(server.port), CORTEX_MAX_CONCURRENCY: "4" });
});

async function resultOf(script: ReplyScript): Promise<{ id: string; record: ResultRecord }> {
  const id = await submitRequest(suite.harness, api, { body: JSON.stringify(script), contentType: "application/json" });
  return { id, record: await waitForResult(suite.harness, api, id) };
}

async function storedBytes(id: string): Promise<Buffer> {
  const stored = await suite.harness.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: suite.harness.layout.resultKey(api.name, id) }));
  return Buffer.from(await stored.Body!.transformToByteArray());
}

async function storedText(id: string): Promise<string> {
  return (await storedBytes(id)).toString("utf8");
}

async function expectCompleted(script: ReplyScript, expected: unknown): Promise<void> {
  const { record } = await resultOf(script);
  assert.equal(record.status, "completed", JSON.stringify(record));
  assert.deepEqual((record as { result: unknown }).result, expected);
}

async function expectFailed(script: ReplyScript, reason: string | RegExp): Promise<void> {
  const { id, record } = await resultOf(script);
  assert.equal(record.status, "failed", JSON.stringify(record));
  const actual = (record as { reason: string }).reason;
  if (typeof reason === "string") assert.equal(actual, reason);
  else assert.match(actual, reason);
  assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json", "status/in_progress"]);
}

describe("completed results", { concurrency: true }, () => {
  test("object result is stored", () => expectCompleted({ body: '{"label": "cat", "score": 0.93}' }, { label: "cat", score: 0.93 }));

  test("array result is stored", () => expectCompleted({ body: '[1, "two", {"three": 3}]' }, [1, "two", { three: 3 }]));

  test("string result is stored", () => expectCompleted({ body: '"just a string"' }, "just a string"));

  test("number, boolean and null results are stored", async () => {
    await expectCompleted({ body: "42" }, 42);
    await expectCompleted({ body: "false" }, false);
    await expectCompleted({ body: "null" }, null);
  });

  test("charset parameter is accepted", () => expectCompleted({ contentType: "application/json; charset=utf-8", body: '{"ok":"ü"}' }, { ok: "ü" }));

  test("structured +json media types are accepted", async () => {
    await expectCompleted({ contentType: "application/problem+json", body: '{"title":"done"}' }, { title: "done" });
    await expectCompleted({ contentType: "application/vnd.api+json; charset=UTF-8", body: '{"data":[]}' }, { data: [] });
    await expectCompleted({ contentType: "Application/JSON", body: "{}" }, {});
  });

  test("body in a declared latin1 charset is decoded", () =>
    expectCompleted({ contentType: "application/json; charset=iso-8859-1", bodyBase64: Buffer.from('{"city":"Zürich"}', "latin1").toString("base64") }, { city: "Zürich" }));

  test("chunked response without a length is accepted", () => expectCompleted({ chunked: true, body: '{"streamed": true}' }, { streamed: true }));

  test("stored record keeps the response text byte for byte", async () => {
    const text = '{"z": 12345678901234567890,\n  "a": [1 , 2.50, -0E+0],\t"s": "\\u00e9 é \\ud800"}';
    const { id, record } = await resultOf({ body: ` \r\n${text}\n\n` });

    assert.equal(await storedText(id), `{"id":"${id}","status":"completed","result":${text},"timestamp":"${record.timestamp}"}`);
  });

  test("byte order mark is left out of the stored result", async () => {
    const { id, record } = await resultOf({ bodyBase64: Buffer.from('\ufeff{"a": 1}').toString("base64") });

    assert.equal(await storedText(id), `{"id":"${id}","status":"completed","result":{"a": 1},"timestamp":"${record.timestamp}"}`);
  });

  test("30 MiB result is stored exactly", async () => {
    const numbers = "12345678901234567890123, -1.5e-300, ";
    const body = `[${numbers.repeat(Math.ceil((30 * 1024 * 1024) / numbers.length))}{"end": true}]`;
    const { id, record } = await resultOf({ body });

    const expected = Buffer.from(`{"id":"${id}","status":"completed","result":${body},"timestamp":"${record.timestamp}"}`);
    const stored = await storedBytes(id);
    assert.equal(stored.length, expected.length);
    assert.ok(stored.equals(expected), "the stored record differs from the response");
  });
});

describe("failed results", { concurrency: true }, () => {
  test("non-JSON body fails", () => expectFailed({ body: "<html>oops</html>" }, 'response is not JSON: expected a value, found character "<" at byte 0'));

  test("empty body fails", () => expectFailed({ body: "" }, "response is not JSON: expected a value, found the end of the body at byte 0"));

  test("invalid JSON fails naming the first bad byte", async () => {
    const cases: Array<[string, string]> = [
      ['{"a": [1, 2]', 'expected "," or "}", found the end of the body at byte 12'],
      ['{"a": 1} trailing', 'expected the end of the body after the JSON value, found character "t" at byte 9'],
      ['{"a": 1}{"b": 2}', 'expected the end of the body after the JSON value, found character "{" at byte 8'],
      ['"bad \\q escape"', 'expected an escape character after "\\" in a string, found character "q" at byte 6'],
      ['"\\u00zz"', 'expected a hex digit in a \\u escape, found character "z" at byte 5'],
      ["[01]", 'expected "," or "]", found character "1" at byte 2'],
      ["{\"a\": NaN}", 'expected a value, found character "N" at byte 6'],
      ["\ufeff\ufeff[]", "expected a value, found byte 0xef at byte 3"],
    ];
    for (const [body, reason] of cases) {
      await expectFailed({ body }, `response is not JSON: ${reason}`);
    }
  });

  test("invalid UTF-8 fails naming the byte", async () => {
    const cases: Array<[number[], number]> = [
      [[0x22, 0xed, 0xa0, 0x80, 0x22], 2], // a raw surrogate
      [[0x22, 0xc0, 0xaf, 0x22], 1], // an overlong form
      [[0x22, 0xe2, 0x82, 0x22], 3], // a cut sequence
      [[0x22, 0xff, 0x22], 1],
    ];
    for (const [bytes, offset] of cases) {
      await expectFailed({ bodyBase64: Buffer.from(bytes).toString("base64") }, `response is not JSON: the body is not valid utf-8 at byte ${offset}`);
    }
  });

  test("non-JSON content type fails", () => expectFailed({ contentType: "text/plain", body: "{}" }, "content type text/plain is not JSON"));

  test("missing content type fails", () => expectFailed({ contentType: null, body: "{}" }, "response has no content type, expected application/json"));

  test("non-2xx status fails with the start of the body", () =>
    expectFailed({ status: 500, contentType: "text/plain", body: "model crashed:\n  out of memory" }, "status 500: model crashed: out of memory"));

  test("non-2xx status with an empty body fails with the status alone", () => expectFailed({ status: 404, body: "" }, "status 404"));

  test("long error body is cut in the reason", async () => {
    const { record } = await resultOf({ status: 503, body: "x".repeat(5000) });
    assert.equal(record.status, "failed");
    assert.equal((record as { reason: string }).reason, `status 503: ${"x".repeat(200)}...`);
  });

  test("redirect status fails", () => expectFailed({ status: 302, body: "" }, "status 302"));

  test("unsupported charset fails", () => expectFailed({ contentType: "application/json; charset=klingon", body: "{}" }, /^charset klingon is not supported/));

  test("body that is not valid in its charset fails", () =>
    expectFailed(
      { contentType: "application/json; charset=utf-8", bodyBase64: Buffer.from([0x22, 0xff, 0xfe, 0x22]).toString("base64") },
      "response is not JSON: the body is not valid utf-8 at byte 1",
    ));
});

describe("response size limit", () => {
  let limitedApi: ApiRegistration;

  before(async () => {
    limitedApi = await createApi(suite.harness);
    await suite.dequeuer(limitedApi, { CORTEX_USER_PORT: String(server.port) }, { maxResponseBytes: 1024 });
  });

  test("response above the limit fails, with or without a length", async () => {
    const body = JSON.stringify({ padding: "p".repeat(2048) });
    for (const chunked of [false, true]) {
      const id = await submitRequest(suite.harness, limitedApi, { body: JSON.stringify({ body, chunked }), contentType: "application/json" });
      const record = await waitForResult(suite.harness, limitedApi, id);
      assert.equal(record.status, "failed");
      assert.equal((record as { reason: string }).reason, "response is larger than 1024 bytes");
    }
  });

  test("response at the limit completes", async () => {
    const body = JSON.stringify({ padding: "p".repeat(1024 - 14) });
    assert.equal(body.length, 1024);
    const id = await submitRequest(suite.harness, limitedApi, { body: JSON.stringify({ body }), contentType: "application/json" });
    const record = await waitForResult(suite.harness, limitedApi, id);
    assert.equal(record.status, "completed", JSON.stringify(record).slice(0, 200));
  });
});
