import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { StorageLayout } from "../../shared/storage-layout.js";
import { startChild, type ChildExit, type ManagedChild } from "./child.js";
import { waitUntilHealthy } from "./health.js";
import { startLocalStack, writeLocalClientConfig, type LocalStack } from "./local-stack.js";
import { assertPortFree, findFreePort } from "./ports.js";
import { dequeuerEnv, gatewayEnv, typeScriptEntry, userEnv, type DevSettings } from "./process-env.js";
import type { Readiness } from "./probes.js";
import { supervise, type Supervisor } from "./supervisor.js";

export interface DevOptions {
  api: string;
  userPort: number;
  gatewayPort: number;
  /** Unset picks a free port. */
  adminPort?: number;
  maxConcurrency: number;
  readiness: Readiness;
  maxProcessingSeconds?: number;
  command: string;
  args: string[];
}

export interface DevIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface StopSignals {
  /** Aborts on the first SIGINT, SIGTERM or SIGHUP: stop every process gracefully. */
  stop: AbortSignal;
  /** Aborts on the second one: kill what is still running at once. */
  kill: AbortSignal;
}

const BUCKET = "cortex-dev";
const STORAGE_PREFIX = "cortex";

/** Time for the gateway, the dequeuer and the user's server to report healthy. */
const STARTUP_TIMEOUT_MS = 120_000;
/** Time the dequeuer gets to finish the requests in flight before it is killed. */
const DEQUEUER_STOP_GRACE_MS = 30_000;
const STOP_GRACE_MS = 10_000;

/**
 * Runs one API locally until a stop signal: the embedded endpoint, the gateway, the
 * user's command (restarted when it exits) and the dequeuer. Returns the exit code:
 * 0 after a stop signal, 1 when a process failed.
 */
export async function runDev(options: DevOptions, io: DevIo, signals: StopSignals): Promise<number> {
  await assertPortFree(options.userPort, "--port");
  await assertPortFree(options.gatewayPort, "--gateway-port");
  if (options.adminPort !== undefined) await assertPortFree(options.adminPort, "--admin-port");
  const adminPort = options.adminPort ?? (await findFreePort());

  // When the reader of the output goes away (`cortex dev | head`, a closed terminal),
  // writes fail with EPIPE. Ignoring that keeps the shutdown below running.
  const ignoreWriteError = () => {};
  io.stdout.on("error", ignoreWriteError);
  io.stderr.on("error", ignoreWriteError);

  const session = new DevSession(options, adminPort, io, signals);
  try {
    return await session.run();
  } finally {
    await session.close();
  }
}

class DevSession {
  private readonly logger: Logger;
  private readonly labelWidth: number;
  private workDir?: string;
  private stack?: LocalStack;
  private gateway?: ManagedChild;
  private user?: Supervisor;
  private dequeuer?: ManagedChild;

  constructor(
    private readonly options: DevOptions,
    private readonly adminPort: number,
    private readonly io: DevIo,
    private readonly signals: StopSignals,
  ) {
    this.labelWidth = Math.max("dequeuer".length, options.api.length);
    this.logger = pino(
      { base: { api: options.api } },
      { write: (line: string) => void io.stderr.write(`${this.label("dev")} | ${line}`) },
    );
  }

  async run(): Promise<number> {
    this.workDir = await mkdtemp(join(tmpdir(), `cortex-dev-${this.options.api}-`));
    const layout = new StorageLayout(STORAGE_PREFIX);
    this.stack = await startLocalStack(join(this.workDir, "s3"), BUCKET, layout, this.options.api);
    this.logger.info({ sqs: this.stack.endpoint.sqsEndpoint, s3: this.stack.endpoint.s3Endpoint, dataDir: this.workDir }, "embedded endpoint started");
    if (this.signals.stop.aborted) return 0;

    const settings: DevSettings = {
      api: this.options.api,
      bucket: BUCKET,
      storagePrefix: STORAGE_PREFIX,
      userPort: this.options.userPort,
      gatewayPort: this.options.gatewayPort,
      adminPort: this.adminPort,
      maxConcurrency: this.options.maxConcurrency,
      readiness: this.options.readiness,
      ...(this.options.maxProcessingSeconds !== undefined ? { maxProcessingSeconds: this.options.maxProcessingSeconds } : {}),
      configDir: join(this.workDir, "client"),
    };
    await writeLocalClientConfig(settings.configDir, settings.gatewayPort);

    const awsEnv = this.stack.endpoint.awsEnv();
    this.gateway = this.startProcess("gateway", typeScriptEntry("gateway/main.ts"), gatewayEnv(this.io.env, awsEnv, settings));
    this.user = supervise(
      () => this.startProcess(this.options.api, this.options, userEnv(this.io.env, settings)),
      this.logger,
    );
    this.dequeuer = this.startProcess(
      "dequeuer",
      typeScriptEntry("dequeuer/main.ts"),
      dequeuerEnv(this.io.env, awsEnv, settings, this.stack.registration),
    );

    const failure = this.watchForFailure();
    const started = await this.waitForStart(failure);
    if (started !== "ready") return started;

    this.io.stdout.write(readyMessage(this.options.api, this.options.gatewayPort));
    const ended = await Promise.race([failure, abortion(this.signals.stop)]);
    return ended === "stopped" ? 0 : ended;
  }

  /** Stops the dequeuer first so it can finish its requests, then the other processes, then the endpoint. */
  async close(): Promise<void> {
    if (this.signals.stop.aborted) this.logger.info("stopping; press Ctrl-C again to kill the processes at once");
    const killAll = () => {
      this.dequeuer?.kill();
      this.user?.current().kill();
      this.gateway?.kill();
    };
    this.signals.kill.addEventListener("abort", killAll, { once: true });

    try {
      await this.dequeuer?.stop(DEQUEUER_STOP_GRACE_MS);
      await Promise.all([this.user?.stop(STOP_GRACE_MS), this.gateway?.stop(STOP_GRACE_MS)]);
      await this.stack?.endpoint.stop();
      if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
      this.logger.info("stopped");
    } finally {
      this.signals.kill.removeEventListener("abort", killAll);
    }
  }

  private startProcess(name: string, commandLine: { command: string; args: string[] }, env: NodeJS.ProcessEnv): ManagedChild {
    const label = this.label(name);
    const child = startChild({ name: label, command: commandLine.command, args: commandLine.args, env, stdout: this.io.stdout, stderr: this.io.stderr });
    this.logger.info({ process: name, pid: child.pid, command: [commandLine.command, ...commandLine.args].join(" ") }, "process started");
    return child;
  }

  /** Resolves with exit code 1 once the gateway or the dequeuer exits, or the user's command cannot start. */
  private async watchForFailure(): Promise<number> {
    const exits: Promise<[string, ChildExit]>[] = [
      this.gateway!.exited.then((exit) => ["gateway", exit]),
      this.dequeuer!.exited.then((exit) => ["dequeuer", exit]),
      this.user!.failedToStart.then((exit) => [this.options.api, exit]),
    ];
    const [name, exit] = await Promise.race(exits);
    if (this.signals.stop.aborted) return 0;

    if (exit.error) {
      this.logger.error({ process: name, err: exit.error }, `failed to start ${name}: ${exit.error.message}`);
    } else {
      this.logger.error({ process: name, code: exit.code, signal: exit.signal }, `${name} exited unexpectedly, stopping all processes`);
    }
    return 1;
  }

  private async waitForStart(failure: Promise<number>): Promise<"ready" | number> {
    if (this.signals.stop.aborted) return 0;

    const urls = [
      `http://127.0.0.1:${this.options.gatewayPort}/healthz`,
      `http://127.0.0.1:${this.adminPort}/healthz`,
    ];
    const abortWait = new AbortController();
    const stop = () => abortWait.abort();
    this.signals.stop.addEventListener("abort", stop, { once: true });

    try {
      return await Promise.race([
        waitUntilHealthy(urls, STARTUP_TIMEOUT_MS, abortWait.signal).then(() => "ready" as const),
        failure,
      ]);
    } catch (error) {
      if (this.signals.stop.aborted) return 0;
      // The dequeuer reports healthy only once the user's server passes its readiness check.
      const readiness = this.options.readiness.kind === "http" ? `GET ${this.options.readiness.path} returns 200` : "it accepts connections";
      this.logger.error(
        { err: error },
        `startup failed: ${(error as Error).message}. Check that your server listens on port ${this.options.userPort} (CORTEX_PORT) and that ${readiness}`,
      );
      return 1;
    } finally {
      this.signals.stop.removeEventListener("abort", stop);
      abortWait.abort();
    }
  }

  private label(name: string): string {
    return name.padEnd(this.labelWidth);
  }
}

function abortion(signal: AbortSignal): Promise<"stopped"> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve("stopped");
    signal.addEventListener("abort", () => resolve("stopped"), { once: true });
  });
}

export function readyMessage(api: string, gatewayPort: number): string {
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  return [
    "",
    `${api} is ready. Submit a request, then read its result with the id it returns:`,
    "",
    `  curl -X POST ${gateway}/${api} -H 'Content-Type: application/json' -d '{"text":"hello world"}'`,
    `  curl ${gateway}/${api}/<id>`,
    "",
    "Or with the cortex CLI:",
    "",
    `  echo '{"text":"hello world"}' | npx cortex submit ${api} - --content-type application/json --endpoint ${gateway}`,
    `  npx cortex get ${api} <id> --wait --endpoint ${gateway}`,
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}
