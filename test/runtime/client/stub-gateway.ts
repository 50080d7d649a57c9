import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the stub gateway received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StubReply {
  status: number;
  body: string;
  contentType?: string;
}

export type StubHandler = (request: ReceivedRequest) => StubReply;

export interface StubGateway {
  readonly endpoint: string;
  readonly received: ReceivedRequest[];
  /** Replaces the function that builds the responses. */
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

export function json(status: number, value: unknown): StubReply {
  return { status, body: JSON.stringify(value), contentType: "application/json" };
}

/**
 * Starts an HTTP server on 127.0.0.1 that records every request and responds with
 * the current handler, so client tests run over real HTTP without the gateway.
 */
export async function startStubGateway(): Promise<StubGateway> {
  const received: ReceivedRequest[] = [];
  let handler: StubHandler = () => json(500, { message: "no handler set" });

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = { method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks) };
      received.push(entry);

      const reply = handler(entry);
      response.writeHead(reply.status, { "content-type": reply.contentType ?? "text/plain" });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
