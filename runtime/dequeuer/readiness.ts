import type { Logger } from "pino";
import { runProbe, type ProbeResult } from "./probe-checks.js";
import { describeProbe, type ProbeSpec } from "./probe-spec.js";

/**
 * One probe's readiness under Kubernetes' rules: not ready until
 * `successThreshold` passes in a row, then ready until `failureThreshold`
 * failures in a row.
 */
export class ProbeState {
  ready = false;
  reason = "not probed yet";
  private successes = 0;
  private failures = 0;

  constructor(readonly probe: ProbeSpec) {}

  /** Records one attempt and returns whether the probe's readiness changed. */
  record(result: ProbeResult): boolean {
    const wasReady = this.ready;

    if (result.ok) {
      this.successes += 1;
      this.failures = 0;
      if (this.successes >= this.probe.successThreshold) this.ready = true;
    } else {
      this.failures += 1;
      this.successes = 0;
      this.reason = result.reason;
      if (this.failures >= this.probe.failureThreshold) this.ready = false;
    }
    return this.ready !== wasReady;
  }
}

export interface FailingProbe {
  probe: string;
  reason: string;
}

/** Runs every probe on its own schedule; the pod is ready when all of them are. */
export class Readiness {
  private readonly states: ProbeState[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: Array<() => void> = [];
  private running = false;

  constructor(
    probes: readonly ProbeSpec[],
    private readonly logger: Logger,
    private readonly run: (probe: ProbeSpec) => Promise<ProbeResult> = runProbe,
  ) {
    this.states = probes.map((probe) => new ProbeState(probe));
  }

  start(): void {
    this.running = true;
    for (const state of this.states) this.schedule(state, state.probe.initialDelaySeconds * 1000);
    this.notifyIfReady();
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  isReady(): boolean {
    return this.states.every((state) => state.ready);
  }

  failing(): FailingProbe[] {
    return this.states.filter((state) => !state.ready).map((state) => ({ probe: describeProbe(state.probe), reason: state.reason }));
  }

  /** Resolves once every probe passes, or when `signal` aborts. */
  waitUntilReady(signal: AbortSignal): Promise<void> {
    if (this.isReady() || signal.aborted) return Promise.resolve();

    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private schedule(state: ProbeState, delayMs: number): void {
    if (!this.running) return;

    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      const startedAt = Date.now();
      const result = await this.run(state.probe);
      if (!this.running) return;

      if (state.record(result)) this.logChange(state);
      this.notifyIfReady();
      // Attempts start every period, as the kubelet's do, however long one took.
      this.schedule(state, Math.max(0, state.probe.periodSeconds * 1000 - (Date.now() - startedAt)));
    }, delayMs);
    this.timers.add(timer);
  }

  private logChange(state: ProbeState): void {
    const probe = describeProbe(state.probe);
    if (state.ready) {
      this.logger.info({ probe, ready: this.isReady() }, "probe passed");
    } else {
      this.logger.warn({ probe, reason: state.reason }, "probe failed, not receiving new requests");
    }
  }

  private notifyIfReady(): void {
    if (!this.isReady()) return;
    for (const waiter of [...this.waiters]) waiter();
  }
}
