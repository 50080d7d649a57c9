import { setTimeout as delay } from "node:timers/promises";
import type { AwsCall } from "../../test/e2e/support/call-log-proxy.js";
import type { Stack } from "../../test/e2e/support/stack.js";
import { countOperations, nextCallIndex, waitForMessagesDeleted, type OperationCounts } from "../call-counts.js";
import { readReceiveTimes, readStatus, submitJson } from "../gateway-requests.js";

// Requests sent one at a time, each after a pause in which the dequeuer waits in
// its long poll. Each request is submitted, processed and then read once, so the
// endpoint's call log shows the AWS calls of each stage.

/** Pause before each request, long enough for the dequeuer to be back in its long poll. */
const MIN_PAUSE_MS = 300;
const MAX_PAUSE_MS = 1200;

/** Time before the call log is first read, so reading it does not compete with the pickup being measured. */
const FIRST_CHECK_MS = 200;

export interface IdleResult {
  /** From the submit's response to the user server receiving the request, in milliseconds. */
  pickupMs: number[];
  requests: number;
  /** Calls of all requests together, by stage. */
  submit: OperationCounts;
  processing: OperationCounts;
  read: OperationCounts;
  /** Registry lookups of the gateway, which are cached and so not made for every request. */
  registryReads: number;
}

export async function runIdleRequests(stack: Stack, api: string, userServerPort: number, count: number): Promise<IdleResult> {
  const phaseStart = await nextCallIndex(stack);
  const requests: Array<{ id: string; respondedAt: number; readFrom: number }> = [];

  for (let index = 0; index < count; index += 1) {
    await delay(MIN_PAUSE_MS + Math.random() * (MAX_PAUSE_MS - MIN_PAUSE_MS));

    const submitted = await submitJson(stack.gatewayUrl, api, { text: `idle request ${index}` });
    await delay(FIRST_CHECK_MS);
    await waitForMessagesDeleted(stack, [submitted.id], phaseStart, 30_000);

    const readFrom = await nextCallIndex(stack);
    const status = await readStatus(stack.gatewayUrl, api, submitted.id);
    if (status !== "completed") throw new Error(`request ${submitted.id} ended ${status}, expected completed`);
    requests.push({ id: submitted.id, respondedAt: submitted.respondedAt, readFrom });
  }

  const { calls } = await stack.awsCalls(phaseStart);
  const indexed = calls.map((call, offset) => ({ call, index: phaseStart + offset }));
  const received = await readReceiveTimes(userServerPort);

  const result: IdleResult = { pickupMs: [], requests: count, submit: new Map(), processing: new Map(), read: new Map(), registryReads: 0 };
  for (const request of requests) {
    const receivedAt = received[request.id];
    if (receivedAt === undefined) throw new Error(`the user server has no receive time for request ${request.id}`);
    result.pickupMs.push(receivedAt - request.respondedAt);

    const own = indexed.filter(({ call }) => call.requestIds.includes(request.id));
    const byGateway = own.filter(({ call }) => call.client === "gateway");
    countOperations(select(byGateway, ({ index }) => index < request.readFrom), result.submit);
    countOperations(select(byGateway, ({ index }) => index >= request.readFrom), result.read);
    countOperations(select(own, ({ call }) => call.client === "dequeuer"), result.processing);
  }
  result.registryReads = calls.filter((call) => call.client === "gateway" && call.requestIds.length === 0).length;
  return result;
}

function select(entries: Array<{ call: AwsCall; index: number }>, match: (entry: { call: AwsCall; index: number }) => boolean): AwsCall[] {
  return entries.filter(match).map(({ call }) => call);
}
