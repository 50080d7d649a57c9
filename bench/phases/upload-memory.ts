import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Stack } from "../../test/e2e/support/stack.js";
import { measurePeakMemory, type PeakMemory } from "../process-memory.js";

// The gateway's resident memory while it streams one large upload to S3, read
// from /proc/<pid>/status of the gateway process. The endpoint runs in another
// process, so none of its memory is counted.

const MiB = 1024 * 1024;

export interface MemoryResult extends PeakMemory {
  uploadBytes: number;
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
  const bytes = uploadMib * MiB;
  const memory = await measurePeakMemory(stack.gateway.pid, async () => {
    const status = await upload(stack.gatewayUrl, api, bytes);
    if (status !== 200) throw new Error(`the ${uploadMib} MiB upload returned status ${status}`);
  });
  return { uploadBytes: bytes, ...memory };
}
