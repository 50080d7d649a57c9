import { validateHeaderName, validateHeaderValue } from "node:http";
import { connectionOptions, isDroppedHeader } from "../shared/header-policy.js";

// Set by the dequeuer itself from the stored payload and the message.
const SET_BY_DEQUEUER = new Set(["content-type", "x-cortex-request-id"]);

export interface ForwardedHeaders {
  headers: Record<string, string>;
  /** Names of stored headers that Node cannot send because their name or value is invalid. */
  invalid: string[];
}

/**
 * Selects the stored client headers to send to the user's container. The
 * gateway already dropped hop-by-hop and routing headers; they are dropped again
 * here because the queue may hold messages from other producers.
 */
export function forwardedHeaders(stored: Record<string, string>): ForwardedHeaders {
  const named = connectionOptions(stored.connection ?? stored.Connection);
  const headers: Record<string, string> = {};
  const invalid: string[] = [];

  for (const [rawName, value] of Object.entries(stored)) {
    const name = rawName.toLowerCase();
    if (SET_BY_DEQUEUER.has(name) || isDroppedHeader(name, named)) continue;

    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      invalid.push(name);
      continue;
    }
    headers[name] = value;
  }
  return { headers, invalid };
}
