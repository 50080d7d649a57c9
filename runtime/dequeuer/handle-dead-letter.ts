import type { Logger } from "pino";
import type { MessageQueue, ReceivedMessage } from "./message-queue.js";
import type { DequeuerMetrics } from "./metrics.js";
import type { RequestStore } from "./request-store.js";
import { decodeOrDiscard } from "./decode-or-discard.js";
import { failedRecord } from "./result-record.js";

export interface DeadLetterHandlerOptions {
  api: string;
  deadLetterQueue: MessageQueue;
  store: RequestStore;
  /** maxReceiveCount of the main queue's redrive policy, quoted in the reason, or undefined when unknown. */
  maxReceiveCount: number | undefined;
  metrics: DequeuerMetrics;
  logger: Logger;
}

/**
 * Ends the requests SQS moved to the dead-letter queue, for example because the
 * dequeuer was killed on every try: each gets a failed result unless one was
 * stored already, so no request stays in_progress until it expires.
 */
export class DeadLetterHandler {
  constructor(private readonly options: DeadLetterHandlerOptions) {}

  async handle(message: ReceivedMessage): Promise<void> {
    const { deadLetterQueue, store, logger } = this.options;

    const request = await decodeOrDiscard(message, this.options.api, deadLetterQueue, logger);
    if (!request) return;
    const { id } = request;

    const log = logger.child({ requestId: id });
    try {
      const hasResult = await store.resultExists(id);
      if (!hasResult) await store.putResult(id, failedRecord(id, this.reason(), new Date()), log);
      await store.deletePayload(id);
      await deadLetterQueue.delete(message.receiptHandle);

      if (hasResult) {
        log.info("dead-lettered request already has a result, deleted the message");
      } else {
        this.options.metrics.deadLettered();
        log.warn({ reason: this.reason() }, "request failed");
      }
    } catch (error) {
      log.error({ err: error }, "ending a dead-lettered request failed, SQS delivers it again after the visibility timeout");
    }
  }

  private reason(): string {
    const count = this.options.maxReceiveCount;
    return count === undefined ? "dead-lettered by the queue's redrive policy" : `dead-lettered after ${count} receives`;
  }
}
