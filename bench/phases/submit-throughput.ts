import type { Stack } from "../../test/e2e/support/stack.js";
import { submitJson } from "../gateway-requests.js";
import { unixNow } from "../stats.js";

// Small JSON submits from `concurrency` clients at once, as fast as the gateway
// takes them. The API has no dequeuer, so only the gateway and the endpoint work.

/** Submits sent first and not measured, so that connections and the JIT are warm. */
const WARM_UP_SUBMITS = 50;

export interface SubmitResult {
  latencyMs: number[];
  /** Submits per second over the whole run. */
  throughput: number;
}

export async function runSubmitThroughput(stack: Stack, api: string, options: { submits: number; concurrency: number }): Promise<SubmitResult> {
  await sendAll(stack, api, WARM_UP_SUBMITS, options.concurrency);

  const startedAt = unixNow();
  const latencyMs = await sendAll(stack, api, options.submits, options.concurrency);
  const throughput = options.submits / ((unixNow() - startedAt) / 1000);
  return { latencyMs, throughput };
}

/** Sends `count` submits from `concurrency` loops and returns the latency of each. */
async function sendAll(stack: Stack, api: string, count: number, concurrency: number): Promise<number[]> {
  const latencyMs: number[] = [];
  let sent = 0;

  const loop = async () => {
    while (sent < count) {
      const index = sent;
      sent += 1;
      const { latencyMs: latency } = await submitJson(stack.gatewayUrl, api, { text: "submit benchmark", index });
      latencyMs.push(latency);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop));
  return latencyMs;
}
