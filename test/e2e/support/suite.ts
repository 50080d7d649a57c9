import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import type { ApiRegistration } from "../../../runtime/shared/storage-layout.js";
import type { ServiceProcess } from "./processes.js";
import { startStack, type Stack, type UserServer } from "./stack.js";

/** Fixture servers shared with the dequeuer's tests. */
export const FIXTURES = "test/fixtures/user-servers";

/**
 * Dequeuer settings of the suite: short windows, so that redeliveries come within
 * seconds and an idle receive returns after one second.
 */
export const SHORT_WINDOWS = { CORTEX_VISIBILITY_SECONDS: "3", CORTEX_POLL_WAIT_SECONDS: "1" } as const;

/** An API with its user server and its dequeuer, all running. */
export interface RunningApi {
  api: ApiRegistration;
  server: UserServer;
  dequeuer: ServiceProcess;
}

export interface ApiOptions {
  /** Fixture file name without `.js`, under FIXTURES. */
  fixture: string;
  serverEnv?: Record<string, string>;
  /** Dequeuer variables on top of SHORT_WINDOWS, the user port and the probe. */
  dequeuerEnv?: Record<string, string>;
  /** Path of an HTTP readiness probe on the server, checked every second; by default the dequeuer probes the port over TCP. */
  readinessPath?: string;
  maxReceiveCount?: number;
}

export interface Suite {
  readonly stack: Stack;
  /** Creates an API, starts its fixture server, then its dequeuer. */
  startApi(options: ApiOptions): Promise<RunningApi>;
  /** Returns a new file path for a fixture's REQUEST_LOG. */
  requestLogPath(): string;
}

export interface UseStackOptions {
  /** Gateway variables on top of the stack's own. */
  gatewayEnv?: Record<string, string>;
  /**
   * Runs once the stack is up, in the same before-hook: Node 20 runs a file's
   * top-level before-hooks concurrently, so a second hook could not rely on the stack.
   */
  setup?: (suite: Suite) => Promise<void>;
}

/** Starts a stack before the file's tests and stops it, with every process it started, after them. */
export function useStack(options: UseStackOptions = {}): Suite {
  let stack: Stack | undefined;
  let dataDir = "";
  let logCount = 0;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cortex-e2e-"));
    stack = await startStack({ dataDir, gatewayEnv: options.gatewayEnv ?? {} });
    await options.setup?.(suite);
  });

  after(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const suite: Suite = {
    get stack() {
      if (stack === undefined) throw new Error("the stack is used before the file's before-hook ran");
      return stack;
    },
    startApi: async (options) => {
      const api = await suite.stack.createApi(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount });
      const server = await suite.stack.startUserServer(`${FIXTURES}/${options.fixture}.js`, options.serverEnv);
      const probes = options.readinessPath === undefined ? [] : [{ httpGet: { path: options.readinessPath, port: server.port }, periodSeconds: 1 }];
      const dequeuer = await suite.stack.startDequeuer(api, {
        ...SHORT_WINDOWS,
        CORTEX_USER_PORT: String(server.port),
        CORTEX_PROBES: JSON.stringify(probes),
        ...options.dequeuerEnv,
      });
      return { api, server, dequeuer };
    },
    requestLogPath: () => {
      logCount += 1;
      return join(dataDir, `requests-${logCount}.log`);
    },
  };
  return suite;
}
