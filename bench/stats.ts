/** Returns the `p`th percentile (0 to 100) of `values` by the nearest-rank method, or NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Returns the current time as Unix milliseconds with sub-millisecond precision, comparable across processes. */
export function unixNow(): number {
  return performance.timeOrigin + performance.now();
}

export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return "n/a";
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatMib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
