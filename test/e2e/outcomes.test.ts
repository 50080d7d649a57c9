import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { CortexClient } from "../../runtime/client/index.js";
import { findFreePort } from "../../runtime/cli/dev/ports.js";
import type { UserServer } from "./support/stack.js";
import { waitForFinish } from "./support/requests.js";
import { FIXTURES, SHORT_WINDOWS, useStack, type RunningApi } from "./support/suite.js";

// The user container's response decides how a request ends, and a client reads
// the result, or the reason it failed, from the gateway's GET.

let reply: RunningApi;
let client: CortexClient;
const suite = useStack({
  setup: async (started) => {
    reply = await started.startApi({ fixture: "reply" });
    client = new CortexClient({ endpoint: started.stack.gatewayUrl });
  },
});

/** Submits a script for test/fixtures/user-servers/reply.js and waits for the request to end. */
async function replyWith(script: Record<string, unknown>) {
  const { id } = await client.submit(reply.api.name, script);
  return (await waitForFinish(client, reply.api.name, id)).final;
}

describe("results", { concurrency: true }, () => {
  const values: Array<[string, string]> = [
    ["object", '{"label": "cat", "scores": [0.9, 0.1]}'],
    ["array", '[1, "two", {"three": 3}]'],
    ["string", '"a plain string"'],
    ["number", "42.5"],
    ["boolean", "false"],
    ["null", "null"],
  ];

  for (const [type, body] of values) {
    test(`${type} result comes back from the GET`, async () => {
      const final = await replyWith({ body });

      assert.equal(final.status, "completed", JSON.stringify(final));
      assert.deepEqual(final.result, JSON.parse(body));
      assert.equal(typeof final.timestamp, "string");
      assert.ok(!Number.isNaN(Date.parse(final.timestamp ?? "")), `timestamp ${final.timestamp}`);
    });
  }

  test("integer above 2^53 comes back exact", async () => {
    const { id } = await client.submit(reply.api.name, { body: '{"count": 12345678901234567891}' });
    await waitForFinish(client, reply.api.name, id);

    const text = await (await fetch(`${suite.stack.gatewayUrl}/${reply.api.name}/${id}`)).text();
    assert.match(text, /"result":\{"count": 12345678901234567891\},/);
  });

  test("result text comes back byte for byte", async () => {
    const body = '{"z": [1 , 2.50, -0E+0],\n  "a": "\\u00e9 é"}';
    const { id } = await client.submit(reply.api.name, { body });
    const { final } = await waitForFinish(client, reply.api.name, id);

    const response = await fetch(`${suite.stack.gatewayUrl}/${reply.api.name}/${id}`);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), `{"id":"${id}","status":"completed","result":${body},"timestamp":"${final.timestamp}"}`);
  });

  test("30 MiB result comes back exactly", async () => {
    const numbers = "9007199254740993, 1.5e-300, ";
    const body = `[${numbers.repeat(Math.ceil((30 * 1024 * 1024) / numbers.length))}0]`;
    const { id } = await client.submit(reply.api.name, { body });
    const { final } = await waitForFinish(client, reply.api.name, id);

    const response = await fetch(`${suite.stack.gatewayUrl}/${reply.api.name}/${id}`);
    const received = Buffer.from(await response.arrayBuffer());
    const expected = Buffer.from(`{"id":"${id}","status":"completed","result":${body},"timestamp":"${final.timestamp}"}`);
    assert.equal(received.length, expected.length);
    assert.ok(received.equals(expected), "the GET body differs from the response");
  });
});

describe("failures", { concurrency: true }, () => {
  test("non-JSON response fails naming its type", async () => {
    const final = await replyWith({ contentType: "text/plain", body: "hello" });

    assert.equal(final.status, "failed");
    assert.equal(final.reason, "content type text/plain is not JSON");
    assert.equal(final.result, undefined);
  });

  test("non-2xx status fails quoting the body", async () => {
    const final = await replyWith({ status: 500, contentType: "application/json", body: '{"error": "model not loaded"}' });

    assert.equal(final.status, "failed");
    assert.equal(final.reason, 'status 500: {"error": "model not loaded"}');
  });

  test("hanging container fails with a timeout", async () => {
    const { api } = await suite.startApi({
      fixture: "slow",
      serverEnv: { SLEEP_MS: "600000" },
      dequeuerEnv: { CORTEX_MAX_PROCESSING_SECONDS: "2" },
    });

    const { id } = await client.submit(api.name, {});
    const { final } = await waitForFinish(client, api.name, id);

    assert.equal(final.status, "failed");
    assert.equal(final.reason, "timed out after 2 s");
  });

  test("crashing container fails after its tries", async () => {
    const log = suite.requestLogPath();
    const port = await findFreePort();
    const env = { CORTEX_PORT: String(port), REQUEST_LOG: log };
    const start = () => suite.stack.startUserServer(`${FIXTURES}/crash.js`, env);

    // Restarted whenever it exits, as the kubelet restarts a container.
    let server: UserServer = await start();
    let stopped = false;
    const restarting = (async () => {
      for (;;) {
        await server.exited;
        if (stopped) return;
        server = await start();
        if (stopped) await server.stop("SIGKILL");
      }
    })();
    const api = await suite.stack.createApi({ maxReceiveCount: 2 });
    await suite.stack.startDequeuer(api, { ...SHORT_WINDOWS, CORTEX_USER_PORT: String(port) });

    const { id } = await client.submit(api.name, {});
    const { final } = await waitForFinish(client, api.name, id);
    stopped = true;
    await server.stop("SIGKILL");
    await restarting;

    assert.equal(final.status, "failed");
    assert.match(final.reason ?? "", /^container unreachable after 2 tries: /);
    assert.deepEqual((await readFile(log, "utf8")).split("\n").filter(Boolean), [id, id]);
  });
});
