import type { AwsCall } from "../test/e2e/support/call-log-proxy.js";
import type { Stack } from "../test/e2e/support/stack.js";

/** Calls of one stage of a request (submit, processing or read), counted by operation. */
export type OperationCounts = Map<string, number>;

/** Returns the index the endpoint's call log will give its next call. */
export async function nextCallIndex(stack: Stack): Promise<number> {
  return (await stack.awsCalls(Number.MAX_SAFE_INTEGER)).next;
}

/** Adds each call's operation to `counts`. */
export function countOperations(calls: readonly AwsCall[], counts: OperationCounts = new Map()): OperationCounts {
  for (const call of calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
  return counts;
}

/** Returns the total of all operations. */
export function totalCalls(counts: OperationCounts): number {
  return [...counts.values()].reduce((sum, count) => sum + count, 0);
}

/** Waits until the dequeuer has deleted the message of each of `ids`, reading the call log from index `from`. */
export async function waitForMessagesDeleted(stack: Stack, ids: readonly string[], from: number, timeoutMs: number): Promise<void> {
  const pending = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  let next = from;

  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.size} of ${ids.length} requests were not processed within ${timeoutMs / 1000} s`);
    const page = await stack.awsCalls(next);
    next = page.next;
    for (const call of page.calls) {
      if (call.client !== "dequeuer" || call.operation !== "DeleteMessage") continue;
      for (const id of call.requestIds) pending.delete(id);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
