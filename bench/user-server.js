// The benchmark's user server. It records when each request's headers arrive, as
// Unix milliseconds with sub-millisecond precision, so the benchmark can compare
// them with the times its submits returned (same machine, same clock). A JSON
// payload may set {"workMs": n} to make the server take n ms before it responds.
//
//   POST /         the dequeuer's requests; responds {"ok": true}
//   GET /received  {"<request id>": <receive time>, ...} for every request so far
//   GET /healthz   200
import { createServer } from "node:http";

const received = {};

function now() {
  return performance.timeOrigin + performance.now();
}

function respond(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Returns the payload's workMs, or 0 for a payload that is not a small JSON object. */
function workMsOf(body, contentType) {
  if (!contentType?.startsWith("application/json") || body.length > 4096) return 0;
  try {
    const workMs = Number(JSON.parse(body.toString("utf8")).workMs);
    return Number.isFinite(workMs) && workMs > 0 ? workMs : 0;
  } catch {
    return 0;
  }
}

const server = createServer((request, response) => {
  const receivedAt = now();

  if (request.method === "GET" && request.url === "/received") return respond(response, 200, received);
  if (request.method === "GET" && request.url === "/healthz") return respond(response, 200, { status: "ok" });
  if (request.method !== "POST" || request.url !== "/") return respond(response, 404, { error: `no route for ${request.method} ${request.url}` });

  const id = request.headers["x-cortex-request-id"];
  if (typeof id === "string") received[id] = receivedAt;

  // Only the start of the body is kept: enough to read workMs, nothing of a large upload.
  const start = [];
  let kept = 0;
  request.on("data", (chunk) => {
    if (kept > 4096) return;
    start.push(chunk);
    kept += chunk.length;
  });
  request.on("end", () => {
    const workMs = workMsOf(Buffer.concat(start), request.headers["content-type"]);
    setTimeout(() => respond(response, 200, { ok: true }), workMs);
  });
});

server.listen(Number(process.env.CORTEX_PORT ?? 8080), "127.0.0.1", () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
