import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { before, describe, test } from "node:test";
import { createApi, listRequestKeys, submitRequest, waitForResult } from "./support/harness.js";
import { startInProcessDequeuer, type InProcessDequeuer } from "./support/in-process.js";
import { freePort, type UserServer } from "./support/processes.js";
import { useSuite } from "./support/suite.js";

// /healthz, /metrics and /drain on the admin port, and the AWS calls one request costs.

const suite = useSuite();
const { userServer } = suite;
const dequeuerFor = (api: Awaited<ReturnType<typeof createApi>>, env: Record<string, string>) => suite.dequeuer(api, env);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the sample lines of the Prometheus text format. */
function parseMetrics(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1]!, label[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** Returns the value of the sample with exactly these labels. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const sameLabels = (sample: Sample) =>
    Object.keys(sample.labels).length === Object.keys(labels).length && Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
  return samples.find((sample) => sample.name === name && sameLabels(sample))?.value;
}

async function admin(dequeuer: InProcessDequeuer, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`http://127.0.0.1:${dequeuer.adminPort}${path}`, init);
}

describe("healthz", () => {
  test("healthz is 503 naming the failing probe until the server listens", async () => {
    const port = await freePort();
    const api = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(port) });
    await delay(200);

    const down = await admin(dequeuer, "/healthz");
    assert.equal(down.status, 503);
    const body = (await down.json()) as { status: string; failing: Array<{ probe: string; reason: string }> };
    assert.equal(body.status, "not ready");
    assert.equal(body.failing.length, 1);
    assert.equal(body.failing[0]!.probe, `tcpSocket 127.0.0.1:${port}`);
    assert.match(body.failing[0]!.reason, /ECONNREFUSED/);

    await userServer("echo", { CORTEX_PORT: String(port) });
    let up = await admin(dequeuer, "/healthz");
    for (let tries = 0; up.status !== 200 && tries < 50; tries += 1) {
      await delay(100);
      up = await admin(dequeuer, "/healthz");
    }
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { status: "ready" });
  });

  test("unknown paths and methods are rejected", async () => {
    const api = await createApi(suite.harness);
    const dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(await freePort()) });

    const missing = await admin(dequeuer, "/nope");
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /use \/healthz, \/metrics or \/drain/);

    const wrongMethod = await admin(dequeuer, "/healthz", { method: "POST" });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "GET");
  });
});

describe("metrics and drain", () => {
  let server: UserServer;
  let api: Awaited<ReturnType<typeof createApi>>;
  let dequeuer: InProcessDequeuer;

  before(async () => {
    server = await userServer("reply");
    api = await createApi(suite.harness);
    dequeuer = await dequeuerFor(api, { CORTEX_USER_PORT: String(server.port), CORTEX_MAX_CONCURRENCY: "2" });
  });

  test("one request costs six AWS calls besides polling", async () => {
    await waitForResult(suite.harness, api, await submitRequest(suite.harness, api, { body: "{}", contentType: "application/json" }));
    const { ReceiveMessageCommand: polls = 0, ...perRequest } = Object.fromEntries(dequeuer.awsCalls);

    assert.ok(polls >= 1);
    assert.deepEqual(perRequest, {
      GetQueueAttributesCommand: 1,
      PutObjectCommand: 2,
      GetObjectCommand: 1,
      DeleteObjectCommand: 1,
      DeleteMessageCommand: 1,
    });
  });

  test("metrics count requests by status code and outcome", async () => {
    const failing = await submitRequest(suite.harness, api, { body: JSON.stringify({ status: 500, body: "no" }), contentType: "application/json" });
    await waitForResult(suite.harness, api, failing);

    const response = await admin(dequeuer, "/metrics");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    const samples = parseMetrics(await response.text());
    const apiLabel = { api_name: api.name };

    assert.equal(sampleValue(samples, "cortex_dequeuer_requests_total", { status_code: "200", outcome: "completed", ...apiLabel }), 1);
    assert.equal(sampleValue(samples, "cortex_dequeuer_requests_total", { status_code: "500", outcome: "failed", ...apiLabel }), 1);
    assert.equal(sampleValue(samples, "cortex_dequeuer_request_duration_seconds_count", { outcome: "completed", ...apiLabel }), 1);
    assert.equal(sampleValue(samples, "cortex_dequeuer_request_duration_seconds_bucket", { le: "+Inf", outcome: "failed", ...apiLabel }), 1);
    assert.equal(sampleValue(samples, "cortex_dequeuer_requests_in_flight", apiLabel), 0);
  });

  test("drain responds once in-flight work is done", async () => {
    const slow = await userServer("slow", { SLEEP_MS: "1500" });
    const slowApi = await createApi(suite.harness);
    const draining = await startInProcessDequeuer(suite.harness, slowApi, { env: { CORTEX_USER_PORT: String(slow.port) } });

    const id = await submitRequest(suite.harness, slowApi, { body: "{}", contentType: "application/json" });
    while (!(await listRequestKeys(suite.harness, slowApi, id)).includes("status/in_progress")) await delay(50);

    const drained = fetch(`http://127.0.0.1:${draining.adminPort}/drain`);
    await delay(200);
    const health = await fetch(`http://127.0.0.1:${draining.adminPort}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: "draining" });

    const response = await drained;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "drained" });
    // The result is stored before the message is deleted, and the drain waits for both.
    assert.equal((await waitForResult(suite.harness, slowApi, id, 1000)).status, "completed");

    await draining.stopped;
    await draining.stop();
  });
});
