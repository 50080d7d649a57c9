import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { runCli } from "../../../runtime/cli/run.js";
import { CORTEX_VERSION } from "../../../runtime/shared/version.js";
import { json, startStubGateway, type StubGateway } from "../client/stub-gateway.js";
import { capturedIo } from "./captured-io.js";

const ID = "0190b0c8-1b2c-7d5e-8f90-123456789abc";

let gateway: StubGateway;
let workDir: string;

before(async () => {
  gateway = await startStubGateway();
  workDir = await mkdtemp(join(tmpdir(), "cortex-cli-"));
});

beforeEach(() => {
  gateway.received.length = 0;
  gateway.handle(() => json(200, { id: ID }));
});

after(async () => {
  await gateway.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `cortex <argv>` in this process against the stub gateway. */
async function cortex(argv: string[], options: { input?: string; env?: NodeJS.ProcessEnv; endpoint?: boolean } = {}) {
  const io = capturedIo({ env: options.env ?? {}, ...(options.input !== undefined ? { input: options.input } : {}) });
  const endpointFlag = options.endpoint === false ? [] : ["--endpoint", gateway.endpoint];
  const code = await runCli([...argv, ...endpointFlag], io);
  return { code, stdout: io.output(), stderr: io.errors() };
}

test("submit sends a .json file as application/json", async () => {
  const file = join(workDir, "payload.json");
  await writeFile(file, '{"text":"hello world"}');

  const { code, stdout } = await cortex(["submit", "hello-world", file]);

  assert.equal(code, 0);
  assert.equal(stdout, `${ID}\n`);
  const [request] = gateway.received;
  assert.equal(request?.url, "/hello-world");
  assert.equal(request?.headers["content-type"], "application/json");
  assert.equal(request?.body.toString(), '{"text":"hello world"}');
});

test("submit sends other files as octet-stream", async () => {
  const file = join(workDir, "image.bin");
  await writeFile(file, Buffer.from([1, 2, 3]));

  await cortex(["submit", "a", file]);
  assert.equal(gateway.received[0]?.headers["content-type"], "application/octet-stream");
  assert.deepEqual(gateway.received[0]?.body, Buffer.from([1, 2, 3]));
});

test("submit reads stdin with -", async () => {
  const { code, stdout } = await cortex(["submit", "a", "-", "--content-type", "text/csv", "--json"], { input: "a,b\n1,2\n" });

  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), { id: ID });
  assert.equal(gateway.received[0]?.headers["content-type"], "text/csv");
  assert.equal(gateway.received[0]?.body.toString(), "a,b\n1,2\n");
});

test("submit reads stdin without a file", async () => {
  await cortex(["submit", "a"], { input: "raw" });
  assert.equal(gateway.received[0]?.headers["content-type"], "application/octet-stream");
  assert.equal(gateway.received[0]?.body.toString(), "raw");
});

test("submit names a missing file", async () => {
  const file = join(workDir, "absent.json");
  const { code, stderr } = await cortex(["submit", "a", file]);

  assert.equal(code, 2);
  assert.match(stderr, new RegExp(`payload file ${file} not found`));
  assert.equal(gateway.received.length, 0);
});

test("submit rejects a directory", async () => {
  const { code, stderr } = await cortex(["submit", "a", workDir]);
  assert.equal(code, 2);
  assert.match(stderr, /is not a regular file/);
});

test("gateway error exits 1 with its message", async () => {
  gateway.handle(() => json(404, { message: "API nope not found" }));
  const { code, stderr } = await cortex(["submit", "nope", "-"], { input: "{}" });

  assert.equal(code, 1);
  assert.match(stderr, /cortex submit: POST http:\/\/127.0.0.1:\d+\/nope failed with status 404: API nope not found/);
});

test("endpoint comes from cli.yaml without --endpoint", async () => {
  const configDir = join(workDir, "client");
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, "cli.yaml"), `endpoint: ${gateway.endpoint}\ncluster: local\nregion: us-east-1\nversion: ${CORTEX_VERSION}\n`);

  const { code, stdout } = await cortex(["submit", "a", "-"], { input: "{}", env: { CORTEX_CLI_CONFIG_DIR: configDir }, endpoint: false });
  assert.equal(code, 0);
  assert.equal(stdout, `${ID}\n`);
});

test("missing cli.yaml exits 1 naming the path", async () => {
  const configDir = join(workDir, "nowhere");
  const { code, stderr } = await cortex(["get", "a", ID], { env: { CORTEX_CLI_CONFIG_DIR: configDir }, endpoint: false });

  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`client config ${join(configDir, "cli.yaml")} not found`));
});

test("get prints the response JSON", async () => {
  const completed = { id: ID, status: "completed", result: { message: "hello world" }, timestamp: "2026-01-02T03:04:05.000Z" };
  gateway.handle(() => json(200, completed));

  const { code, stdout } = await cortex(["get", "hello-world", ID]);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), completed);
  assert.equal(gateway.received[0]?.url, `/hello-world/${ID}`);
});

test("get of a pending request exits 0", async () => {
  gateway.handle(() => json(200, { id: ID, status: "in_queue" }));
  const { code, stdout } = await cortex(["get", "a", ID]);
  assert.equal(code, 0);
  assert.equal(JSON.parse(stdout).status, "in_queue");
});

test("get of a failed request exits 3", async () => {
  gateway.handle(() => json(200, { id: ID, status: "failed", reason: "server responded 500", timestamp: "2026-01-02T03:04:05.000Z" }));
  const { code, stdout } = await cortex(["get", "a", ID]);
  assert.equal(code, 3);
  assert.equal(JSON.parse(stdout).reason, "server responded 500");
});

test("get --wait reports progress on stderr", async () => {
  const statuses = ["in_queue", "in_queue", "in_progress", "completed"];
  let next = 0;
  gateway.handle(() => {
    const status = statuses[Math.min(next++, statuses.length - 1)];
    return json(200, status === "completed" ? { id: ID, status, result: 1, timestamp: "2026-01-02T03:04:05.000Z" } : { id: ID, status });
  });

  const { code, stdout, stderr } = await cortex(["get", "a", ID, "--wait"]);

  assert.equal(code, 0);
  assert.equal(JSON.parse(stdout).result, 1);
  // Not a terminal, so one line per status change.
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, new RegExp(`^${ID}: in_queue after \\d+\\.\\d s$`));
  assert.match(lines[1]!, /: in_progress after /);
  assert.match(lines[2]!, /: completed after /);
});

test("get --wait --timeout exits 4", async () => {
  gateway.handle(() => json(200, { id: ID, status: "in_progress" }));
  const { code, stdout, stderr } = await cortex(["get", "a", ID, "--wait", "--timeout", "0.3"]);

  assert.equal(code, 4);
  assert.equal(JSON.parse(stdout).status, "in_progress");
  assert.match(stderr, new RegExp(`cortex get: request ${ID} was still in_progress after 0.3 s`));
});

test("get --wait of a failed request exits 3", async () => {
  gateway.handle(() => json(200, { id: ID, status: "failed", reason: "boom", timestamp: "2026-01-02T03:04:05.000Z" }));
  const { code } = await cortex(["get", "a", ID, "--wait"]);
  assert.equal(code, 3);
});
