import { validateHeaderName, validateHeaderValue } from "node:http";

// Headers that describe one hop of the client's connection (RFC 9110 section 7.6.1),
// plus `expect`, which only makes sense to the server the client spoke to.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect"]);

// Set by the dequeuer itself from the stored payload and the message.
const SET_BY_DEQUEUER = new Set(["host", "content-length", "content-type", "x-cortex-request-id"]);

// Routing headers of the mesh and of this project, which a client must not be able to inject.
const INTERNAL_PREFIXES = ["proxy-", "x-envoy-", "x-b3-", "x-cortex-"];
const INTERNAL = new Set(["x-forwarded-client-cert"]);

export interface ForwardedHeaders {
  headers: Record<string, string>;
  /** Names of stored headers that Node cannot send because their name or value is invalid. */
  invalid: string[];
}

/**
 * Selects the client headers to send to the user's container. The gateway has
 * already removed hop-by-hop and routing headers. They are removed again here so
 * that a message written by another producer cannot smuggle them in either.
 */
export function forwardedHeaders(stored: Record<string, string>): ForwardedHeaders {
  // A `connection` header may name further headers that apply to that hop only.
  const connectionTokens = new Set(
    (stored.connection ?? stored.Connection ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );

  const headers: Record<string, string> = {};
  const invalid: string[] = [];

  for (const [rawName, value] of Object.entries(stored)) {
    const name = rawName.toLowerCase();
    const internal = INTERNAL.has(name) || INTERNAL_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (HOP_BY_HOP.has(name) || SET_BY_DEQUEUER.has(name) || internal || connectionTokens.has(name)) continue;

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
