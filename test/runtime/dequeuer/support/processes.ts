import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures/user-servers");

/** A child process with its stdout and stderr collected line by line. */
export interface RunningProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first parsed JSON line for which `match` is true. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

function run(args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();

  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      for (const listener of listeners) listener(line);
    });
  }

  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));

  const parse = (line: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };

  return {
    child,
    lines,
    exited,
    waitForLine: (match, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (line: string) => {
          const parsed = parse(line);
          if (!parsed || !match(parsed)) return;
          cleanup();
          resolve(parsed);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching output line within ${timeoutMs} ms; output so far:\n${lines.join("\n")}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before the expected line; output:\n${lines.join("\n")}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
        };

        listeners.add(check);
        child.once("exit", onExit);
        for (const line of lines) check(line);
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

export interface UserServer extends RunningProcess {
  port: number;
}

/** Starts `test/fixtures/user-servers/<name>.js` and waits until it listens. */
export async function startUserServer(name: string, env: Record<string, string> = {}): Promise<UserServer> {
  const server = run([join(FIXTURES, `${name}.js`)], { CORTEX_PORT: "0", ...env });
  const { listening } = await server.waitForLine((line) => typeof line.listening === "number");
  return { ...server, port: listening as number };
}

/** Starts `runtime/dequeuer/main.ts` as a child process with exactly `env` (plus PATH). */
export function startDequeuerProcess(env: Record<string, string>): RunningProcess {
  return run(["--import", "tsx", join(ROOT, "runtime/dequeuer/main.ts")], env);
}

/** Finds a port that is free right now on 127.0.0.1, for a server the test starts later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}
