import type { ApiRegistration } from "../../runtime/shared/storage-layout.js";
import type { Stack } from "../../test/e2e/support/stack.js";
import { submitJson } from "../gateway-requests.js";
import { measurePeakMemory, type PeakMemory } from "../process-memory.js";

// The dequeuer's resident memory while it handles one large JSON response. A
// dequeuer of its own, started for this phase with its default settings, takes
// one request, and bench/user-server.js responds to it with a JSON array of many
// small objects. The peak covers reading and checking the response and storing
// it as result.json, because the dequeuer logs the request as completed only
// after the result is stored.

const MiB = 1024 * 1024;

/** Time allowed for the one request, generous for a busy 2-core machine. */
const REQUEST_TIMEOUT_MS = 180_000;

export interface ResponseMemoryResult extends PeakMemory {
  responseBytes: number;
}

export async function runResponseMemory(stack: Stack, api: ApiRegistration, userServerPort: number, responseMib: number): Promise<ResponseMemoryResult> {
  const responseBytes = responseMib * MiB;
  const dequeuer = await stack.startDequeuer(api, { CORTEX_USER_PORT: String(userServerPort) });
  await dequeuer.waitForLine((line) => line.msg === "probe passed");

  const memory = await measurePeakMemory(dequeuer.pid, async () => {
    const { id } = await submitJson(stack.gatewayUrl, api.name, { responseBytes });
    // A warning or an error about the request (pino level 40 or above) means it failed or will run again.
    const ended = await dequeuer.waitForLine(
      (line) => line.requestId === id && (line.msg === "request completed" || Number(line.level) >= 40),
      REQUEST_TIMEOUT_MS,
    );
    if (ended.msg !== "request completed") throw new Error(`the ${responseMib} MiB response did not complete: ${JSON.stringify(ended)}`);
  });

  await dequeuer.stop();
  return { responseBytes, ...memory };
}
