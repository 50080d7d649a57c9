import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { after, before, test } from "node:test";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { CortexClient } from "../../runtime/client/index.js";
import { findFreePort } from "../../runtime/cli/dev/ports.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmbeddedEndpoint, type EmbeddedEndpoint } from "../../runtime/local/embedded-endpoint.js";
import { provisionApi } from "../../runtime/local/provision.js";
import { StorageLayout, type ApiRegistration } from "../../runtime/shared/storage-layout.js";
import { bundleRuntime, type RuntimeBundle } from "../../scripts/runtime-bundle.js";
import { ROOT, startService, type ServiceProcess } from "../e2e/support/processes.js";

// Runs the runtime image's entry points as the image does. The bundles of
// scripts/runtime-bundle.ts go to a temporary directory with no node_modules
// above it and start with plain `node --enable-source-maps`, against the
// embedded endpoint and the hello-world example server.

const BUCKET = "cortex-bundle";
const STORAGE_PREFIX = "cortex";
const API = "hello-world";
/** The flag of the image's commands, passed through the environment because startService takes no Node options. */
const IMAGE_NODE_OPTIONS = { NODE_OPTIONS: "--enable-source-maps" };

let bundleDir: string;
let dataDir: string;
let bundle: RuntimeBundle;
let endpoint: EmbeddedEndpoint;
let s3: S3Client;
let sqs: SQSClient;
let api: ApiRegistration;
const services: ServiceProcess[] = [];

before(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), "cortex-bundle-"));
  dataDir = await mkdtemp(join(tmpdir(), "cortex-bundle-data-"));
  bundle = await bundleRuntime(bundleDir);

  endpoint = await startEmbeddedEndpoint({ dataDir });
  s3 = new S3Client({ region: LOCAL_REGION, endpoint: endpoint.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  sqs = new SQSClient({ region: LOCAL_REGION, endpoint: endpoint.sqsEndpoint, credentials: LOCAL_CREDENTIALS });
  api = await provisionApi({ s3, sqs, bucket: BUCKET, layout: new StorageLayout(STORAGE_PREFIX), api: API });
});

after(async () => {
  await Promise.all(services.map((service) => service.stop("SIGKILL")));
  s3?.destroy();
  sqs?.destroy();
  await endpoint?.stop();
  await rm(bundleDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts a bundle (or any file) by its absolute path with exactly `env` plus PATH. */
function startFile(name: string, file: string, env: Record<string, string>): ServiceProcess {
  const service = startService({ name, entry: relative(ROOT, file), env });
  services.push(service);
  return service;
}

/** Returns the resident set size of a running process in MiB, from Linux's /proc. */
function residentMebibytes(pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  const kibibytes = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(status, "utf8"))?.[1];
  return kibibytes === undefined ? undefined : Number(kibibytes) / 1024;
}

test("bundle directory has no node_modules above it", () => {
  for (let directory = bundleDir; directory !== dirname(directory); directory = dirname(directory)) {
    assert.equal(existsSync(join(directory, "node_modules")), false, `${directory} has a node_modules folder the bundles could load from`);
  }
});

test("bundles import only Node's built-in modules", () => {
  assert.ok(bundle.externalImports.length > 0);
  assert.deepEqual(
    bundle.externalImports.filter((specifier) => !isBuiltin(specifier)),
    [],
  );
});

test("bundles leave out the deploy-time packages", () => {
  assert.ok(bundle.packages.includes("fastify"));
  assert.ok(bundle.packages.includes("@aws-sdk/client-sqs"));
  assert.deepEqual(
    bundle.packages.filter((name) => name.startsWith("@pulumi/") || ["tsx", "esbuild", "typescript", "fauxqs", "s3rver"].includes(name)),
    [],
  );
});

test("bundled gateway and dequeuer complete a request", async (t) => {
  const userPort = await findFreePort();
  const server = startFile("hello-world server", join(ROOT, "examples/hello-world/server.js"), { CORTEX_PORT: String(userPort), HOST: "127.0.0.1" });
  await server.waitForLine((line) => line.msg === "hello-world listening");

  const gateway = startFile("bundled gateway", bundle.files.gateway, {
    ...endpoint.awsEnv(),
    ...IMAGE_NODE_OPTIONS,
    CORTEX_BUCKET: BUCKET,
    CORTEX_STORAGE_PREFIX: STORAGE_PREFIX,
    CORTEX_GATEWAY_HOST: "127.0.0.1",
    CORTEX_GATEWAY_PORT: "0",
  });
  const dequeuer = startFile("bundled dequeuer", bundle.files.dequeuer, {
    ...endpoint.awsEnv(),
    ...IMAGE_NODE_OPTIONS,
    CORTEX_API_NAME: API,
    CORTEX_QUEUE_URL: api.queueUrl,
    ...(api.deadLetterQueueUrl === undefined ? {} : { CORTEX_DEAD_LETTER_QUEUE_URL: api.deadLetterQueueUrl }),
    CORTEX_BUCKET: BUCKET,
    CORTEX_STORAGE_PREFIX: STORAGE_PREFIX,
    CORTEX_USER_PORT: String(userPort),
    CORTEX_ADMIN_HOST: "127.0.0.1",
    CORTEX_ADMIN_PORT: "0",
    CORTEX_POLL_WAIT_SECONDS: "1",
  });
  const listening = await gateway.waitForLine((line) => String(line.msg).startsWith("Server listening at "));
  await dequeuer.waitForLine((line) => line.msg === "probe passed");

  for (const service of [gateway, dequeuer]) {
    const mebibytes = residentMebibytes(service.pid);
    if (mebibytes !== undefined) t.diagnostic(`${service.name}: ${mebibytes.toFixed(0)} MiB resident after start-up`);
  }

  const client = new CortexClient({ endpoint: String(listening.msg).slice("Server listening at ".length) });
  const { id } = await client.submit(API, { text: "bundled" });
  const finished = await client.wait(API, id, { intervalMs: 100, timeoutMs: 30_000 });

  assert.equal(finished.status, "completed");
  assert.deepEqual(finished.result, { message: "hello world", text: "bundled", request_id: id });
});

test("bundled stack traces name the TypeScript sources", async () => {
  // Without CORTEX_BUCKET the gateway logs the configuration error with its stack and exits 1.
  const gateway = startFile("bundled gateway without a bucket", bundle.files.gateway, { ...endpoint.awsEnv(), ...IMAGE_NODE_OPTIONS });

  assert.deepEqual(await gateway.exited, { code: 1, signal: null });
  const fatal = gateway.logs().find((line) => line.level === 60);
  assert.ok(fatal, `no fatal log line in:\n${gateway.lines.join("\n")}`);
  const stack = String((fatal.err as { stack?: unknown } | undefined)?.stack);
  assert.match(stack, /CORTEX_BUCKET/);
  assert.match(stack, /runtime\/gateway\/config\.ts:\d+:\d+/);
  assert.doesNotMatch(stack, /gateway\.mjs/);
});
