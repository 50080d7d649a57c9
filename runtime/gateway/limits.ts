/**
 * Maximum size of the request line and headers in bytes: Node's own default. The
 * dequeuer replays the client's headers to the user's server, and a server with
 * Node's default rejects more with a 431 long after the client got its id, so the
 * gateway rejects such a request at once instead. The headers also stay far below
 * the 256 KiB SQS message limit.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Longest path parameter the router matches, in characters. It is well above the
 * longest valid API name (63) and request id (36), so a longer value still reaches
 * the route and gets a 400 that names it rather than a bare 404.
 */
export const MAX_PARAM_CHARS = 1000;

/**
 * Time in milliseconds after which a connection with no traffic in either direction
 * is closed. A client that stalls mid-upload is cut off, and its partial upload is discarded.
 */
export const CONNECTION_IDLE_MS = 120_000;
