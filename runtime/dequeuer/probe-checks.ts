import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { ProbeSpec } from "./probe-spec.js";

/** Outcome of one probe attempt, with the reason when it failed. */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkTcpSocket(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };

    socket.setTimeout(timeoutMs, () => finish({ ok: false, reason: `connect timed out after ${timeoutMs} ms` }));
    socket.once("connect", () => finish({ ok: true }));
    socket.on("error", (error) => finish({ ok: false, reason: describeError(error) }));
  });
}

function checkHttpGet(probe: Extract<ProbeSpec, { kind: "httpGet" }>, timeoutMs: number): Promise<ProbeResult> {
  const client = probe.scheme === "HTTPS" ? https : http;

  return new Promise((resolve) => {
    const request = client.request({
      host: probe.host,
      port: probe.port,
      path: probe.path,
      method: "GET",
      headers: { "user-agent": "cortex-dequeuer-probe", ...probe.headers },
      agent: false,
      // Kubernetes does not verify certificates of HTTPS probes either.
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });

    request.once("timeout", () => {
      request.destroy();
      resolve({ ok: false, reason: `timed out after ${timeoutMs} ms` });
    });
    request.on("error", (error) => resolve({ ok: false, reason: describeError(error) }));
    request.once("response", (response) => {
      // Kubernetes counts any status from 200 to 399 as a pass.
      const status = response.statusCode ?? 0;
      response.resume();
      request.destroy();
      resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `status ${status}` });
    });
    request.end();
  });
}

/** Runs one attempt of a probe; it never rejects, because every error is a failed attempt. */
export function runProbe(probe: ProbeSpec): Promise<ProbeResult> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  if (probe.kind === "tcpSocket") return checkTcpSocket(probe.host, probe.port, timeoutMs);
  return checkHttpGet(probe, timeoutMs);
}
