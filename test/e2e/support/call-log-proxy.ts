import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { queueName, requestIdOfKey, s3Target, sqsOperation } from "./aws-operations.js";

// A logging HTTP proxy in front of the embedded endpoint. Each client (the gateway,
// the dequeuers) gets its own proxy port, so every S3 and SQS call is recorded with
// the client that sent it, the operation and the request ids it concerns. The
// clients sign their requests for the proxy's host, so the Host header passes
// through unchanged and the endpoint checks the signature against it.

export type AwsService = "s3" | "sqs";

/** One call to the endpoint, recorded when its response has ended. */
export interface AwsCall {
  /** Label of the proxy the call came through, such as "gateway" or "dequeuer". */
  client: string;
  service: AwsService;
  operation: string;
  /** Requests the call concerns: from the object key, the message body or the receipt handle. */
  requestIds: string[];
  /** Queue name, for SQS calls. */
  queue?: string;
  /** Messages returned, for ReceiveMessage. */
  messages?: number;
  statusCode: number;
  /** Unix times in milliseconds. */
  startedAt: number;
  endedAt: number;
}

/** Calls in the order their responses ended, shared by every proxy of one endpoint. */
export class AwsCallLog {
  readonly calls: AwsCall[] = [];
  /** Request id of each receipt handle seen in a ReceiveMessage response. */
  readonly receipts = new Map<string, string>();
}

export interface CallLogProxy {
  readonly url: string;
  close(): Promise<void>;
}

// Connection-level headers that apply to one hop only.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "upgrade"]);

function forwardedHeaders(headers: IncomingMessage["headers"]): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => resolve(Buffer.concat(chunks)));
    stream.once("error", reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function messageRequestId(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  const id = parseJson(Buffer.from(body)).id;
  return typeof id === "string" ? id : undefined;
}

/** Starts a proxy on 127.0.0.1 that forwards to `target` (an http:// origin) and records each call in `log`. */
export async function startCallLogProxy(options: { client: string; service: AwsService; target: string; log: AwsCallLog }): Promise<CallLogProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true });
  const handle = options.service === "sqs" ? proxySqs : proxyS3;

  const server = http.createServer((request, response) => {
    handle({ ...options, target, agent }, request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ msg: "proxying a call failed", client: options.client, method: request.method, url: request.url, err: String(error) }));
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end(`proxy error: ${(error as Error).message}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}

interface ProxyContext {
  client: string;
  service: AwsService;
  target: URL;
  agent: http.Agent;
  log: AwsCallLog;
}

function upstreamRequest(context: ProxyContext, request: IncomingMessage): http.ClientRequest {
  return http.request({
    host: context.target.hostname,
    port: context.target.port,
    method: request.method,
    path: request.url,
    headers: forwardedHeaders(request.headers),
    agent: context.agent,
  });
}

/** SQS calls are small, so bodies are read whole, which lets the log name the request ids. */
async function proxySqs(context: ProxyContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const startedAt = Date.now();
  const body = await readAll(request);

  const upstream = upstreamRequest(context, request);
  upstream.end(body);
  const [reply] = (await new Promise((resolve, reject) => {
    upstream.once("response", (message) => resolve([message]));
    upstream.once("error", reject);
  })) as [IncomingMessage];
  const replyBody = await readAll(reply);
  response.writeHead(reply.statusCode ?? 502, forwardedHeaders(reply.headers));
  response.end(replyBody);

  const operation = sqsOperation(request.headers["x-amz-target"]);
  const input = parseJson(body);
  const output = parseJson(replyBody);
  const call: AwsCall = {
    client: context.client,
    service: "sqs",
    operation,
    requestIds: [],
    statusCode: reply.statusCode ?? 0,
    startedAt,
    endedAt: Date.now(),
  };
  const queue = queueName(input.QueueUrl);
  if (queue !== undefined) call.queue = queue;

  if (operation === "SendMessage") {
    const id = messageRequestId(input.MessageBody);
    if (id !== undefined) call.requestIds.push(id);
  } else if (operation === "ReceiveMessage") {
    const messages = Array.isArray(output.Messages) ? (output.Messages as Array<Record<string, unknown>>) : [];
    call.messages = messages.length;
    for (const message of messages) {
      const id = messageRequestId(message.Body);
      if (id === undefined) continue;
      call.requestIds.push(id);
      if (typeof message.ReceiptHandle === "string") context.log.receipts.set(message.ReceiptHandle, id);
    }
  } else if (typeof input.ReceiptHandle === "string") {
    const id = context.log.receipts.get(input.ReceiptHandle);
    if (id !== undefined) call.requestIds.push(id);
  }
  context.log.calls.push(call);
}

/** S3 bodies can be large, so both directions are streamed. */
async function proxyS3(context: ProxyContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const startedAt = Date.now();
  const { operation, key } = s3Target(request.method ?? "GET", request.url ?? "/", request.headers);

  const upstream = upstreamRequest(context, request);
  request.pipe(upstream);
  // A client that goes away mid-upload aborts the upstream request too.
  request.once("close", () => {
    if (!request.complete) upstream.destroy();
  });

  const reply = await new Promise<IncomingMessage>((resolve, reject) => {
    upstream.once("response", resolve);
    upstream.once("error", reject);
  });
  response.writeHead(reply.statusCode ?? 502, forwardedHeaders(reply.headers));
  reply.pipe(response);
  await new Promise<void>((resolve) => response.once("close", resolve));

  const id = requestIdOfKey(key);
  context.log.calls.push({
    client: context.client,
    service: "s3",
    operation,
    requestIds: id === undefined ? [] : [id],
    statusCode: reply.statusCode ?? 0,
    startedAt,
    endedAt: Date.now(),
  });
}
