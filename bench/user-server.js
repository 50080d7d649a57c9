// The benchmark's user server. It records when each request's headers arrive, as
// Unix milliseconds with sub-millisecond precision, so the benchmark can compare
// them with the times its submits returned (same machine, same clock). A JSON
// payload may set {"workMs": n} to make the server take n ms before it responds,
// and {"responseBytes": n} to make it respond with a JSON array of n bytes made
// of small objects (bench/json-array-body.js) in place of {"ok": true}.
//
//   POST /         the dequeuer's requests; responds {"ok": true} or that array
//   GET /received  {"<request id>": <receive time>, ...} for every request so far
//   GET /healthz   200
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { jsonArrayChunks } from "./json-array-body.js";

const received = {};

function now() {
  return performance.timeOrigin + performance.now();
}

function respond(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Parses a small JSON object payload, or returns {} for any other payload. */
function parseSmallPayload(body, contentType) {
  if (!contentType?.startsWith("application/json") || body.length > 4096) return {};
  try {
    const payload = JSON.parse(body.toString("utf8"));
    return typeof payload === "object" && payload !== null ? payload : {};
  } catch {
    return {};
  }
}

function workMsOf(payload) {
  const workMs = Number(payload.workMs);
  return Number.isFinite(workMs) && workMs > 0 ? workMs : 0;
}

/** Streams a JSON array of exactly `bytes` bytes, generated as the socket drains, so the server keeps little of it in memory. */
function respondWithArray(response, bytes) {
  response.writeHead(200, { "content-type": "application/json", "content-length": String(bytes) });
  return pipeline(Readable.from(jsonArrayChunks(bytes)), response);
}

const server = createServer((request, response) => {
  const receivedAt = now();

  if (request.method === "GET" && request.url === "/received") return respond(response, 200, received);
  if (request.method === "GET" && request.url === "/healthz") return respond(response, 200, { status: "ok" });
  if (request.method !== "POST" || request.url !== "/") return respond(response, 404, { error: `no route for ${request.method} ${request.url}` });

  const id = request.headers["x-cortex-request-id"];
  if (typeof id === "string") received[id] = receivedAt;

  // Only the start of the body is kept: enough to read workMs and responseBytes, nothing of a large upload.
  const start = [];
  let kept = 0;
  request.on("data", (chunk) => {
    if (kept > 4096) return;
    start.push(chunk);
    kept += chunk.length;
  });
  request.on("end", () => {
    const payload = parseSmallPayload(Buffer.concat(start), request.headers["content-type"]);
    const { responseBytes } = payload;

    if (responseBytes === undefined) return void setTimeout(() => respond(response, 200, { ok: true }), workMsOf(payload));
    if (!Number.isSafeInteger(responseBytes) || responseBytes < 2) {
      return respond(response, 400, { error: `responseBytes ${JSON.stringify(responseBytes)} is invalid: use an integer of at least 2` });
    }
    setTimeout(() => {
      respondWithArray(response, responseBytes).catch((error) => {
        console.error(JSON.stringify({ msg: "streaming the JSON array failed", requestId: id, responseBytes, err: String(error) }));
      });
    }, workMsOf(payload));
  });
});

server.listen(Number(process.env.CORTEX_PORT ?? 8080), "127.0.0.1", () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
