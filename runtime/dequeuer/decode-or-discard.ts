import type { Logger } from "pino";
import { decodeQueueMessage, type QueueMessage } from "../shared/queue-message.js";
import type { MessageQueue, ReceivedMessage } from "./message-queue.js";

/**
 * Decodes a received message of `api`, or deletes it and returns undefined when
 * it is not one. Without a valid id no client can ask for the request and its
 * keys cannot be built, so delivering it again would only fail again.
 */
export async function decodeOrDiscard(message: ReceivedMessage, api: string, queue: MessageQueue, logger: Logger): Promise<QueueMessage | undefined> {
  try {
    const request = decodeQueueMessage(message.body ?? "", message.messageId);
    if (request.api !== api) throw new Error(`queue message ${message.messageId} is for API "${request.api}", not "${api}"`);
    return request;
  } catch (error) {
    logger.error({ err: error, messageId: message.messageId, queueUrl: queue.url, body: message.body?.slice(0, 200) }, "deleting a message that is not a request");
    await queue.delete(message.receiptHandle).catch((err: unknown) => logger.error({ err, messageId: message.messageId }, "deleting the message failed"));
    return undefined;
  }
}
