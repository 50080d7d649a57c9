import { cpus, loadavg, release, totalmem, type } from "node:os";
import type { AwsCall } from "../test/e2e/support/call-log-proxy.js";
import { totalCalls, type OperationCounts } from "./call-counts.js";
import { DEQUEUER_MEMORY_LIMIT, DEQUEUER_MEMORY_LIMIT_BYTES } from "./dequeuer-memory-limit.js";
import type { BenchOptions } from "./options.js";
import type { IdleResult } from "./phases/idle-requests.js";
import type { ResponseMemoryResult } from "./phases/response-memory.js";
import type { LoadResult } from "./phases/steady-load.js";
import type { SubmitResult } from "./phases/submit-throughput.js";
import type { MemoryResult } from "./phases/upload-memory.js";
import type { PeakMemory } from "./process-memory.js";
import { formatMib, formatMs, percentile } from "./stats.js";

// The printed report: one line per figure, and for the figures with a target,
// the target, Cortex's figure where known, and whether the target was met.

export const TARGETS = {
  pickupP50Ms: 100,
  callsPerRequest: 9,
  memoryGrowthBytes: 64 * 1024 * 1024,
} as const;

const LABEL_WIDTH = 24;

function line(label: string, value: string, target?: { text: string; met: boolean }): string {
  const figure = `${label.padEnd(LABEL_WIDTH)}${value}`;
  if (target === undefined) return figure;
  return `${figure}\n${"".padEnd(LABEL_WIDTH)}target ${target.text}: ${target.met ? "target met" : "TARGET MISSED"}`;
}

export function describeMachine(): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? "unknown CPU";
  const memory = `${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory`;
  const load = `load average ${loadavg()[0]!.toFixed(2)} at start`;
  return line("Machine", `${model}, ${processors.length} cores, ${memory}, ${type()} ${release()}, Node ${process.version}, ${load}`);
}

export function describeParameters(options: BenchOptions): string {
  const parts = [
    `${options.submits} submits at concurrency ${options.concurrency}`,
    `${options.idleRequests} requests one at a time`,
    `${options.loadRate} requests/s for ${options.loadSeconds} s at max concurrency ${options.maxConcurrency} with ${options.workMs} ms of work each`,
    options.uploadMib === 0 ? "no upload" : `a ${options.uploadMib} MiB upload`,
    options.responseMib === 0 ? "no large response" : `a ${options.responseMib} MiB JSON response`,
  ];
  return line("Parameters", parts.join("; "));
}

function latencies(values: readonly number[]): string {
  return `p50 ${formatMs(percentile(values, 50))}, p99 ${formatMs(percentile(values, 99))} (${values.length} requests)`;
}

function pickupLine(label: string, values: readonly number[], cortex: string): string {
  const p50 = percentile(values, 50);
  return line(label, latencies(values), { text: `p50 under ${TARGETS.pickupP50Ms} ms (${cortex})`, met: p50 < TARGETS.pickupP50Ms });
}

export function reportSubmits(result: SubmitResult): string[] {
  return [line("Submit latency", latencies(result.latencyMs)), line("Submit throughput", `${Math.round(result.throughput)} requests/s`)];
}

export function reportPickups(idle: IdleResult, load: LoadResult): string[] {
  return [
    pickupLine("Pickup, idle", idle.pickupMs, "Cortex: up to ~10 s when idle"),
    pickupLine(`Pickup, under load`, load.pickupMs, `at ${load.achievedRate.toFixed(1)} requests/s`),
  ];
}

/** Formats average calls per request, such as "2 (PutObject 1, SendMessage 1)". */
function stage(counts: OperationCounts, requests: number): string {
  const perRequest = (count: number) => Number((count / requests).toFixed(2));
  const operations = [...counts].map(([operation, count]) => `${operation} ${perRequest(count)}`).join(", ");
  return `${perRequest(totalCalls(counts))} (${operations})`;
}

export function reportCalls(idle: IdleResult, allCalls: readonly AwsCall[], dequeuerSeconds: number): string[] {
  const perRequest = (totalCalls(idle.submit) + totalCalls(idle.processing) + totalCalls(idle.read)) / idle.requests;
  const stages = `submit ${stage(idle.submit, idle.requests)}, processing ${stage(idle.processing, idle.requests)}, read ${stage(idle.read, idle.requests)}`;

  // Each queue with a finished receive is listed, with 0 when every receive returned messages.
  // The proxy logs a call when it ends, so a long poll still waiting is not counted.
  const receives = allCalls.filter((call) => call.client === "dequeuer" && call.operation === "ReceiveMessage");
  const idleReceives = receives.filter((call) => call.messages === 0);
  const byQueue = new Map<string, number>();
  for (const call of receives) {
    const queue = call.queue ?? "unknown";
    byQueue.set(queue, (byQueue.get(queue) ?? 0) + (call.messages === 0 ? 1 : 0));
  }
  const queues = [...byQueue].map(([queue, count]) => `${queue} ${count}`).join(", ");
  const perMinute = (idleReceives.length / dequeuerSeconds) * 60;

  return [
    line("AWS calls per request", `${Number(perRequest.toFixed(2))}: ${stages}`, {
      text: `at most ${TARGETS.callsPerRequest} (Cortex: 15)`,
      met: perRequest <= TARGETS.callsPerRequest,
    }),
    line("  registry lookups", `${idle.registryReads} in ${idle.requests} requests, not counted above (cached by the gateway)`),
    line("  empty receives", `${idleReceives.length} in ${Math.round(dequeuerSeconds)} s, ${perMinute.toFixed(1)} per minute (${queues || "none"})`),
  ];
}

/** Formats baseline, peak and growth, such as "baseline 86.1 MiB, peak 134.6 MiB (VmHWM), growth 48.4 MiB". */
function memoryFigures(memory: PeakMemory): string {
  const how = memory.peakReset ? "VmHWM" : `VmRSS sampled every 20 ms, VmHWM could not be reset`;
  return `baseline ${formatMib(memory.baselineBytes)}, peak ${formatMib(memory.peakBytes)} (${how}), growth ${formatMib(memory.peakBytes - memory.baselineBytes)}`;
}

export function reportMemory(result: MemoryResult): string[] {
  const growth = result.peakBytes - result.baselineBytes;
  const rate = result.uploadBytes / 1024 / 1024 / result.seconds;
  return [
    line("Gateway memory", memoryFigures(result), {
      text: `growth under ${formatMib(TARGETS.memoryGrowthBytes)}`,
      met: growth < TARGETS.memoryGrowthBytes,
    }),
    line("  upload", `${formatMib(result.uploadBytes)} in ${result.seconds.toFixed(1)} s, ${rate.toFixed(0)} MiB/s`),
  ];
}

export function reportResponseMemory(result: ResponseMemoryResult): string[] {
  const spare = DEQUEUER_MEMORY_LIMIT_BYTES - result.peakBytes;
  const fits = spare > 0 ? `fits, ${formatMib(spare)} to spare` : `DOES NOT FIT, ${formatMib(-spare)} over`;
  return [
    line("Dequeuer memory", memoryFigures(result)),
    line("  memory limit", `${DEQUEUER_MEMORY_LIMIT} (${formatMib(DEQUEUER_MEMORY_LIMIT_BYTES)}), set by the AsyncApi component: peak ${fits}`),
    line("  response", `${formatMib(result.responseBytes)} JSON array of small objects, stored ${result.seconds.toFixed(1)} s after the submit`),
  ];
}
