import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { ApiRegistration } from "../../../runtime/shared/storage-layout.js";
import { createApi, dequeuerTestEnv, listRequestKeys, submitRequest, waitForResult } from "./support/harness.js";
import { startDequeuerProcess, type RunningProcess } from "./support/processes.js";
import { useSuite, waitForRequestLogged } from "./support/suite.js";

// The dequeuer as the real child process `runtime/dequeuer/main.ts`: its
// environment, SIGTERM and SIGKILL.

const suite = useSuite();
const { userServer, requestLogPath } = suite;

function dequeuerProcess(api: ApiRegistration, env: Record<string, string>): RunningProcess {
  const dequeuer = startDequeuerProcess({ ...suite.harness.endpoint.awsEnv(), ...dequeuerTestEnv(api), CORTEX_LOG_LEVEL: "debug", ...env });
  suite.onCleanup(() => dequeuer.stop());
  return dequeuer;
}

describe("signals", { concurrency: true }, () => {
  test("SIGTERM lets the request in flight complete, then exits 0", async () => {
    const log = requestLogPath();
    const server = await userServer("slow", { SLEEP_MS: "2000", REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const dequeuer = dequeuerProcess(api, { CORTEX_USER_PORT: String(server.port) });
    await dequeuer.waitForLine((line) => line.msg === "probe passed");

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    await waitForRequestLogged(log, id);
    dequeuer.child.kill("SIGTERM");

    assert.equal(await dequeuer.exited, 0);
    const record = await waitForResult(suite.harness, api, id, 1000);
    assert.equal(record.status, "completed");
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["result.json", "status/in_progress"]);
    assert.ok(dequeuer.lines.some((line) => line.includes('"msg":"drained: no request in flight"')));
  });

  test("SIGTERM releases at once a message received after draining began", async () => {
    const log = requestLogPath();
    const server = await userServer("slow", { SLEEP_MS: "2000", REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    // Two slots and a 20 s poll: while one request runs, a long poll for the second slot is waiting.
    const dequeuer = dequeuerProcess(api, { CORTEX_USER_PORT: String(server.port), CORTEX_MAX_CONCURRENCY: "2", CORTEX_POLL_WAIT_SECONDS: "20" });
    await dequeuer.waitForLine((line) => line.msg === "probe passed");

    const running = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    await waitForRequestLogged(log, running);
    dequeuer.child.kill("SIGTERM");
    await dequeuer.waitForLine((line) => String(line.msg).startsWith("draining"));

    const late = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    const released = await dequeuer.waitForLine((line) => line.msg === "released a message to the queue");
    assert.equal(released.reason, "received after draining began");
    assert.equal(await dequeuer.exited, 0);

    // Released with visibility 0, the message can be received again at once.
    const again = await suite.harness.sqs.send(new ReceiveMessageCommand({ QueueUrl: api.queueUrl, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.equal(JSON.parse(again.Messages?.[0]?.Body ?? "{}").id, late);
    assert.equal((await waitForResult(suite.harness, api, running, 1000)).status, "completed");
    assert.deepEqual(await listRequestKeys(suite.harness, api, late), ["payload"]);
  });

  test("SIGKILL mid-request loses nothing: a new dequeuer completes it after the visibility timeout", async () => {
    const log = requestLogPath();
    const server = await userServer("slow", { SLEEP_MS: "1500", REQUEST_LOG: log });
    const api = await createApi(suite.harness);
    const first = dequeuerProcess(api, { CORTEX_USER_PORT: String(server.port) });
    await first.waitForLine((line) => line.msg === "probe passed");

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    await waitForRequestLogged(log, id);
    first.child.kill("SIGKILL");
    assert.equal(await first.exited, "SIGKILL");
    assert.deepEqual(await listRequestKeys(suite.harness, api, id), ["payload", "status/in_progress"]);

    const second = dequeuerProcess(api, { CORTEX_USER_PORT: String(server.port) });
    const record = await waitForResult(suite.harness, api, id);
    assert.equal(record.status, "completed");
    await waitForRequestLogged(log, id, 2);
    const completed = await second.waitForLine((line) => line.msg === "request completed");
    assert.equal(completed.requestId, id);
    assert.equal(completed.receiveCount, 2);
  });
});

describe("environment", { concurrency: true }, () => {
  const base = {
    CORTEX_API_NAME: "hello-world",
    CORTEX_QUEUE_URL: "http://127.0.0.1:9/000000000000/hello-world.fifo",
    CORTEX_BUCKET: "bucket",
  };

  const cases: Array<[string, Record<string, string | undefined>, string]> = [
    ["missing API name", { CORTEX_API_NAME: undefined }, "CORTEX_API_NAME is required"],
    ["missing queue URL", { CORTEX_QUEUE_URL: undefined }, "CORTEX_QUEUE_URL is required"],
    ["missing bucket", { CORTEX_BUCKET: undefined }, "CORTEX_BUCKET is required"],
    ["concurrency above 100", { CORTEX_MAX_CONCURRENCY: "101" }, 'CORTEX_MAX_CONCURRENCY must be an integer from 1 to 100, got "101"'],
    ["poll wait above 20", { CORTEX_POLL_WAIT_SECONDS: "21" }, "CORTEX_POLL_WAIT_SECONDS must be an integer from 0 to 20"],
    ["probe list that is not JSON", { CORTEX_PROBES: "[{" }, "CORTEX_PROBES is not valid JSON"],
    ["exec probe", { CORTEX_PROBES: '[{"exec":{"command":["true"]}}]' }, "CORTEX_PROBES[0] must use httpGet or tcpSocket"],
  ];

  for (const [name, overrides, message] of cases) {
    test(`${name} exits 1 naming the variable`, async () => {
      const env = Object.fromEntries(Object.entries({ ...base, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined));
      const dequeuer = startDequeuerProcess(env);
      suite.onCleanup(() => dequeuer.stop());

      assert.equal(await dequeuer.exited, 1);
      const fatal = dequeuer.lines.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.level === 60);
      assert.ok(fatal, `no fatal log line in:\n${dequeuer.lines.join("\n")}`);
      assert.ok(fatal.msg.includes(message), fatal.msg);
    });
  }
});
