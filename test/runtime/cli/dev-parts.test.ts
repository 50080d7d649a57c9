import assert from "node:assert/strict";
import { createServer } from "node:net";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { pino } from "pino";
import { startChild } from "../../../runtime/cli/dev/child.js";
import { PortInUseError, assertPortFree, findFreePort } from "../../../runtime/cli/dev/ports.js";
import { probesJson } from "../../../runtime/cli/dev/probes.js";
import { dequeuerEnv, gatewayEnv, userEnv, type DevSettings } from "../../../runtime/cli/dev/process-env.js";
import { FIRST_RESTART_DELAY_MS, supervise } from "../../../runtime/cli/dev/supervisor.js";
import { runCli } from "../../../runtime/cli/run.js";
import { CORTEX_VERSION } from "../../../runtime/shared/version.js";
import { capturedIo } from "./captured-io.js";

const SETTINGS: DevSettings = {
  api: "hello-world",
  bucket: "cortex-dev",
  storagePrefix: "cortex",
  userPort: 8080,
  gatewayPort: 8888,
  adminPort: 8890,
  maxConcurrency: 2,
  readiness: { kind: "http", path: "/healthz" },
  configDir: "/tmp/cortex-dev-x/client",
};

const REGISTRATION = { name: "hello-world", queueUrl: "http://127.0.0.1:1/q.fifo", deadLetterQueueUrl: "http://127.0.0.1:1/d.fifo" };
const LOCAL_AWS = { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:1" };

test("probes poll the user port every second", () => {
  assert.deepEqual(JSON.parse(probesJson({ kind: "http", path: "/healthz" }, 8080)), [
    { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
  ]);
  assert.deepEqual(JSON.parse(probesJson({ kind: "tcp" }, 9000))[0].tcpSocket, { port: 9000 });
});

test("runtime processes get no AWS variables of the shell", () => {
  const shell = { PATH: "/bin", AWS_PROFILE: "prod", AWS_ACCESS_KEY_ID: "AKIA-real", AWS_ENDPOINT_URL: "https://example.invalid" };

  for (const env of [gatewayEnv(shell, LOCAL_AWS, SETTINGS), dequeuerEnv(shell, LOCAL_AWS, SETTINGS, REGISTRATION)]) {
    assert.equal(env.PATH, "/bin");
    assert.equal(env.AWS_PROFILE, undefined);
    assert.equal(env.AWS_ACCESS_KEY_ID, undefined);
    assert.equal(env.AWS_ENDPOINT_URL, undefined);
    assert.equal(env.AWS_ENDPOINT_URL_SQS, "http://127.0.0.1:1");
  }
});

test("gateway listens on loopback", () => {
  const env = gatewayEnv({}, LOCAL_AWS, SETTINGS);
  assert.equal(env.CORTEX_GATEWAY_HOST, "127.0.0.1");
  assert.equal(env.CORTEX_GATEWAY_PORT, "8888");
  assert.equal(env.CORTEX_BUCKET, "cortex-dev");
  assert.equal(env.CORTEX_STORAGE_PREFIX, "cortex");
});

test("dequeuer env follows the settings", () => {
  const env = dequeuerEnv({}, LOCAL_AWS, { ...SETTINGS, maxProcessingSeconds: 60 }, REGISTRATION);
  assert.equal(env.CORTEX_API_NAME, "hello-world");
  assert.equal(env.CORTEX_QUEUE_URL, REGISTRATION.queueUrl);
  assert.equal(env.CORTEX_DEAD_LETTER_QUEUE_URL, REGISTRATION.deadLetterQueueUrl);
  assert.equal(env.CORTEX_USER_PORT, "8080");
  assert.equal(env.CORTEX_MAX_CONCURRENCY, "2");
  assert.equal(env.CORTEX_ADMIN_HOST, "127.0.0.1");
  assert.equal(env.CORTEX_ADMIN_PORT, "8890");
  assert.equal(env.CORTEX_MAX_PROCESSING_SECONDS, "60");
  assert.equal(env.CORTEX_PROBES, probesJson(SETTINGS.readiness, 8080));
  assert.equal(env.CORTEX_POLL_WAIT_SECONDS, "2");
});

test("dequeuer keeps its own processing limit by default", () => {
  assert.equal(dequeuerEnv({}, LOCAL_AWS, SETTINGS, REGISTRATION).CORTEX_MAX_PROCESSING_SECONDS, undefined);
});

test("user server gets the container variables", () => {
  const env = userEnv({ HOME: "/home/u", AWS_PROFILE: "dev" }, SETTINGS);
  assert.equal(env.HOME, "/home/u");
  assert.equal(env.AWS_PROFILE, "dev");
  assert.equal(env.CORTEX_PORT, "8080");
  assert.equal(env.CORTEX_VERSION, CORTEX_VERSION);
  assert.equal(env.CORTEX_CLI_CONFIG_DIR, "/tmp/cortex-dev-x/client");
});

test("port in use names the flag", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  try {
    await assert.rejects(assertPortFree(port, "--gateway-port"), (error: Error) => {
      assert.ok(error instanceof PortInUseError);
      assert.equal(error.message, `port ${port} is already in use: stop the process listening on it, or choose another port with --gateway-port`);
      return true;
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  await assertPortFree(port, "--gateway-port");
});

test("dev exits 1 when a port is in use", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const io = capturedIo();

  try {
    const code = await runCli(["dev", "--port", String(port), "--gateway-port", String(await findFreePort()), "--", "node", "-e", ""], io);
    assert.equal(code, 1);
    assert.match(io.errors(), new RegExp(`cortex dev: port ${port} is already in use: .* --port\\n`));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("child output is prefixed with its name", async () => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let printed = "";
  let errors = "";
  stdout.on("data", (chunk) => (printed += chunk));
  stderr.on("data", (chunk) => (errors += chunk));

  const child = startChild({
    name: "demo",
    command: process.execPath,
    args: ["-e", "console.log('one\\ntwo'); console.error('oops')"],
    env: {},
    stdout,
    stderr,
  });
  const exit = await child.exited;
  await new Promise((resolve) => setImmediate(resolve));

  assert.equal(exit.code, 0);
  assert.equal(printed, "demo | one\ndemo | two\n");
  assert.equal(errors, "demo | oops\n");
});

test("supervisor restarts with a growing delay", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({}, { write: (line: string) => lines.push(JSON.parse(line)) });
  const sink = new PassThrough().resume();
  let starts = 0;

  const supervisor = supervise(() => {
    starts += 1;
    return startChild({ name: "crash", command: process.execPath, args: ["-e", "process.exit(3)"], env: {}, stdout: sink, stderr: sink });
  }, logger);

  while (starts < 3) await new Promise((resolve) => setTimeout(resolve, 50));
  await supervisor.stop(1000);

  const restarts = lines.filter((line) => line.msg === "process exited, restarting");
  assert.ok(restarts.length >= 2);
  assert.deepEqual(
    restarts.slice(0, 2).map((line) => [line.code, line.restartInMs]),
    [
      [3, FIRST_RESTART_DELAY_MS],
      [3, FIRST_RESTART_DELAY_MS * 2],
    ],
  );

  // Stopping cancels the pending restart.
  const startsAtStop = starts;
  await new Promise((resolve) => setTimeout(resolve, FIRST_RESTART_DELAY_MS * 5));
  assert.equal(starts, startsAtStop);
});

test("supervisor reports a command that cannot start", async () => {
  const logger = pino({ level: "silent" });
  const sink = new PassThrough().resume();
  const supervisor = supervise(
    () => startChild({ name: "missing", command: "/nonexistent/cortex-test-command", args: [], env: {}, stdout: sink, stderr: sink }),
    logger,
  );

  const exit = await supervisor.failedToStart;
  assert.match(exit.error?.message ?? "", /ENOENT/);
  await supervisor.stop(1000);
});
