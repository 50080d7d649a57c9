import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isRequestId } from "../shared/request-id.js";
import { isApiName } from "../shared/storage-layout.js";
import { GatewayError, sendError } from "./errors.js";
import { resolveApi, type GatewayContext } from "./gateway-context.js";
import { readRequestStatus, type PendingStatus, type StatusLookup } from "./request-status.js";

/** Registers `GET /:api/:id`, which replies with the request's status and, once finished, its result or failure reason. */
export function registerStatusRoute(app: FastifyInstance, context: GatewayContext): void {
  app.get<{ Params: { api: string; id: string } }>("/:api/:id", async (request, reply) => {
    const { api, id } = request.params;

    if (!isApiName(api)) return sendError(request, reply, new GatewayError("invalid_api_name", { api }));
    if (!isRequestId(id)) return sendError(request, reply, new GatewayError("invalid_request_id", { id }));

    await resolveApi(context, api);

    let lookup: StatusLookup;
    try {
      lookup = await readRequestStatus({ s3: context.s3, bucket: context.config.bucket, layout: context.config.layout, now: context.now }, api, id);
    } catch (error) {
      throw new GatewayError("storage_unavailable", {}, { cause: error });
    }

    // The status changes while the request runs, so no cache may keep an old one.
    reply.header("cache-control", "no-store");

    switch (lookup.kind) {
      case "pending":
        return lookup.body satisfies PendingStatus;
      case "finished":
        return sendRecord(request, reply, lookup);
      case "not_found":
        return sendError(request, reply, new GatewayError("request_not_found", { api, id }));
      case "expired":
        return sendError(request, reply, new GatewayError("request_expired", { api, id }));
      case "invalid_result":
        return sendError(request, reply, new GatewayError("invalid_stored_result", { api, id }, { cause: lookup.error }));
    }
  });
}

/**
 * Streams a stored result.json as the reply, unparsed, so memory stays constant
 * whatever the result's size and its numbers stay exact. When S3 fails after the
 * headers went out, fastify destroys the connection, so the client sees a
 * body shorter than its Content-Length rather than a truncated JSON that looks whole.
 */
function sendRecord(request: FastifyRequest, reply: FastifyReply, lookup: Extract<StatusLookup, { kind: "finished" }>): FastifyReply {
  const { body, contentLength } = lookup.record;

  body.once("error", (error) => {
    request.log.error({ err: error, key: lookup.key }, "reading the stored result failed during the reply, closing the connection");
  });
  reply.header("content-type", "application/json");
  if (contentLength !== undefined) reply.header("content-length", contentLength);

  // A HEAD reply has no body, and fastify would read the whole object to discard it.
  if (request.method === "HEAD") {
    body.destroy();
    return reply.send(Readable.from([]));
  }
  return reply.send(body);
}
