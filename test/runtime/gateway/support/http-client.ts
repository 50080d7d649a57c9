import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** A whole body, or chunks written one by one (chunked unless a content-length header is set). */
  body?: Buffer | string | Iterable<Buffer>;
}

/**
 * Sends one request over a new connection and resolves with the response. The
 * path is sent as written, without the dot-segment removal of WHATWG URL parsing.
 * A response that arrives before the body is fully written still resolves,
 * because the gateway may reject a body early and close the connection.
 */
export function sendHttp(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const [, hostname, port, path] = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url) ?? [];
  if (hostname === undefined) throw new Error(`sendHttp needs a URL such as http://127.0.0.1:8080/path, got ${url}`);

  return new Promise((resolve, reject) => {
    const request = httpRequest({
      hostname,
      port: Number(port),
      path: path ?? "/",
      method: options.method ?? "GET",
      headers: options.headers,
      agent: false,
    });
    let responded = false;

    request.on("response", (response) => {
      responded = true;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", (error) => {
      // Writes after an early reply fail once the gateway closes the connection.
      if (!responded) reject(error);
    });

    void writeBody(request, options.body).catch(() => undefined);
  });
}

export function jsonOf(response: HttpResponse): unknown {
  return JSON.parse(response.body.toString("utf8"));
}

async function writeBody(request: ReturnType<typeof httpRequest>, body: HttpRequestOptions["body"]): Promise<void> {
  if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) {
    request.end(body);
    return;
  }

  for (const chunk of body) {
    if (request.destroyed) return;
    if (!request.write(chunk)) await drained(request);
  }
  request.end();
}

/** Waits until `request` can take more data or has closed. */
function drained(request: ReturnType<typeof httpRequest>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off("drain", done);
      request.off("close", done);
      resolve();
    };
    request.on("drain", done);
    request.on("close", done);
  });
}
