import type { IncomingMessage } from "node:http";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { isRequestId, newRequestId } from "../shared/request-id.js";
import { replyToClientError } from "./client-error.js";
import type { GatewayConfig } from "./config.js";
import { GatewayError, sendError } from "./errors.js";
import type { GatewayContext } from "./gateway-context.js";
import { CONNECTION_IDLE_MS, MAX_HEADER_BYTES, MAX_PARAM_CHARS } from "./limits.js";
import { registerMethodNotAllowed } from "./method-not-allowed.js";
import { ApiRegistry } from "./registry.js";
import { registerStatusRoute } from "./status-route.js";
import { registerSubmitRoute } from "./submit-route.js";

export interface GatewayOptions {
  config: GatewayConfig;
  s3: S3Client;
  sqs: SQSClient;
  /** A pino logger. Each request logs through a child of it. */
  logger: FastifyBaseLogger;
  /** Clock in Unix milliseconds, for the registry cache and the expiry of old request ids. @default Date.now */
  now?: () => number;
}

/**
 * Builds the gateway's fastify app without listening, so callers can `inject()`
 * requests or `listen()` on a port of their choice. Routing is by path only:
 * `POST /<api>` submits, `GET /<api>/<id>` reads a status, `GET /healthz` checks liveness.
 */
export function buildGateway(options: GatewayOptions): FastifyInstance {
  const { config, s3, sqs } = options;
  const now = options.now ?? Date.now;

  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: requestIdOf,
    // The onResponse hook logs each request once, with its API name.
    logController: new LogController({ requestIdLogLabel: "requestId", disableRequestLogging: true }),
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    connectionTimeout: CONNECTION_IDLE_MS,
    routerOptions: { maxParamLength: MAX_PARAM_CHARS },
    clientErrorHandler: replyToClientError,
    // The onRequest hook replies 503 while closing, in the same JSON shape as every other error.
    return503OnClosing: false,
    // Raised by the router for bad percent-encoding or a path segment above MAX_PARAM_CHARS.
    frameworkErrors: (_error, request, reply) => sendError(request, reply, new GatewayError("invalid_url", { url: request.url })),
  });

  const registry = new ApiRegistry({ s3, bucket: config.bucket, layout: config.layout, cacheSeconds: config.registryCacheSeconds, now });
  const context: GatewayContext = { config, s3, sqs, registry, now };

  // Bodies are streamed to S3 by the submit route, so no parser may read them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));

  // Requests that arrive on an open connection after close() started, such as
  // pipelined ones, are turned away while in-flight requests finish.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });

  app.addHook("onRequest", async (request, reply) => {
    const api = (request.params as { api?: string } | undefined)?.api;
    if (api !== undefined) {
      request.log = request.log.child({ api: api.slice(0, MAX_PARAM_CHARS) });
      reply.log = request.log;
    }

    if (closing) {
      reply.header("connection", "close");
      return sendError(request, reply, new GatewayError("shutting_down", {}));
    }
  });
  app.addHook("onResponse", async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, "request completed");
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof GatewayError) return sendError(request, reply, error);
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return sendError(request, reply, new GatewayError("invalid_content_type", { contentType: request.headers["content-type"] ?? "" }));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(request, reply, new GatewayError("bad_request", { detail: error.message }));
    }
    return sendError(request, reply, new GatewayError("internal_error", {}, { cause: error }));
  });
  const replyRouteNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendError(request, reply, new GatewayError("route_not_found", { method: request.method, url: request.url }));
  app.setNotFoundHandler(replyRouteNotFound);
  // The router would match "/" as `/:api` with an empty name.
  app.all("/", replyRouteNotFound);

  // Probes call this every few seconds, so its lines are logged only at warn and above.
  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "ok" }));
  registerSubmitRoute(app, context);
  registerStatusRoute(app, context);
  registerMethodNotAllowed(app, "/:api", ["POST"]);
  registerMethodNotAllowed(app, "/:api/:id", ["GET", "HEAD"]);

  return app;
}

/**
 * Chooses fastify's request id, which every log line of a request carries. A
 * submit gets a new request id, and the submit route stores the request under it.
 * `GET /<api>/<id>` reuses the id it reads, so one id finds the submit and every poll.
 */
function requestIdOf(raw: IncomingMessage): string {
  if (raw.method === "GET" || raw.method === "HEAD") {
    const path = (raw.url ?? "").split("?")[0] ?? "";
    const segments = path.split("/");
    const id = segments[2];
    if (segments.length === 3 && id !== undefined && isRequestId(id)) return id;
  }
  return newRequestId();
}
