import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CortexClient } from "../../runtime/client/index.js";
import { waitForFinish } from "./support/requests.js";
import { useStack } from "./support/suite.js";

// When the dequeuer hands requests to the user's server: only once its readiness
// probe passes, and never more at once than its max concurrency.

let client: CortexClient;
const suite = useStack({
  setup: async (started) => {
    client = new CortexClient({ endpoint: started.stack.gatewayUrl });
  },
});

describe("scheduling", { concurrency: true }, () => {
  test("unready server receives nothing early", async () => {
    // The fixture listens at once but responds to its readiness path with 503 for 6 s.
    const { api, server } = await suite.startApi({ fixture: "slow-ready", serverEnv: { READY_AFTER_MS: "6000" }, readinessPath: "/healthz" });
    const readiness = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    await readiness.arrayBuffer();
    assert.equal(readiness.status, 503, "the fixture was ready before the submit: the machine is too slow for this test");

    const { id } = await client.submit(api.name, { early: true });
    const { final, seen } = await waitForFinish(client, api.name, id);

    assert.equal(final.status, "completed", JSON.stringify(final));
    assert.deepEqual(final.result, { earlyRequests: 0 });
    assert.equal(seen[0], "in_queue", seen.join(" > "));
  });

  test("max concurrency is reached and never exceeded", async () => {
    const maxConcurrency = 4;
    const { api } = await suite.startApi({
      fixture: "slow",
      serverEnv: { SLEEP_MS: "500" },
      dequeuerEnv: { CORTEX_MAX_CONCURRENCY: String(maxConcurrency) },
    });

    const submits = Array.from({ length: 24 }, (_, index) => client.submit(api.name, { index }));
    const ids = (await Promise.all(submits)).map((submitted) => submitted.id);
    const finished = await Promise.all(ids.map((id) => waitForFinish(client, api.name, id, 250)));

    // The fixture responds with the largest number of requests it has had open at once so far.
    const peaks = finished.map(({ final }) => {
      assert.equal(final.status, "completed", JSON.stringify(final));
      return (final.result as { peak: number }).peak;
    });
    assert.equal(Math.max(...peaks), maxConcurrency);
  });
});
