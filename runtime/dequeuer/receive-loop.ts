import type { Logger } from "pino";
import { Backoff, sleep } from "./backoff.js";
import type { InFlight } from "./in-flight.js";
import type { MessageQueue, ReceivedMessage } from "./message-queue.js";

/** SQS returns at most 10 messages per ReceiveMessage call. */
const SQS_MAX_MESSAGES_PER_RECEIVE = 10;

// With a poll wait of 0 SQS returns at once, so an empty queue needs a pause to
// keep the loop from spinning. With long polling SQS itself does the waiting.
const SHORT_POLL_IDLE_MS = 1000;

export interface ReceiveLoopOptions {
  queue: MessageQueue;
  /** Messages handled at the same time at most. */
  slots: number;
  inFlight: InFlight;
  pollWaitSeconds: number;
  visibilitySeconds: number;
  handle(message: ReceivedMessage): Promise<void>;
  /** Resolves when receiving may go on; the main queue waits for the readiness probes here. */
  waitUntilReady(signal: AbortSignal): Promise<void>;
  isReady(): boolean;
  /** Aborted when the dequeuer starts to drain. */
  stopSignal: AbortSignal;
  logger: Logger;
}

async function release(queue: MessageQueue, messages: readonly ReceivedMessage[], reason: string, logger: Logger): Promise<void> {
  await Promise.all(
    messages.map(async (message) => {
      try {
        await queue.changeVisibility(message.receiptHandle, 0);
        logger.info({ messageId: message.messageId, reason }, "released a message to the queue");
      } catch (error) {
        logger.error({ err: error, messageId: message.messageId }, "releasing a message failed, SQS delivers it again after the visibility timeout");
      }
    }),
  );
}

/**
 * Long-polls a queue while the dequeuer runs, asking only for as many messages
 * as there are free slots, and hands each to `handle` without waiting for it.
 * Resolves once draining has begun and every message in flight is handled.
 */
export async function runReceiveLoop(options: ReceiveLoopOptions): Promise<void> {
  const { queue, inFlight, stopSignal, logger } = options;
  const backoff = new Backoff();

  while (!stopSignal.aborted) {
    await options.waitUntilReady(stopSignal);
    await inFlight.waitBelow(options.slots, stopSignal);
    if (stopSignal.aborted) break;

    let messages: ReceivedMessage[];
    try {
      const freeSlots = Math.min(options.slots - inFlight.size, SQS_MAX_MESSAGES_PER_RECEIVE);
      messages = await queue.receive(freeSlots, options.pollWaitSeconds, options.visibilitySeconds);
      backoff.reset();
    } catch (error) {
      const delayMs = Math.round(backoff.nextDelayMs());
      logger.error({ err: error, queueUrl: queue.url, retryInMs: delayMs }, "receiving messages failed");
      await sleep(delayMs, stopSignal);
      continue;
    }

    // A long poll that began before the drain, or while the probes still passed,
    // can return messages that must not run now: give them back at once.
    if (stopSignal.aborted) {
      await release(queue, messages, "received after draining began", logger);
      break;
    }
    if (!options.isReady()) {
      await release(queue, messages, "received after readiness was lost", logger);
      continue;
    }

    for (const message of messages) {
      const handled = options.handle(message).catch((error: unknown) => {
        logger.error({ err: error, messageId: message.messageId }, "handling a message failed unexpectedly");
      });
      inFlight.add(handled);
    }
    if (messages.length === 0 && options.pollWaitSeconds === 0) await sleep(SHORT_POLL_IDLE_MS, stopSignal);
  }

  await inFlight.waitUntilIdle();
}
