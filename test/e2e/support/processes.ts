import { spawn, type ChildProcess } from "node:child_process";
import { isAbsolute, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Root of the repository, which relative entry paths start from. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export type LogLine = Record<string, unknown>;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process with its output kept line by line (stdout and stderr mixed). */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: string[];
  /** Resolves once the process has exited; never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** Every output line so far that is a JSON object. */
  logs(): LogLine[];
  /** Resolves with the first JSON line, printed before or after the call, for which `match` is true. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal`, then SIGKILL after `graceMs` if the process is still running, and resolves on exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessExit>;
}

export interface StartServiceOptions {
  name: string;
  /** Entry file, absolute or relative to the repository root. `.ts` files run with the tsx loader. */
  entry: string;
  /** Node.js options placed before the entry, such as `--enable-source-maps`. */
  nodeOptions?: string[];
  /** The whole environment of the process, apart from PATH. */
  env: Record<string, string>;
}

const DEFAULT_WAIT_MS = 30_000;

function parseJsonLine(text: string): LogLine | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return undefined;
  }
}

/** Starts a Node.js process of this repository with exactly `options.env` plus PATH. */
export function startService(options: StartServiceOptions): ServiceProcess {
  const entry = isAbsolute(options.entry) ? options.entry : join(ROOT, options.entry);
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const args = [...(options.nodeOptions ?? []), ...loader, entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`starting ${options.name} (${options.entry}) failed`);

  const lines: string[] = [];
  const listeners = new Set<(text: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (text) => {
      lines.push(text);
      for (const listener of listeners) listener(text);
    });
  }

  const exited = new Promise<ProcessExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;

  const waitForLine = (match: (line: LogLine) => boolean, timeoutMs = DEFAULT_WAIT_MS) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = (text: string) => {
        const line = parseJsonLine(text);
        if (line === undefined || !match(line)) return false;
        cleanup();
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${options.name} printed no matching line within ${timeoutMs} ms; output:\n${lines.join("\n")}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`${options.name} exited before printing the expected line; output:\n${lines.join("\n")}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off("exit", onExit);
      };

      if (lines.some(check)) return;
      listeners.add(check);
      child.once("exit", onExit);
    });

  const stop = async (signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000) => {
    if (running()) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  return {
    name: options.name,
    child,
    pid: child.pid,
    lines,
    exited,
    logs: () => lines.map(parseJsonLine).filter((line): line is LogLine => line !== undefined),
    waitForLine,
    stop,
  };
}
