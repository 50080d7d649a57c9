import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { findFreePort } from "../../../runtime/cli/dev/ports.js";

const SERVER = fileURLToPath(new URL("../../../examples/hello-world/server.js", import.meta.url));

let server: ChildProcess;
let base: string;

before(async () => {
  const port = await findFreePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [SERVER], { env: { ...process.env, CORTEX_PORT: String(port), HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "inherit"] });

  // The server prints one JSON line once it listens.
  const [firstLine] = (await once(server.stdout!, "data")) as [Buffer];
  assert.deepEqual(JSON.parse(firstLine.toString()), { msg: "hello-world listening", host: "127.0.0.1", port });
});

after(() => {
  if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
});

test("healthz responds 200", async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
});

test("POST / greets with the text and request id", async () => {
  const response = await fetch(`${base}/`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-cortex-request-id": "abc-123" },
    body: JSON.stringify({ text: "hello world" }),
  });

  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(await response.json(), { message: "hello world", text: "hello world", request_id: "abc-123" });
});

test("invalid JSON payload gets 400", async () => {
  const response = await fetch(`${base}/`, { method: "POST", body: "{not json" });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { error: string };
  assert.match(body.error, /payload is not valid JSON/);
});

test("other routes get 404", async () => {
  const response = await fetch(`${base}/other`, { method: "POST", body: "{}" });
  assert.equal(response.status, 404);
});

test("SIGTERM exits 0", async () => {
  const exited = once(server, "exit");
  server.kill("SIGTERM");
  const [code, signal] = await exited;
  assert.equal(code, 0);
  assert.equal(signal, null);
});
