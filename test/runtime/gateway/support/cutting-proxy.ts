import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// An HTTP proxy on 127.0.0.1 in front of the embedded S3 endpoint. It breaks
// the connection partway through the body of matching GETs, as a storage node
// that fails mid-transfer would. It can also reply to matching PUTs with S3's
// 503 SlowDown. Every other call passes through unchanged. The Host header passes
// through too, so the endpoint's signature check still holds.

export interface CuttingProxy {
  readonly url: string;
  close(): Promise<void>;
}

export interface CuttingProxyOptions {
  /** URL of the endpoint behind the proxy, such as http://127.0.0.1:4568. */
  target: string;
  /** Returns how many body bytes of a GET of `path` pass before the cut, or undefined to pass all of them. */
  bytesBeforeCut?: (path: string) => number | undefined;
  /** Returns true to reply to a PUT of `path` with 503 SlowDown after reading its body, instead of passing it on. */
  slowDownPut?: (path: string) => boolean;
}

const SLOW_DOWN = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "upgrade"]);

function forwardedHeaders(headers: IncomingMessage["headers"]): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

export async function startCuttingProxy(options: CuttingProxyOptions): Promise<CuttingProxy> {
  const target = new URL(options.target);

  const server = http.createServer((request, response) => {
    if (request.method === "PUT" && options.slowDownPut?.(request.url ?? "")) {
      request.resume();
      request.once("end", () => response.writeHead(503, { "content-type": "application/xml" }).end(SLOW_DOWN));
      return;
    }

    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: forwardedHeaders(request.headers), agent: false },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, forwardedHeaders(reply.headers));
        const limit = request.method === "GET" ? options.bytesBeforeCut?.(request.url ?? "") : undefined;
        if (limit === undefined) {
          reply.pipe(response);
          return;
        }

        let passed = 0;
        reply.on("data", (chunk: Buffer) => {
          const room = limit - passed;
          if (room > 0) response.write(chunk.subarray(0, room));
          passed += chunk.length;
          if (passed >= limit) {
            reply.destroy();
            // Let the bytes already written reach the client before the reset.
            setTimeout(() => response.destroy(), 50);
          }
        });
      },
    );
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
