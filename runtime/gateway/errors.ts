import type { FastifyReply, FastifyRequest } from "fastify";
import { RESULT_RETENTION_DAYS } from "../shared/storage-layout.js";

// Every error the gateway replies with, declared once. A reply carries the code
// and the message as `{"error": "<code>", "message": "..."}` with the status.

const ERRORS = {
  bad_request: define(400, (p: { detail: string }) => p.detail),
  invalid_api_name: define(
    400,
    (p: { api: string }) =>
      `invalid API name ${quote(p.api)}: use 1 to 63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit`,
  ),
  invalid_request_id: define(
    400,
    (p: { id: string }) => `invalid request id ${quote(p.id)}: use the id returned when the request was submitted`,
  ),
  invalid_url: define(
    400,
    (p: { url: string }) => `invalid URL path ${quote(p.url)}: use POST /<api> or GET /<api>/<id>, with valid percent-encoding`,
  ),
  client_aborted: define(400, () => "the connection closed before the request body was complete: nothing was queued"),
  api_not_found: define(404, (p: { api: string }) => `API ${quote(p.api)} not found: check the name or deploy the API`),
  request_not_found: define(404, (p: { api: string; id: string }) => `request ${p.id} of API ${quote(p.api)} not found`),
  request_expired: define(
    404,
    (p: { api: string; id: string }) =>
      `request ${p.id} of API ${quote(p.api)} has expired or was cleaned up: results are kept for ${RESULT_RETENTION_DAYS} days`,
  ),
  route_not_found: define(
    404,
    (p: { method: string; url: string }) =>
      `no route for ${p.method} ${quote(p.url)}: submit with POST /<api> and read a result with GET /<api>/<id>`,
  ),
  method_not_allowed: define(
    405,
    (p: { method: string; url: string; allow: string }) => `method ${p.method} is not allowed on ${quote(p.url)}: use ${p.allow}`,
  ),
  request_timeout: define(408, () => "the request headers did not arrive in time: retry"),
  payload_too_large: define(413, (p: { limitBytes: number; sizeBytes?: number }) =>
    p.sizeBytes === undefined
      ? `request body exceeds the limit of ${p.limitBytes} bytes`
      : `request body of ${p.sizeBytes} bytes exceeds the limit of ${p.limitBytes} bytes`,
  ),
  invalid_content_type: define(
    415,
    (p: { contentType: string }) =>
      `invalid Content-Type ${quote(p.contentType)}: send a media type such as application/octet-stream, or no Content-Type`,
  ),
  headers_too_large: define(
    431,
    (p: { limitBytes: number }) => `request headers exceed the limit of ${p.limitBytes} bytes: send fewer or shorter headers`,
  ),
  internal_error: define(500, () => "internal error: retry later"),
  invalid_registry_entry: define(
    500,
    (p: { api: string }) => `the registry entry of API ${quote(p.api)} is invalid: redeploy the API`,
  ),
  invalid_stored_result: define(
    500,
    (p: { api: string; id: string }) => `the stored result of request ${p.id} of API ${quote(p.api)} is invalid`,
  ),
  storage_unavailable: define(503, () => "storage is unavailable: retry later"),
  shutting_down: define(503, () => "the gateway is shutting down: retry the request"),
  queue_unavailable: define(
    503,
    (p: { api: string }) => `the queue of API ${quote(p.api)} is unavailable, so the request was not accepted: retry later`,
  ),
};

export type ErrorCode = keyof typeof ERRORS;
type ErrorParams<C extends ErrorCode> = Parameters<(typeof ERRORS)[C]["message"]>[0];

/** An error the gateway replies with by code; `cause` keeps the underlying failure for the log. */
export class GatewayError<C extends ErrorCode = ErrorCode> extends Error {
  override name = "GatewayError";
  readonly code: C;
  readonly statusCode: number;

  constructor(code: C, params: ErrorParams<C>, options?: ErrorOptions) {
    const spec = ERRORS[code] as { status: number; message: (params: ErrorParams<C>) => string };
    super(spec.message(params), options);
    this.code = code;
    this.statusCode = spec.status;
  }
}

/**
 * Logs and sends `error` as a JSON reply. A request body that was not read is
 * discarded and the connection closed afterwards, so a client that keeps sending
 * a large body cannot hold the connection open.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.statusCode >= 500) {
    request.log.error({ err: error.cause ?? error, code: error.code }, "request failed");
  } else {
    request.log.info({ code: error.code, statusCode: error.statusCode }, "request rejected");
  }

  if (hasUnreadBody(request)) {
    reply.header("connection", "close");
    request.raw.resume();
  }

  return reply.code(error.statusCode).send({ error: error.code, message: error.message });
}

/** Quotes a client-supplied value for a message, cut to 100 characters so a huge value cannot bloat replies or logs. */
export function quote(value: string): string {
  const limit = 100;
  return JSON.stringify(value.length > limit ? `${value.slice(0, limit)}...` : value);
}

function define<P>(status: number, message: (params: P) => string): { status: number; message: (params: P) => string } {
  return { status, message };
}

function hasUnreadBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  const chunked = request.headers["transfer-encoding"] !== undefined;
  const declaresBody = chunked || (length !== undefined && length !== "0");
  return declaresBody && !request.raw.readableEnded;
}
