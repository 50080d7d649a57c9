// Parsing of the units that AsyncApi arguments are written in: Kubernetes
// quantities for compute resources and Go-style durations for autoscaling periods.

// The quantity grammar of Kubernetes (k8s.io/apimachinery resource.Quantity):
// a signed decimal, then a binary suffix (Ki..Ei), a decimal suffix (n, u, m,
// k, M..E) or a decimal exponent.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Checks that `value` is a Kubernetes quantity greater than zero, for example `"500m"` or `"2Gi"`. */
export function isPositiveQuantity(value: string | number): boolean {
  if (typeof value === "number") return Number.isFinite(value) && value > 0;
  if (!QUANTITY.test(value)) return false;
  return Number.parseFloat(value) > 0;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION = /^(\d+(?:\.\d+)?(ms|s|m|h))+$/;
const SECONDS_PER_UNIT: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Converts a duration to seconds: a number is taken as seconds, a string is
 * read as a Go duration (`"90s"`, `"5m"`, `"1h30m"`). Returns undefined for a
 * string in another format.
 */
export function durationSeconds(value: number | string): number | undefined {
  if (typeof value === "number") return value;
  if (!DURATION.test(value)) return undefined;

  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(DURATION_PART)) {
    seconds += Number(amount) * SECONDS_PER_UNIT[unit!]!;
  }
  return seconds;
}
