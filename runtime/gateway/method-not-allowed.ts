import type { FastifyInstance } from "fastify";
import { GatewayError, sendError } from "./errors.js";

/** Registers a 405 reply, with an Allow header, for every method of `url` other than `allowed`. */
export function registerMethodNotAllowed(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const allow = allowed.join(", ");

  app.route({
    method: app.supportedMethods.filter((method) => !allowed.includes(method)),
    url,
    exposeHeadRoute: false,
    handler: (request, reply) => {
      reply.header("allow", allow);
      return sendError(request, reply, new GatewayError("method_not_allowed", { method: request.method, url: request.url, allow: allowed.join(" or ") }));
    },
  });
}
