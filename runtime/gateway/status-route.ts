import type { FastifyInstance } from "fastify";
import { isRequestId } from "../shared/request-id.js";
import { isApiName } from "../shared/storage-layout.js";
import { GatewayError, sendError } from "./errors.js";
import { resolveApi, type GatewayContext } from "./gateway-context.js";
import { readRequestStatus, type StatusBody, type StatusLookup } from "./request-status.js";

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
      case "found":
        return lookup.body satisfies StatusBody;
      case "not_found":
        return sendError(request, reply, new GatewayError("request_not_found", { api, id }));
      case "expired":
        return sendError(request, reply, new GatewayError("request_expired", { api, id }));
      case "invalid_result":
        return sendError(request, reply, new GatewayError("invalid_stored_result", { api, id }, { cause: lookup.error }));
    }
  });
}
