import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export type Outcome = "completed" | "failed";

/** The dequeuer's Prometheus metrics, served on the admin port's `/metrics`. */
export class DequeuerMetrics {
  readonly registry = new Registry();

  private readonly latency = new Histogram({
    name: "cortex_dequeuer_request_duration_seconds",
    help: "Time from receiving a request's message to storing its result, by outcome.",
    labelNames: ["outcome"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  private readonly requests = new Counter({
    name: "cortex_dequeuer_requests_total",
    help: "Requests that ended, by the user container's HTTP status code (none when it sent no response) and outcome.",
    labelNames: ["status_code", "outcome"] as const,
    registers: [this.registry],
  });

  private readonly inFlight = new Gauge({
    name: "cortex_dequeuer_requests_in_flight",
    help: "Requests being handled right now.",
    registers: [this.registry],
  });

  private readonly unreachable = new Counter({
    name: "cortex_dequeuer_container_unreachable_total",
    help: "Attempts that found no server on the user port and were put back on the queue.",
    registers: [this.registry],
  });

  private readonly deadLetters = new Counter({
    name: "cortex_dequeuer_dead_lettered_total",
    help: "Requests failed because SQS moved their message to the dead-letter queue.",
    registers: [this.registry],
  });

  constructor(apiName: string) {
    this.registry.setDefaultLabels({ api_name: apiName });
    collectDefaultMetrics({ register: this.registry });
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  requestSettled(): void {
    this.inFlight.dec();
  }

  requestEnded(outcome: Outcome, statusCode: number | undefined, seconds: number): void {
    this.requests.inc({ status_code: statusCode === undefined ? "none" : String(statusCode), outcome });
    this.latency.observe({ outcome }, seconds);
  }

  containerUnreachable(): void {
    this.unreachable.inc();
  }

  deadLettered(): void {
    this.deadLetters.inc();
  }
}
