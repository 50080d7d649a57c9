import type { IncomingHttpHeaders } from "node:http";

// Headers that describe one connection or the cluster's routing rather than the
// request, so the dequeuer must not replay them to the user container. The
// hop-by-hop headers are those of RFC 9110 section 7.6.1. `expect` also belongs to
// the original upload, and replaying `expect: 100-continue` would stall the replay.
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "host",
  "content-length",
  "x-forwarded-client-cert",
]);
const DROPPED_PREFIXES = ["proxy-", "x-envoy-", "x-b3-", "x-cortex-"];

/**
 * Selects the client's headers to replay with the payload: all but hop-by-hop
 * headers (including those named in `connection`), host, content-length and the
 * mesh's internal routing headers. Repeated values are joined with ", ".
 */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const named = new Set(listConnectionOptions(headers.connection));
  const forwarded: Record<string, string> = {};

  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (DROPPED.has(name) || named.has(name)) continue;
    if (DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;

    forwarded[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return forwarded;
}

function listConnectionOptions(connection: string | undefined): string[] {
  if (connection === undefined) return [];
  return connection
    .split(",")
    .map((option) => option.trim().toLowerCase())
    .filter((option) => option !== "");
}
