import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { describe, test } from "node:test";
import { createApi, listRequestKeys, readResult, submitRequest, waitForResult } from "./support/harness.js";
import { useSuite } from "./support/suite.js";

// The dequeuer takes work only while the user's server is ready, and never
// more at once than CORTEX_MAX_CONCURRENCY.

const suite = useSuite();
const { userServer } = suite;
const dequeuerFor = (api: Awaited<ReturnType<typeof createApi>>, env: Record<string, string>) => suite.dequeuer(api, env);

/** Starts a health endpoint on 127.0.0.1 that the test switches between 200 and 503. */
async function switchableHealth(): Promise<{ port: number; setHealthy(healthy: boolean): void }> {
  let healthy = true;
  const server: Server = createServer((_request, response) => {
    response.writeHead(healthy ? 200 : 503).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  suite.onCleanup(async () => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, setHealthy: (value) => (healthy = value) };
}

describe("readiness", { concurrency: true }, () => {
  test("server that binds before its readiness path passes receives nothing early", async () => {
    const server = await userServer("slow-ready", { READY_AFTER_MS: "3000" });
    const api = await createApi(suite.harness);
    const probes = JSON.stringify([{ httpGet: { path: "/healthz", port: server.port }, periodSeconds: 1 }]);
    await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_PROBES: probes });

    const id = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    const record = await waitForResult(suite.harness, api, id);

    assert.equal(record.status, "completed");
    assert.deepEqual((record as { result: unknown }).result, { earlyRequests: 0 });
  });

  test("lost readiness stops receiving but finishes the request in flight", async () => {
    const server = await userServer("slow", { SLEEP_MS: "2000" });
    const health = await switchableHealth();
    const api = await createApi(suite.harness);
    const probes = JSON.stringify([{ httpGet: { path: "/", port: health.port }, periodSeconds: 1, failureThreshold: 1 }]);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_PROBES: probes, CORTEX_MAX_CONCURRENCY: "2" });

    const inFlight = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    while (!(await listRequestKeys(suite.harness, api, inFlight)).includes("status/in_progress")) await delay(50);
    health.setHealthy(false);
    while (!dequeuer.logs.some((line) => line.msg === "probe failed, not receiving new requests")) await delay(50);

    const waiting = await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" });
    assert.equal((await waitForResult(suite.harness, api, inFlight)).status, "completed");
    await delay(2000);
    assert.equal(await readResult(suite.harness, api, waiting), undefined);
    assert.deepEqual(await listRequestKeys(suite.harness, api, waiting), ["payload"]);

    health.setHealthy(true);
    assert.equal((await waitForResult(suite.harness, api, waiting)).status, "completed");
  });
});

describe("concurrency", { concurrency: true }, () => {
  for (const maxConcurrency of [1, 3]) {
    test(`max concurrency ${maxConcurrency} is reached and never exceeded`, async () => {
      const server = await userServer("slow", { SLEEP_MS: "1000" });
      const api = await createApi(suite.harness);
      await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_MAX_CONCURRENCY: String(maxConcurrency) });

      const ids = await Promise.all(Array.from({ length: maxConcurrency * 2 + 1 }, () => submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" })));
      const records = await Promise.all(ids.map((id) => waitForResult(suite.harness, api, id)));

      const peaks = records.map((record) => ((record as { result: { peak: number } }).result ?? { peak: 0 }).peak);
      assert.equal(Math.max(...peaks), maxConcurrency);
    });
  }
});
