import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CortexClient } from "../../../runtime/client/index.js";
import { assertPortFree, findFreePort } from "../../../runtime/cli/dev/ports.js";

// Runs `cortex dev` with the hello-world example as a separate process, the way
// `npm start` does, and drives it over HTTP on 127.0.0.1 through the CLI and the client.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "runtime/cli/bin.js");
const ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Generous, because the machine may be busy with other test runs. */
const STARTUP_TIMEOUT_MS = 120_000;

interface DevLogLine {
  msg: string;
  process?: string;
  pid?: number;
  dataDir?: string;
}

let dev: ChildProcess;
let stdout = "";
let devLog: DevLogLine[] = [];
let ports: { user: number; gateway: number; admin: number };
let client: CortexClient;

/** Parses the JSON lines `cortex dev` logged about itself (prefixed "dev |"). */
function parseDevLog(stderr: string): DevLogLine[] {
  return stderr
    .split("\n")
    .filter((line) => /^dev\s+\| \{/.test(line))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as DevLogLine);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; cortex dev printed:\n${stdout}`);
    if (dev.exitCode !== null) throw new Error(`cortex dev exited with ${dev.exitCode} while waiting for ${what}:\n${stdout}`);
    await sleep(100);
  }
}

function startedPids(name: string): number[] {
  return devLog.filter((line) => line.process === name && line.pid !== undefined).map((line) => line.pid!);
}

/** Runs the `cortex` bin and returns its exit code and output. */
async function cortex(args: string[], input?: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (err += chunk));
  child.stdin!.end(input ?? "");

  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout: out, stderr: err };
}

function isGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, "ESRCH");
    return false;
  }
}

before(async () => {
  ports = { user: await findFreePort(), gateway: await findFreePort(), admin: await findFreePort() };
  dev = spawn(
    process.execPath,
    [
      BIN,
      "dev",
      "--name", "hello-world",
      "--port", String(ports.user),
      "--gateway-port", String(ports.gateway),
      "--admin-port", String(ports.admin),
      "--readiness-http", "/healthz",
      "--",
      "node", "examples/hello-world/server.js",
    ],
    // HOST keeps the example server on loopback, as `npm start` does.
    { cwd: ROOT, env: { ...process.env, HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] },
  );

  let stderr = "";
  dev.stdout!.on("data", (chunk) => (stdout += chunk));
  dev.stderr!.on("data", (chunk) => {
    stderr += chunk;
    devLog = parseDevLog(stderr);
  });

  await waitFor(() => stdout.includes("hello-world is ready"), "cortex dev to report ready", STARTUP_TIMEOUT_MS);
  client = new CortexClient({ endpoint: `http://127.0.0.1:${ports.gateway}` });
});

after(async () => {
  // Only reached with processes left when a test failed before the SIGTERM test.
  if (dev.exitCode === null && dev.signalCode === null) {
    dev.kill("SIGKILL");
    for (const name of ["gateway", "dequeuer", "hello-world"]) {
      for (const pid of startedPids(name)) if (isGroupAlive(pid)) process.kill(-pid, "SIGKILL");
    }
  }
});

test("ready message prints curl and CLI commands", () => {
  assert.match(stdout, new RegExp(`curl -X POST http://127.0.0.1:${ports.gateway}/hello-world -H 'Content-Type: application/json'`));
  assert.match(stdout, new RegExp(`curl http://127.0.0.1:${ports.gateway}/hello-world/<id>`));
  assert.match(stdout, new RegExp(`npx cortex submit hello-world - --content-type application/json --endpoint http://127.0.0.1:${ports.gateway}`));
  assert.match(stdout, new RegExp(`npx cortex get hello-world <id> --wait --endpoint http://127.0.0.1:${ports.gateway}`));
});

test("example server listens on loopback", () => {
  assert.match(stdout, new RegExp(`hello-world \\| \\{"msg":"hello-world listening","host":"127.0.0.1","port":${ports.user}\\}`));
});

test("client request completes with the example result", async () => {
  const { id } = await client.submit("hello-world", { text: "hello world" });
  assert.match(id, ID_SHAPE);

  const response = await client.wait("hello-world", id, { timeoutMs: 60_000, intervalMs: 100 });
  assert.equal(response.status, "completed");
  assert.deepEqual(response.result, { message: "hello world", text: "hello world", request_id: id });
  assert.equal(typeof response.timestamp, "string");
});

test("CLI submit and get complete a request", async () => {
  const submitted = await cortex(
    ["submit", "hello-world", "-", "--content-type", "application/json", "--endpoint", `http://127.0.0.1:${ports.gateway}`],
    '{"text":"from the CLI"}',
  );
  assert.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  assert.match(id, ID_SHAPE);

  const fetched = await cortex(["get", "hello-world", id, "--wait", "--timeout", "60", "--endpoint", `http://127.0.0.1:${ports.gateway}`]);
  assert.equal(fetched.code, 0, fetched.stderr);
  const response = JSON.parse(fetched.stdout);
  assert.equal(response.status, "completed");
  assert.deepEqual(response.result, { message: "hello world", text: "from the CLI", request_id: id });
});

test("cli.yaml for the server points at the gateway", async () => {
  const dataDir = devLog.find((line) => line.msg === "embedded endpoint started")?.dataDir;
  assert.ok(dataDir, "cortex dev logged no data directory");

  const chained = await CortexClient.fromConfig(join(dataDir, "client"));
  assert.equal(chained.endpoint, `http://127.0.0.1:${ports.gateway}`);

  const { id } = await chained.submit("hello-world", { text: "chained" });
  const response = await chained.wait("hello-world", id, { timeoutMs: 60_000, intervalMs: 100 });
  assert.equal(response.status, "completed");
});

test("killed server is restarted", async () => {
  const [firstPid] = startedPids("hello-world");
  assert.ok(firstPid);
  process.kill(firstPid, "SIGKILL");

  await waitFor(() => devLog.some((line) => line.msg === "process restarted" && line.process === "hello-world"), "the restart", 60_000);
  assert.ok(startedPids("hello-world").length >= 2);

  // A request sent while the server restarts is held back by the readiness probe or
  // retried by the dequeuer, so it still completes.
  const { id } = await client.submit("hello-world", { text: "after restart" });
  const response = await client.wait("hello-world", id, { timeoutMs: 60_000, intervalMs: 100 });
  assert.equal(response.status, "completed");
  assert.deepEqual(response.result, { message: "hello world", text: "after restart", request_id: id });
});

test("SIGTERM stops every process and frees the ports", async () => {
  const pids = ["gateway", "dequeuer", "hello-world"].flatMap(startedPids);
  const dataDir = devLog.find((line) => line.msg === "embedded endpoint started")?.dataDir;
  assert.equal(pids.length >= 3, true);
  assert.ok(dataDir);

  const exited = once(dev, "exit");
  dev.kill("SIGTERM");
  const [code] = (await exited) as [number | null];

  assert.equal(code, 0);
  for (const pid of pids) assert.equal(isGroupAlive(pid), false, `process group ${pid} is still running`);
  await assertPortFree(ports.user, "--port");
  await assertPortFree(ports.gateway, "--gateway-port");
  await assertPortFree(ports.admin, "--admin-port");
  assert.equal(existsSync(dataDir), false);
  assert.ok(devLog.some((line) => line.msg === "stopped"));
});

test("missing server command exits 1", async () => {
  const child = spawn(
    process.execPath,
    [
      BIN,
      "dev",
      "--port", String(await findFreePort()),
      "--gateway-port", String(await findFreePort()),
      "--",
      "/nonexistent/cortex-test-server",
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));

  const [code] = (await once(child, "exit")) as [number | null];

  assert.equal(code, 1);
  assert.match(stderr, /failed to start hello-world: spawn \/nonexistent\/cortex-test-server ENOENT/);
  const log = parseDevLog(stderr);
  for (const line of log.filter((entry) => entry.pid !== undefined)) {
    assert.equal(isGroupAlive(line.pid!), false, `${line.process} is still running`);
  }
  assert.ok(log.some((line) => line.msg === "stopped"));
});
