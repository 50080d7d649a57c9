import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CortexClient } from "../../runtime/client/index.js";
import { assertNeverBackwards, waitForFinish } from "./support/requests.js";
import { useStack } from "./support/suite.js";

// The statuses a client reads from the gateway while its request waits, runs and ends.

let client: CortexClient;
const suite = useStack({
  setup: async (started) => {
    client = new CortexClient({ endpoint: started.stack.gatewayUrl });
  },
});

/** Submits `count` requests one after another to a dequeuer that handles one at a time. */
async function submitBehindEachOther(count: number): Promise<{ api: string; ids: string[] }> {
  const { api } = await suite.startApi({ fixture: "slow", serverEnv: { SLEEP_MS: "1500" } });
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) ids.push((await client.submit(api.name, { index })).id);
  return { api: api.name, ids };
}

describe("statuses", { concurrency: true }, () => {
  test("GET right after submit finds the request", async () => {
    const { api } = await suite.startApi({ fixture: "slow", serverEnv: { SLEEP_MS: "1500" } });

    for (let index = 0; index < 5; index += 1) {
      const { id } = await client.submit(api.name, { index });
      const response = await fetch(`${suite.stack.gatewayUrl}/${api.name}/${id}`);
      const body = (await response.json()) as { status?: string };

      assert.equal(response.status, 200, JSON.stringify(body));
      assert.ok(body.status === "in_queue" || body.status === "in_progress", `request ${index} is ${body.status}`);
    }
  });

  test("polled status never goes backwards", async () => {
    const { api, ids } = await submitBehindEachOther(3);

    const finished = await Promise.all(ids.map((id) => waitForFinish(client, api, id, 50)));

    for (const { final, seen } of finished) {
      assert.equal(final.status, "completed", JSON.stringify(final));
      assertNeverBackwards(seen);
    }
    // The last request waited behind the others, so its polls saw every stage.
    const last = finished[2]!.seen;
    assert.equal(last[0], "in_queue", last.join(" > "));
    assert.ok(last.includes("in_progress"), last.join(" > "));
  });
});
