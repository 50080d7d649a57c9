import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { createInterface } from "node:readline";
import { BUCKET, startAwsFixture, type AwsFixture } from "./support/gateway-fixture.js";
import { sendHttp } from "./support/http-client.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let aws: AwsFixture;
const children: ChildProcess[] = [];

before(async () => {
  aws = await startAwsFixture();
});

after(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await aws.close();
});

interface GatewayProcess {
  child: ChildProcess;
  /** Every JSON line the process printed so far. */
  lines: Array<Record<string, unknown>>;
  waitForLine(matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

function startGatewayProcess(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "runtime/gateway/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);

  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ matches: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on("line", (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of waiters.filter((candidate) => candidate.matches(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  child.stderr!.resume();

  const exit = once(child, "exit").then(([code]) => code as number | null);
  const waitForLine = (matches: (line: Record<string, unknown>) => boolean) => {
    const seen = lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return Promise.race([
      new Promise<Record<string, unknown>>((resolve) => waiters.push({ matches, resolve })),
      exit.then((code) => Promise.reject(new Error(`gateway exited with ${code} before the expected log line`))),
    ]);
  };
  return { child, lines, waitForLine, exit };
}

test("missing bucket exits 1 naming the variable", async () => {
  const gateway = startGatewayProcess({});

  const code = await gateway.exit;

  assert.equal(code, 1);
  const fatal = gateway.lines.find((line) => line.level === 60);
  assert.match(String(fatal?.msg), /CORTEX_BUCKET is missing/);
});

test("SIGTERM lets an in-flight submit finish and exits 0", async () => {
  const registration = await aws.provision("draining");
  const gateway = startGatewayProcess({
    ...aws.endpoint.awsEnv(),
    CORTEX_BUCKET: BUCKET,
    CORTEX_GATEWAY_HOST: "127.0.0.1",
    CORTEX_GATEWAY_PORT: "0",
  });
  const listening = await gateway.waitForLine((line) => String(line.msg).startsWith("Server listening at "));
  const baseUrl = String(listening.msg).slice("Server listening at ".length);
  const { port } = new URL(baseUrl);

  // The server sends 100 Continue once it has handed the request to the app, so the
  // submit is in flight when the signal arrives.
  const request = httpRequest({
    hostname: "127.0.0.1",
    port: Number(port),
    path: "/draining",
    method: "POST",
    headers: { expect: "100-continue", "content-type": "text/plain" },
    agent: false,
  });
  const response = once(request, "response");
  request.flushHeaders();
  await once(request, "continue");

  gateway.child.kill("SIGTERM");
  await gateway.waitForLine((line) => String(line.msg).startsWith("stopping"));
  // The log line precedes the listener's close, so a new connection is refused,
  // reset, or rejected with 503 by fastify while it closes. It is never served.
  const lateProbe = await sendHttp(`${baseUrl}/healthz`).then(
    (reply) => reply.status,
    (error: NodeJS.ErrnoException) => error.code,
  );
  assert.ok(["ECONNREFUSED", "ECONNRESET", 503].includes(lateProbe as string | number), `late request got ${String(lateProbe)}`);

  request.end("the whole body");
  const [reply] = (await response) as [IncomingMessage];
  reply.resume();
  assert.equal(reply.statusCode, 200);
  assert.equal(await gateway.exit, 0);
  assert.equal((await aws.drainQueue(registration.queueUrl)).length, 1);
});
