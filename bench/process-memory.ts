import { readFile, writeFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { unixNow } from "./stats.js";

// Resident memory of one of the stack's processes around a piece of work, read
// from /proc/<pid>/status. Only that process is counted, not its children or
// the endpoint it talks to.

const SAMPLE_INTERVAL_MS = 20;

/** Time for the garbage of earlier work to be collected before the baseline is read. */
const SETTLE_MS = 1000;

export interface PeakMemory {
  /** VmRSS of the process just before the work. */
  baselineBytes: number;
  /** Highest resident memory during the work: VmHWM after the reset, or the highest VmRSS sampled. */
  peakBytes: number;
  /** Whether VmHWM could be reset before the work; without it only the samples count. */
  peakReset: boolean;
  seconds: number;
}

async function readStatusField(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]) * 1024;
}

/** Resets VmHWM to the current VmRSS (Linux 4.0 and later); returns false when the kernel does not allow it. */
async function resetPeak(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` and measures the resident memory of process `pid` before and during it. */
export async function measurePeakMemory(pid: number, work: () => Promise<void>): Promise<PeakMemory> {
  await delay(SETTLE_MS);
  const baselineBytes = await readStatusField(pid, "VmRSS");
  const peakReset = await resetPeak(pid);

  let sampledPeak = baselineBytes;
  const sampler = setInterval(() => {
    readStatusField(pid, "VmRSS").then(
      (rss) => (sampledPeak = Math.max(sampledPeak, rss)),
      () => undefined,
    );
  }, SAMPLE_INTERVAL_MS);

  const startedAt = unixNow();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (unixNow() - startedAt) / 1000;

  const peakBytes = Math.max(sampledPeak, peakReset ? await readStatusField(pid, "VmHWM") : 0);
  return { baselineBytes, peakBytes, peakReset, seconds };
}
