import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ConnectionError, FastifyInstance } from "fastify";
import { GatewayError } from "./errors.js";
import { MAX_HEADER_BYTES } from "./limits.js";

/**
 * Replies to a request that Node's HTTP parser rejected before fastify saw it,
 * in the same JSON shape as every other error, then closes the connection.
 * Oversized headers get 431 and headers that arrive too slowly 408.
 */
export function replyToClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset or destroyed socket cannot carry a reply.
  if (error.code === "ECONNRESET" || socket.destroyed) return;

  const reply = gatewayErrorFor(error);
  // The error's rawPacket repeats the client's bytes, so only its code is logged.
  this.log.info({ code: reply.code, statusCode: reply.statusCode, parserError: error.code }, "request rejected by the HTTP parser");

  const body = JSON.stringify({ error: reply.code, message: reply.message });
  const head = [
    `HTTP/1.1 ${reply.statusCode} ${STATUS_CODES[reply.statusCode]}`,
    "content-type: application/json; charset=utf-8",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
  ];
  const rejection = `${head.join("\r\n")}\r\n\r\n${body}`;

  // A client may pipeline a whole valid request before the malformed one. Its
  // response must go out first: a queued submit whose id never reaches the client
  // would run unseen, and a retry would run it twice. A request whose body is
  // incomplete is cut off with the connection, as the client went away mid-body.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight && !inFlight.writableFinished && inFlight.req?.complete) {
    socket.pause();
    inFlight.once("finish", () => {
      if (!socket.destroyed) socket.end(rejection);
    });
    inFlight.once("close", () => {
      if (!socket.destroyed && !socket.writableEnded) socket.end(rejection);
    });
    return;
  }
  socket.end(rejection);
}

function gatewayErrorFor(error: ConnectionError): GatewayError {
  if (error.code === "HPE_HEADER_OVERFLOW") return new GatewayError("headers_too_large", { limitBytes: MAX_HEADER_BYTES });
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return new GatewayError("request_timeout", {});
  return new GatewayError("bad_request", { detail: `malformed HTTP request (${error.code ?? error.message}): check the client` });
}
