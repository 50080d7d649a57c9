import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { after, before } from "node:test";
import type { ApiRegistration } from "../../../../runtime/shared/storage-layout.js";
import { startHarness, type Harness } from "./harness.js";
import { startInProcessDequeuer, type InProcessDequeuer, type InProcessOptions } from "./in-process.js";
import { startUserServer, type UserServer } from "./processes.js";

/** What a test file of the dequeuer needs, all of it closed in the file's after-hook. */
export interface Suite {
  readonly harness: Harness;
  userServer(name: string, env?: Record<string, string>): Promise<UserServer>;
  dequeuer(api: ApiRegistration, env: Record<string, string>, options?: Omit<InProcessOptions, "env">): Promise<InProcessDequeuer>;
  /** Registers a cleanup step; steps run in reverse order, before the endpoint stops. */
  onCleanup(step: () => Promise<void>): void;
  /** Returns a fresh file path for a fixture's REQUEST_LOG. */
  requestLogPath(): string;
}

/** Starts an embedded endpoint before the file's tests and closes everything they opened after them. */
export function useSuite(): Suite {
  let harness: Harness | undefined;
  let starting: Promise<Harness> | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  let logCount = 0;

  // Node 20 may run a file's top-level before-hooks concurrently, so every
  // entry point that needs the endpoint waits for this one start.
  const start = (): Promise<Harness> =>
    (starting ??= startHarness().then((started) => {
      harness = started;
      return started;
    }));

  before(async () => {
    await start();
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await harness?.close();
  });

  const suite: Suite = {
    get harness() {
      if (!harness) throw new Error("the suite's harness is used before its before-hook ran");
      return harness;
    },
    onCleanup: (step) => {
      cleanups.push(step);
    },
    userServer: async (name, env = {}) => {
      await start();
      const server = await startUserServer(name, env);
      cleanups.push(() => server.stop());
      return server;
    },
    dequeuer: async (api, env, options = {}) => {
      await start();
      const dequeuer = await startInProcessDequeuer(suite.harness, api, { ...options, env });
      cleanups.push(() => dequeuer.stop());
      return dequeuer;
    },
    requestLogPath: () => {
      logCount += 1;
      return join(suite.harness.dataDir, `requests-${logCount}.log`);
    },
  };
  return suite;
}

/** Returns the request ids a fixture has appended to its REQUEST_LOG, in order. */
export async function requestsLogged(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean);
}

/** Resolves once the fixture has logged `id` at least `times` times. */
export async function waitForRequestLogged(path: string, id: string, times = 1): Promise<void> {
  while ((await requestsLogged(path)).filter((logged) => logged === id).length < times) await delay(50);
}

/** Resolves with the in-process dequeuer's first log line whose message is `message`. */
export async function waitForLog(dequeuer: InProcessDequeuer, message: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = dequeuer.logs.find((entry) => entry.msg === message);
    if (line) return line;
    await delay(50);
  }
  throw new Error(`no log line "${message}" within ${timeoutMs} ms`);
}
