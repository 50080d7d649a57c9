import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { DequeuerMetrics } from "./metrics.js";
import type { Readiness } from "./readiness.js";

export interface AdminServerOptions {
  host: string;
  port: number;
  readiness: Readiness;
  metrics: DequeuerMetrics;
  isDraining(): boolean;
  /** Starts the drain and resolves once no request is in flight. */
  drain(reason: string): Promise<void>;
  logger: Logger;
}

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Serves the pod's readiness (`/healthz`), Prometheus metrics (`/metrics`) and
 * the preStop hook of the user containers (`/drain`), which keeps them running
 * until the requests in flight are done.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { readiness, metrics, logger } = options;

  const routes: Record<string, (response: ServerResponse) => Promise<void> | void> = {
    "/healthz": (response) => {
      if (options.isDraining()) return sendJson(response, 503, { status: "draining" });
      if (readiness.isReady()) return sendJson(response, 200, { status: "ready" });
      sendJson(response, 503, { status: "not ready", failing: readiness.failing() });
    },
    "/metrics": async (response) => {
      const text = await metrics.registry.metrics();
      response.writeHead(200, { "content-type": metrics.registry.contentType });
      response.end(text);
    },
    // NOTE: the admin port listens on the pod's IP without authentication, because
    // the kubelet calls /drain there. Until a NetworkPolicy limits the port, any pod
    // that reaches the IP can drain this replica, which then exits and restarts.
    "/drain": async (response) => {
      await options.drain("drain requested on the admin port");
      sendJson(response, 200, { status: "drained" });
    },
  };

  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://admin").pathname;
    const route = routes[path];

    if (!route) return sendJson(response, 404, { error: `no route ${path}: use /healthz, /metrics or /drain` });
    if (request.method !== "GET") {
      response.setHeader("allow", "GET");
      return sendJson(response, 405, { error: `method ${request.method} is not allowed on ${path}, use GET` });
    }

    Promise.resolve(route(response)).catch((error: unknown) => {
      logger.error({ err: error, path }, "admin request failed");
      if (!response.headersSent) sendJson(response, 500, { error: `${path} failed: ${(error as Error).message}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: options.host, port }, "admin server listening");

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // close() lets responses under way finish, and ends idle keep-alive connections.
        // A client that keeps its connection open after that is cut off after a second.
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
