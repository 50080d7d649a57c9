// Policy for the client headers that travel with a payload from the gateway to
// the user's container. The gateway filters before it queues a message and the dequeuer
// filters again before it forwards, so a message written by another producer
// cannot smuggle these headers in either.

// Hop-by-hop headers (RFC 9110 section 7.6.1), plus `expect`, which belongs to
// the original upload: replaying `expect: 100-continue` would stall the replay.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect"]);

// Describe the original connection and body; the dequeuer sets its own.
const PER_CONNECTION = new Set(["host", "content-length"]);

// Routing headers of the mesh and of this project, which a client must not be able to inject.
const INTERNAL = new Set(["x-forwarded-client-cert"]);
const INTERNAL_PREFIXES = ["proxy-", "x-envoy-", "x-b3-", "x-cortex-"];

/** Lists the header names a `Connection` header declares as hop-by-hop, in lowercase. */
export function connectionOptions(connection: string | undefined): Set<string> {
  return new Set(
    (connection ?? "")
      .split(",")
      .map((option) => option.trim().toLowerCase())
      .filter((option) => option !== ""),
  );
}

/** Checks whether a lowercase header name is dropped on the way to the user's container. */
export function isDroppedHeader(name: string, namedByConnection: ReadonlySet<string>): boolean {
  if (HOP_BY_HOP.has(name) || PER_CONNECTION.has(name) || INTERNAL.has(name)) return true;
  if (namedByConnection.has(name)) return true;
  return INTERNAL_PREFIXES.some((prefix) => name.startsWith(prefix));
}
