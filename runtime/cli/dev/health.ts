import { setTimeout as sleep } from "node:timers/promises";

const POLL_INTERVAL_MS = 200;
const REQUEST_TIMEOUT_MS = 2_000;

/** Returns whether GET `url` responds with 200 within two seconds. */
async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Polls each URL until it responds with 200. Throws naming the URLs still failing
 * after `timeoutMs`, and stops early with an AbortError when `signal` aborts.
 */
export async function waitUntilHealthy(urls: string[], timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let pending = urls;

  for (;;) {
    const results = await Promise.all(pending.map(isHealthy));
    pending = pending.filter((_, index) => !results[index]);
    if (pending.length === 0) return;

    signal.throwIfAborted();
    if (performance.now() >= deadline) {
      throw new Error(`${pending.join(" and ")} did not respond with 200 within ${timeoutMs / 1000} s`);
    }
    await sleep(POLL_INTERVAL_MS, undefined, { signal });
  }
}
