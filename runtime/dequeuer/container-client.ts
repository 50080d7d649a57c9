import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { JsonResponseBody, REASON_BODY_BYTES, contentTypeReason, formatSize, statusReason, type ContainerOutcome } from "./container-response.js";

// Errors that mean no server took the request: refused while the container
// restarts, or reset before any response because it exited mid-request.
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ECONNABORTED"]);

/** Reading the payload from storage failed, so the request has no outcome yet. */
export class PayloadReadError extends Error {
  constructor(cause: unknown) {
    super(`reading the payload failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface ContainerRequest {
  port: number;
  payload: Readable;
  headers: OutgoingHttpHeaders;
  /** Time after which the request is aborted and fails with a timeout. */
  timeoutSeconds: number;
  maxResponseBytes: number;
}

function readBody(response: IncomingMessage, limit: number): Promise<{ body: Buffer; complete: boolean; overLimit: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (complete: boolean, overLimit: boolean) => {
      response.destroy();
      resolve({ body: Buffer.concat(chunks), complete, overLimit });
    };

    response.on("data", (chunk: Buffer) => {
      chunks.push(chunk.subarray(0, Math.max(0, limit - size)));
      size += chunk.length;
      if (size > limit) finish(false, true);
    });
    response.once("end", () => finish(true, false));
    // An error or close before "end" means the container went away mid-response.
    response.on("error", () => finish(false, false));
    response.once("close", () => finish(false, false));
  });
}

type BodyRead = { kind: "ended" } | { kind: "failed"; reason: string } | { kind: "closed" };

/**
 * Feeds a response body to `body` chunk by chunk as it arrives. Stops at the
 * first byte that cannot be JSON, or once the body passes `limit` bytes.
 */
function readJsonBody(response: IncomingMessage, body: JsonResponseBody, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    let size = 0;
    let settled = false;
    const finish = (read: BodyRead) => {
      if (settled) return;
      settled = true;
      response.destroy();
      resolve(read);
    };

    response.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        finish({ kind: "failed", reason: `response is larger than ${formatSize(limit)}` });
        return;
      }
      const reason = body.write(chunk);
      if (reason !== undefined) finish({ kind: "failed", reason });
    });
    response.once("end", () => finish({ kind: "ended" }));
    response.on("error", () => finish({ kind: "closed" }));
    response.once("close", () => finish({ kind: "closed" }));
  });
}

async function readOutcome(response: IncomingMessage, maxResponseBytes: number): Promise<ContainerOutcome> {
  const statusCode = response.statusCode ?? 0;

  if (statusCode < 200 || statusCode > 299) {
    const { body } = await readBody(response, REASON_BODY_BYTES);
    return { kind: "failed", statusCode, reason: statusReason(statusCode, body) };
  }

  const contentType = response.headers["content-type"];
  const typeReason = contentTypeReason(contentType);
  if (typeReason) {
    response.destroy();
    return { kind: "failed", statusCode, reason: typeReason };
  }

  const declaredLength = Number(response.headers["content-length"] ?? 0);
  if (declaredLength > maxResponseBytes) {
    response.destroy();
    return { kind: "failed", statusCode, reason: `response is larger than ${formatSize(maxResponseBytes)}` };
  }

  const opened = JsonResponseBody.open(contentType ?? "");
  if (!opened.ok) {
    response.destroy();
    return { kind: "failed", statusCode, reason: opened.reason };
  }

  const read = await readJsonBody(response, opened.body, maxResponseBytes);
  if (read.kind === "failed") return { kind: "failed", statusCode, reason: read.reason };
  if (read.kind === "closed") return { kind: "failed", statusCode, reason: "container closed the connection before the response ended" };

  const body = opened.body.end();
  if (!body.ok) return { kind: "failed", statusCode, reason: body.reason };
  return { kind: "completed", statusCode, result: body.json };
}

/**
 * POSTs a payload, streamed, to `/` of the user's server on loopback and
 * classifies the response. Resolves with the outcome, and rejects only with a
 * PayloadReadError when the payload stream fails.
 */
export function postToContainer(request: ContainerRequest): Promise<ContainerOutcome> {
  const { payload } = request;

  return new Promise((resolve, reject) => {
    let settled = false;
    let responded = false;

    // A fresh connection per request: a pooled socket that the server closed
    // while idle would fail with ECONNRESET and look like a restarting container.
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request({ host: "127.0.0.1", port: request.port, method: "POST", path: "/", headers: request.headers, agent: false });
    } catch (error) {
      // Node rejects invalid headers before connecting.
      payload.destroy();
      resolve({ kind: "failed", reason: `request to the container failed: ${(error as Error).message}` });
      return;
    }

    const settle = (outcome: ContainerOutcome | PayloadReadError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      payload.destroy();
      if (outcome instanceof PayloadReadError) reject(outcome);
      else resolve(outcome);
    };

    const timer = setTimeout(
      () => settle({ kind: "failed", reason: `timed out after ${request.timeoutSeconds} s` }),
      request.timeoutSeconds * 1000,
    );

    payload.on("error", (error) => settle(new PayloadReadError(error)));

    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      // Once a response has arrived, readOutcome decides, and a late write error changes nothing.
      if (responded) return;
      if (error.code && UNREACHABLE_CODES.has(error.code)) {
        settle({ kind: "unreachable", reason: error.message });
        return;
      }
      settle({ kind: "failed", reason: `request to the container failed: ${error.message}` });
    });

    outgoing.on("response", (response) => {
      responded = true;
      readOutcome(response, request.maxResponseBytes).then(settle, (error: Error) =>
        settle({ kind: "failed", reason: `reading the response failed: ${error.message}` }),
      );
    });

    payload.pipe(outgoing);
  });
}
