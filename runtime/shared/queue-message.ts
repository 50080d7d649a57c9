import { isRequestId } from "./request-id.js";
import { isApiName } from "./storage-layout.js";

// The body of the SQS message the gateway sends for each accepted request. The
// payload itself stays in S3 at `payloadKey(api, id)`. The message carries only
// what the dequeuer needs to replay the original HTTP request to the user container.

/**
 * Maximum size of a message body in bytes: 256 KiB, the long-standing SQS limit, so a
 * queue that keeps that MaximumMessageSize still accepts every message.
 */
export const MAX_QUEUE_MESSAGE_BYTES = 256 * 1024;

export interface QueueMessage {
  /** Request id (UUIDv7); also the message group id and deduplication id. */
  id: string;
  api: string;
  /** Content-Type of the original request, or null when the client sent none. */
  contentType: string | null;
  /** The client's request headers, lowercase names, minus hop-by-hop and routing headers. */
  headers: Record<string, string>;
  /** When the gateway received the request, as an ISO 8601 UTC time. */
  receivedAt: string;
}

export function encodeQueueMessage(message: QueueMessage): string {
  return JSON.stringify(message);
}

/** Parses a message body. Throws an error that names the message id and the invalid field. */
export function decodeQueueMessage(text: string, messageId: string): QueueMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`queue message ${messageId} is not valid JSON`);
  }

  const message = parsed as Partial<QueueMessage> | null;
  if (typeof message !== "object" || message === null) throw new Error(`queue message ${messageId} is not a JSON object`);
  if (typeof message.id !== "string" || !isRequestId(message.id)) throw new Error(`queue message ${messageId} has an invalid id`);
  if (typeof message.api !== "string" || !isApiName(message.api)) throw new Error(`queue message ${messageId} has an invalid api`);
  if (message.contentType !== null && typeof message.contentType !== "string") {
    throw new Error(`queue message ${messageId} has an invalid contentType`);
  }
  if (!isStringRecord(message.headers)) throw new Error(`queue message ${messageId} has invalid headers`);
  if (typeof message.receivedAt !== "string" || Number.isNaN(Date.parse(message.receivedAt))) {
    throw new Error(`queue message ${messageId} has an invalid receivedAt`);
  }

  return {
    id: message.id,
    api: message.api,
    contentType: message.contentType,
    headers: message.headers,
    receivedAt: message.receivedAt,
  };
}

function isStringRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((entry) => typeof entry === "string");
}
