import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all, for example ENOENT. */
  error?: Error;
}

export interface ManagedChild {
  /** Short name shown in front of every output line. */
  readonly name: string;
  readonly pid: number | undefined;
  readonly startedAt: number;
  /** Resolves once the process has exited (or failed to start); never rejects. */
  readonly exited: Promise<ChildExit>;
  /** Sends SIGTERM to the child's process group and SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs: number): Promise<ChildExit>;
  /** Sends SIGKILL to the child's process group at once, including processes left after the child exited. */
  kill(): void;
}

export interface StartChildOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const running = new Set<ManagedChild>();

// A detached child leads its own process group, so Ctrl-C in the terminal reaches only
// `cortex dev`, which then stops the children in order. This hook kills them when
// `cortex dev` exits any other way, for example after an uncaught exception.
// NOTE: children outlive a `cortex dev` killed with SIGKILL and must then be stopped by hand.
process.on("exit", () => {
  for (const child of running) child.kill();
});

/** Starts a child process whose output lines are forwarded with its name in front. */
export function startChild(options: StartChildOptions): ManagedChild {
  const child: ChildProcess = spawn(options.command, options.args, {
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  forwardLines(child.stdout!, options.stdout, options.name);
  forwardLines(child.stderr!, options.stderr, options.name);

  const exited = new Promise<ChildExit>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });

  // The whole group is signalled, even after its leader exited, so that processes the
  // command started itself (a shell running node, npm running a script) stop too.
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch (error) {
      // ESRCH: the group is already gone.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  };

  const managed: ManagedChild = {
    name: options.name,
    pid: child.pid,
    startedAt: Date.now(),
    exited,
    stop: async (graceMs) => {
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    kill: () => signalGroup("SIGKILL"),
  };

  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}

/** Writes each line of `source` to `target` as `<name> | <line>`, so output of several processes stays readable. */
export function forwardLines(source: Readable, target: NodeJS.WritableStream, name: string): void {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  lines.on("line", (line) => target.write(`${name} | ${line}\n`));
}
