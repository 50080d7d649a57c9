import { setTimeout as delay } from "node:timers/promises";
import type { Stack } from "../../test/e2e/support/stack.js";
import { nextCallIndex, waitForMessagesDeleted } from "../call-counts.js";
import { readReceiveTimes, submitJson, type TimedSubmit } from "../gateway-requests.js";
import { unixNow } from "../stats.js";

// A steady stream of submits at a fixed rate, each taking `workMs` in the user
// server, so the dequeuer keeps receiving while requests are in flight.

export interface LoadResult {
  pickupMs: number[];
  /** Submits per second actually sent. */
  achievedRate: number;
}

export async function runSteadyLoad(stack: Stack, api: string, userServerPort: number, options: { rate: number; seconds: number; workMs: number }): Promise<LoadResult> {
  const phaseStart = await nextCallIndex(stack);
  const count = options.rate * options.seconds;
  const intervalMs = 1000 / options.rate;
  const startedAt = unixNow();

  // Open loop: each submit starts on its schedule, whether or not earlier ones have returned.
  const submits: Array<Promise<TimedSubmit>> = [];
  for (let index = 0; index < count; index += 1) {
    const dueIn = startedAt + index * intervalMs - unixNow();
    if (dueIn > 0) await delay(dueIn);
    submits.push(submitJson(stack.gatewayUrl, api, { text: `load request ${index}`, workMs: options.workMs }));
  }
  const submitted = await Promise.all(submits);
  const achievedRate = count / ((unixNow() - startedAt) / 1000);

  await waitForMessagesDeleted(stack, submitted.map(({ id }) => id), phaseStart, 120_000);
  const received = await readReceiveTimes(userServerPort);
  const pickupMs = submitted.map(({ id, respondedAt }) => {
    const receivedAt = received[id];
    if (receivedAt === undefined) throw new Error(`the user server has no receive time for request ${id}`);
    return receivedAt - respondedAt;
  });
  return { pickupMs, achievedRate };
}
