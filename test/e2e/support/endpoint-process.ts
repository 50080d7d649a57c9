import http from "node:http";
import type { AddressInfo } from "node:net";
import { startEmbeddedEndpoint } from "../../../runtime/local/embedded-endpoint.js";
import { AwsCallLog, startCallLogProxy, type CallLogProxy } from "./call-log-proxy.js";

// The embedded SQS/S3 endpoint in a process of its own, as AWS is to a cluster,
// with one logging proxy per client in front of it.
//
// Environment: DATA_DIR (where S3 objects are stored) and CALL_LOG_CLIENTS (a
// comma-separated list of client labels). Once listening, it prints one JSON line:
//   {"endpointReady": true, "sqsEndpoint", "s3Endpoint", "controlUrl",
//    "proxies": {"<client>": {"sqs": "<url>", "s3": "<url>"}}}
// `GET <controlUrl>/calls?from=<n>` returns `{"calls": [...], "next": <n>}`: the calls
// recorded from index n on. SIGTERM stops it.

const dataDir = process.env.DATA_DIR;
if (!dataDir) {
  console.error("DATA_DIR is missing: set it to the directory for S3 objects");
  process.exit(1);
}
const clients = (process.env.CALL_LOG_CLIENTS ?? "").split(",").filter(Boolean);

const endpoint = await startEmbeddedEndpoint({ dataDir });
const log = new AwsCallLog();

const proxies: CallLogProxy[] = [];
const proxyUrls: Record<string, { sqs: string; s3: string }> = {};
for (const client of clients) {
  const sqs = await startCallLogProxy({ client, service: "sqs", target: endpoint.sqsEndpoint, log });
  const s3 = await startCallLogProxy({ client, service: "s3", target: endpoint.s3Endpoint, log });
  proxies.push(sqs, s3);
  proxyUrls[client] = { sqs: sqs.url, s3: s3.url };
}

const control = http.createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://control");
  if (request.method !== "GET" || url.pathname !== "/calls") {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: `no route ${request.method} ${url.pathname}: use GET /calls?from=<n>` }));
    return;
  }
  const from = Number(url.searchParams.get("from") ?? 0);
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ calls: log.calls.slice(from), next: log.calls.length }));
});
await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

console.log(
  JSON.stringify({ endpointReady: true, sqsEndpoint: endpoint.sqsEndpoint, s3Endpoint: endpoint.s3Endpoint, controlUrl, proxies: proxyUrls }),
);

process.once("SIGTERM", async () => {
  control.closeAllConnections();
  control.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await endpoint.stop();
  process.exit(0);
});
