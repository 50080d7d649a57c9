/** Tracks the messages being handled, so the receive loop can cap them and a drain can wait for them. */
export class InFlight {
  private readonly tasks = new Set<Promise<void>>();
  private listeners: Array<() => void> = [];

  get size(): number {
    return this.tasks.size;
  }

  /** Tracks `task` until it settles. The task must handle its own errors. */
  add(task: Promise<void>): void {
    const tracked = task.finally(() => {
      this.tasks.delete(tracked);
      const listeners = this.listeners;
      this.listeners = [];
      for (const listener of listeners) listener();
    });
    this.tasks.add(tracked);
  }

  /** Resolves once fewer than `limit` tasks run, or when `signal` aborts. */
  async waitBelow(limit: number, signal: AbortSignal): Promise<void> {
    while (this.tasks.size >= limit && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.listeners.push(done);
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }

  /** Resolves once no task runs. */
  async waitUntilIdle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }
}
