import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { describe, test } from "node:test";
import { CortexClient } from "../../runtime/client/index.js";
import { assertNeverBackwards, waitForFinish } from "./support/requests.js";
import { SHORT_WINDOWS, useStack } from "./support/suite.js";

// A dequeuer that is killed or asked to stop while a request runs: a client
// polling the gateway still gets the request's result.

let client: CortexClient;
const suite = useStack({
  setup: async (started) => {
    client = new CortexClient({ endpoint: started.stack.gatewayUrl });
  },
});

/** Returns the request ids the fixture has appended to its REQUEST_LOG. */
async function requestsLogged(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean);
}

async function waitUntilLogged(path: string, id: string): Promise<void> {
  while (!(await requestsLogged(path)).includes(id)) await delay(50);
}

describe("dequeuer signals", { concurrency: true }, () => {
  test("SIGKILL mid-request loses nothing", async () => {
    const log = suite.requestLogPath();
    const { api, server, dequeuer } = await suite.startApi({
      fixture: "slow",
      serverEnv: { SLEEP_MS: "1500", REQUEST_LOG: log },
      dequeuerEnv: { CORTEX_VISIBILITY_SECONDS: "2" },
    });

    const { id } = await client.submit(api.name, { text: "survive" });
    await waitUntilLogged(log, id);
    assert.equal((await dequeuer.stop("SIGKILL")).signal, "SIGKILL");
    assert.equal((await client.get(api.name, id)).status, "in_progress");

    await suite.stack.startDequeuer(api, { ...SHORT_WINDOWS, CORTEX_VISIBILITY_SECONDS: "2", CORTEX_USER_PORT: String(server.port) });
    const { final, seen } = await waitForFinish(client, api.name, id);

    assert.equal(final.status, "completed", JSON.stringify(final));
    assertNeverBackwards(["in_progress", ...seen]);
    // SQS delivered the message again once its visibility timeout ran out.
    assert.deepEqual(await requestsLogged(log), [id, id]);
  });

  test("SIGTERM drains the request in flight", async () => {
    const log = suite.requestLogPath();
    const { api, dequeuer } = await suite.startApi({ fixture: "slow", serverEnv: { SLEEP_MS: "2000", REQUEST_LOG: log } });

    const { id } = await client.submit(api.name, { text: "drain" });
    await waitUntilLogged(log, id);
    const exit = await dequeuer.stop("SIGTERM", 30_000);

    assert.deepEqual(exit, { code: 0, signal: null });
    const status = await client.get(api.name, id);
    assert.equal(status.status, "completed", JSON.stringify(status));
    assert.deepEqual(await requestsLogged(log), [id]);
  });
});
