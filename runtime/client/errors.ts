import type { StatusResponse } from "./status-response.js";

/** A response from the gateway with a status other than the one the call expects. */
export class CortexApiError extends Error {
  override name = "CortexApiError";

  constructor(
    /** HTTP status code of the gateway's response. */
    readonly status: number,
    /** The gateway's error message, or the response text when it sent no JSON message. */
    readonly gatewayMessage: string,
    /** The gateway's error code, such as `request_expired`, when the body had one. */
    readonly code: string | undefined,
    method: string,
    url: string,
  ) {
    super(`${method} ${url} failed with status ${status}: ${gatewayMessage}`);
  }
}

/** The gateway could not be reached at all (refused, reset, DNS failure). */
export class GatewayUnreachableError extends Error {
  override name = "GatewayUnreachableError";

  constructor(method: string, url: string, cause: unknown) {
    const reason = describeFetchFailure(cause);
    super(`${method} ${url} failed: ${reason}; check that the gateway is running at this endpoint`, { cause });
  }
}

/** `wait` gave up before the request completed or failed. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";

  constructor(
    readonly timeoutMs: number,
    /** The last status the gateway returned. */
    readonly last: StatusResponse,
  ) {
    super(`request ${last.id} was still ${last.status} after ${timeoutMs / 1000} s`);
  }
}

// fetch reports every network failure as TypeError("fetch failed") and puts the
// system error (ECONNREFUSED and the like) in `cause`.
function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return (error as Error)?.message ?? String(error);
}

/**
 * Reads the gateway's error from a response body. The gateway sends
 * `{"error": "<code>", "message": "..."}`. For any other body the message is the
 * trimmed text, or the status text when the body is empty.
 */
export function parseGatewayError(text: string, statusText: string): { message: string; code?: string } {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const code = typeof body?.error === "string" && body.error !== "" ? body.error : undefined;
    if (typeof body?.message === "string" && body.message !== "") return { message: body.message, ...(code ? { code } : {}) };
    if (code) return { message: code, code };
  } catch {
    // Not JSON: use the text itself.
  }

  const trimmed = text.trim();
  if (trimmed === "") return { message: statusText || "no message" };
  return { message: trimmed.length > 500 ? `${trimmed.slice(0, 500)}...` : trimmed };
}
