import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import type { CortexClient, StatusResponse } from "../../../runtime/client/index.js";
import type { AwsCall } from "./call-log-proxy.js";
import type { Stack } from "./stack.js";

/** Order of the statuses a request moves through; a later poll never returns an earlier one. */
const STATUS_ORDER = ["in_queue", "in_progress", "completed", "failed"] as const;

export interface Finished {
  final: StatusResponse;
  /** Every status the polls returned, in order, repeats included. */
  seen: string[];
}

/** Polls a request every `intervalMs` until it is completed or failed, recording every status seen. */
export async function waitForFinish(client: CortexClient, api: string, id: string, intervalMs = 100, timeoutMs = 60_000): Promise<Finished> {
  const seen: string[] = [];
  const final = await client.wait(api, id, { intervalMs, timeoutMs, onStatus: (response) => seen.push(response.status) });
  return { final, seen };
}

/** Asserts that the statuses seen never go back to an earlier one (completed and failed both end a request). */
export function assertNeverBackwards(seen: readonly string[]): void {
  const ranks = seen.map((status) => Math.min(STATUS_ORDER.indexOf(status as (typeof STATUS_ORDER)[number]), 2));
  for (let index = 1; index < ranks.length; index += 1) {
    assert.ok(ranks[index]! >= ranks[index - 1]!, `status went from ${seen[index - 1]} back to ${seen[index]}: ${seen.join(" > ")}`);
  }
}

/** Returns the AWS calls recorded so far that concern request `id`. */
export async function callsOf(stack: Stack, id: string): Promise<AwsCall[]> {
  const { calls } = await stack.awsCalls();
  return calls.filter((call) => call.requestIds.includes(id));
}

/**
 * Waits until a dequeuer has deleted the message of request `id`, the last call of
 * its processing, without asking the gateway, so no GET is made before the caller's own.
 */
export async function waitForProcessed(stack: Stack, id: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const calls = await callsOf(stack, id);
    if (calls.some((call) => call.client === "dequeuer" && call.operation === "DeleteMessage")) return;
    await delay(100);
  }
  throw new Error(`no dequeuer deleted the message of request ${id} within ${timeoutMs} ms`);
}
