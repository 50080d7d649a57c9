// A minimal Async API server with no dependencies. The dequeuer POSTs each queued
// payload to `/` with the original content type and headers plus X-Cortex-Request-ID,
// and stores the JSON this server responds with as the request's result.
import { createServer } from "node:http";

const port = Number(process.env.CORTEX_PORT ?? 8080);

// In a pod the dequeuer calls 127.0.0.1, but a kubelet readiness probe set on this
// container calls the pod's IP, so the default is every interface. `npm start`
// sets HOST=127.0.0.1 to keep the server private to the machine.
const host = process.env.HOST || "0.0.0.0";

const server = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/healthz") {
    respond(response, 200, { status: "ok" });
    return;
  }
  if (request.method !== "POST" || request.url !== "/") {
    respond(response, 404, { error: `no route for ${request.method} ${request.url}` });
    return;
  }

  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let payload;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (error) {
      respond(response, 400, { error: `payload is not valid JSON: ${error.message}` });
      return;
    }

    respond(response, 200, {
      message: "hello world",
      text: payload?.text ?? null,
      request_id: request.headers["x-cortex-request-id"] ?? null,
    });
  });
});

function respond(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

server.listen(port, host, () => {
  console.log(JSON.stringify({ msg: "hello-world listening", host, port }));
});

// Finish the requests in flight, then exit, so a request is never cut off mid-response.
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
