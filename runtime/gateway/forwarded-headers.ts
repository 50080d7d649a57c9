import type { IncomingHttpHeaders } from "node:http";
import { connectionOptions, isDroppedHeader } from "../shared/header-policy.js";

/**
 * Selects the client's headers to replay with the payload: all but hop-by-hop
 * headers (including those named in `connection`), host, content-length and the
 * mesh's internal routing headers. Repeated values are joined with ", ".
 */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const named = connectionOptions(headers.connection);
  const forwarded: Record<string, string> = {};

  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || isDroppedHeader(name, named)) continue;
    forwarded[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return forwarded;
}
