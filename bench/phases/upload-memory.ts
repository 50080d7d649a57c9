import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { Stack } from "../../test/e2e/support/stack.js";
import { unixNow } from "../stats.js";

// The gateway's resident memory while it streams one large upload to S3, read
// from /proc/<pid>/status of the gateway process. The endpoint runs in another
// process, so none of its memory is counted.

const MiB = 1024 * 1024;
const SAMPLE_INTERVAL_MS = 20;

export interface MemoryResult {
  uploadBytes: number;
  /** VmRSS of the idle gateway just before the upload. */
  baselineBytes: number;
  /** Highest resident memory during the upload: VmHWM after the reset, or the highest VmRSS sampled. */
  peakBytes: number;
  seconds: number;
  /** Whether VmHWM could be reset before the upload; without it only the samples count. */
  peakReset: boolean;
}

async function readStatusField(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]) * 1024;
}

/** Resets VmHWM to the current VmRSS (Linux 4.0 and later); returns false when the kernel does not allow it. */
async function resetPeak(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Streams `bytes` of random data to POST /<api> with a Content-Length, and resolves with the response status. */
function upload(gatewayUrl: string, api: string, bytes: number): Promise<number> {
  const chunk = randomBytes(MiB);
  const { hostname, port } = new URL(gatewayUrl);

  return new Promise((resolve, reject) => {
    const outgoing = request({
      host: hostname,
      port,
      method: "POST",
      path: `/${api}`,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes) },
    });
    outgoing.once("response", (response) => {
      response.resume();
      response.once("end", () => resolve(response.statusCode ?? 0));
    });
    outgoing.once("error", reject);

    let written = 0;
    const writeMore = () => {
      while (written < bytes) {
        const piece = chunk.subarray(0, Math.min(MiB, bytes - written));
        written += piece.length;
        if (!outgoing.write(piece)) return void outgoing.once("drain", writeMore);
      }
      outgoing.end();
    };
    writeMore();
  });
}

export async function runUploadMemory(stack: Stack, api: string, uploadMib: number): Promise<MemoryResult> {
  const pid = stack.gateway.pid;
  const bytes = uploadMib * MiB;

  // Let the garbage of the earlier phases settle before the baseline is read.
  await delay(1000);
  const baselineBytes = await readStatusField(pid, "VmRSS");
  const peakReset = await resetPeak(pid);

  let sampledPeak = baselineBytes;
  const sampler = setInterval(() => {
    readStatusField(pid, "VmRSS").then(
      (rss) => (sampledPeak = Math.max(sampledPeak, rss)),
      () => undefined,
    );
  }, SAMPLE_INTERVAL_MS);

  const startedAt = unixNow();
  let status: number;
  try {
    status = await upload(stack.gatewayUrl, api, bytes);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (unixNow() - startedAt) / 1000;
  if (status !== 200) throw new Error(`the ${uploadMib} MiB upload returned status ${status}`);

  const peakBytes = Math.max(sampledPeak, peakReset ? await readStatusField(pid, "VmHWM") : 0);
  return { uploadBytes: bytes, baselineBytes, peakBytes, seconds, peakReset };
}
