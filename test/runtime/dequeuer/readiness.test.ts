import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { runProbe, type ProbeResult } from "../../../runtime/dequeuer/probe-checks.js";
import { PROBE_TIMING_DEFAULTS, type ProbeSpec } from "../../../runtime/dequeuer/probe-spec.js";
import { ProbeState, Readiness } from "../../../runtime/dequeuer/readiness.js";
import { freePort } from "./support/processes.js";

const PASS: ProbeResult = { ok: true };
const FAIL: ProbeResult = { ok: false, reason: "status 503" };

function tcpProbe(port: number, timing: Partial<typeof PROBE_TIMING_DEFAULTS> = {}): ProbeSpec {
  return { ...PROBE_TIMING_DEFAULTS, ...timing, kind: "tcpSocket", host: "127.0.0.1", port };
}

function httpProbe(port: number, path: string): ProbeSpec {
  return { ...PROBE_TIMING_DEFAULTS, kind: "httpGet", host: "127.0.0.1", port, path, scheme: "HTTP", headers: { "x-probe": "yes" } };
}

describe("probe thresholds", () => {
  test("probe is not ready before its first pass", () => {
    const state = new ProbeState(tcpProbe(1));
    assert.equal(state.ready, false);
    assert.equal(state.reason, "not probed yet");
  });

  test("successThreshold passes in a row make a probe ready", () => {
    const state = new ProbeState(tcpProbe(1, { successThreshold: 2 }));

    assert.equal(state.record(PASS), false);
    assert.equal(state.record(FAIL), false);
    assert.equal(state.record(PASS), false);
    assert.equal(state.record(PASS), true);
    assert.equal(state.ready, true);
  });

  test("failureThreshold failures in a row make a ready probe fail", () => {
    const state = new ProbeState(tcpProbe(1, { failureThreshold: 3 }));
    state.record(PASS);

    assert.equal(state.record(FAIL), false);
    assert.equal(state.record(FAIL), false);
    assert.equal(state.record(PASS), false);
    assert.equal(state.record(FAIL), false);
    assert.equal(state.record(FAIL), false);
    assert.equal(state.record(FAIL), true);
    assert.equal(state.ready, false);
    assert.equal(state.reason, "status 503");
  });
});

describe("probe checks", () => {
  let server: Server;
  let port: number;
  const seenHeaders: string[] = [];

  before(async () => {
    server = createServer((request, response) => {
      seenHeaders.push(String(request.headers["x-probe"]));
      const status = Number(request.url?.slice(1));
      response.writeHead(status).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  for (const status of [200, 204, 302, 399]) {
    test(`httpGet passes on status ${status}`, async () => {
      assert.deepEqual(await runProbe(httpProbe(port, `/${status}`)), PASS);
    });
  }

  for (const status of [400, 404, 500, 503]) {
    test(`httpGet fails on status ${status}`, async () => {
      assert.deepEqual(await runProbe(httpProbe(port, `/${status}`)), { ok: false, reason: `status ${status}` });
    });
  }

  test("httpGet sends the probe's headers", async () => {
    await runProbe(httpProbe(port, "/200"));
    assert.ok(seenHeaders.includes("yes"));
  });

  test("tcpSocket passes on a listening port", async () => {
    assert.deepEqual(await runProbe(tcpProbe(port)), PASS);
  });

  test("tcpSocket and httpGet fail on a closed port", async () => {
    const closed = await freePort();
    const tcp = await runProbe(tcpProbe(closed));
    const http = await runProbe(httpProbe(closed, "/200"));

    assert.equal(tcp.ok, false);
    assert.match((tcp as { reason: string }).reason, /ECONNREFUSED/);
    assert.equal(http.ok, false);
    assert.match((http as { reason: string }).reason, /ECONNREFUSED/);
  });
});

describe("readiness", () => {
  test("is ready only when every probe is, and wakes waiters", async () => {
    const results = new Map<number, ProbeResult>([
      [1, PASS],
      [2, FAIL],
    ]);
    const readiness = new Readiness([tcpProbe(1, { periodSeconds: 1 }), tcpProbe(2, { periodSeconds: 1 })], pino({ level: "silent" }), async (probe) => results.get(probe.port)!);
    readiness.start();
    try {
      const ready = readiness.waitUntilReady(new AbortController().signal);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(readiness.isReady(), false);
      assert.deepEqual(readiness.failing(), [{ probe: "tcpSocket 127.0.0.1:2", reason: "status 503" }]);

      results.set(2, PASS);
      await ready;
      assert.equal(readiness.isReady(), true);
      assert.deepEqual(readiness.failing(), []);
    } finally {
      readiness.stop();
    }
  });

  test("waiting ends when the signal aborts", async () => {
    const readiness = new Readiness([tcpProbe(1)], pino({ level: "silent" }), async () => FAIL);
    const abort = new AbortController();
    const waiting = readiness.waitUntilReady(abort.signal);
    abort.abort();
    await waiting;
    assert.equal(readiness.isReady(), false);
  });
});
