import type { Logger } from "pino";
import type { ChildExit, ManagedChild } from "./child.js";

/** First restart delay after the user's command exits; it doubles with every quick exit. */
export const FIRST_RESTART_DELAY_MS = 500;
export const MAX_RESTART_DELAY_MS = 10_000;

/** A process that ran this long before exiting counts as healthy, so the next delay starts over. */
const STABLE_RUN_MS = 10_000;

export interface Supervisor {
  /** The process started last. */
  current(): ManagedChild;
  /** Resolves when the command could not be started at all (for example, not found). */
  readonly failedToStart: Promise<ChildExit>;
  /** Stops restarting and stops the running process. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Keeps the user's command running: when it exits it is started again after a delay
 * that grows from 0.5 s to 10 s while it keeps exiting within 10 s of its start.
 */
export function supervise(start: () => ManagedChild, logger: Logger): Supervisor {
  let child = start();
  let stopping = false;
  let delayMs = FIRST_RESTART_DELAY_MS;
  let cancelDelay = () => {};
  let reportStartFailure: (exit: ChildExit) => void = () => {};
  const failedToStart = new Promise<ChildExit>((resolve) => {
    reportStartFailure = resolve;
  });

  const watch = async (watched: ManagedChild) => {
    const exit = await watched.exited;
    if (stopping) return;

    if (exit.error) {
      reportStartFailure(exit);
      return;
    }

    // Processes the command left behind could still hold its port.
    watched.kill();

    if (Date.now() - watched.startedAt >= STABLE_RUN_MS) delayMs = FIRST_RESTART_DELAY_MS;
    logger.warn(
      { process: watched.name, pid: watched.pid, code: exit.code, signal: exit.signal, restartInMs: delayMs },
      "process exited, restarting",
    );

    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      cancelDelay = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (stopping) return;

    delayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
    child = start();
    logger.info({ process: child.name, pid: child.pid }, "process restarted");
    void watch(child);
  };
  void watch(child);

  return {
    current: () => child,
    failedToStart,
    stop: async (graceMs) => {
      stopping = true;
      cancelDelay();
      await child.stop(graceMs);
    },
  };
}
