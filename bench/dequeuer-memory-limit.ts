import { DEQUEUER_RESOURCES } from "../components/async-api/containers.js";

// The memory limit the AsyncApi component gives the dequeuer sidecar, which the
// benchmark compares with the dequeuer's peak resident memory.

const BINARY_SUFFIXES: Record<string, number> = { "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** Converts a Kubernetes memory quantity with a binary suffix, such as "320Mi", to bytes. */
export function memoryQuantityBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`memory quantity ${JSON.stringify(quantity)} is not supported: use an integer with Ki, Mi, Gi or no suffix`);
  return Number(match[1]) * BINARY_SUFFIXES[match[2] ?? ""]!;
}

/** The sidecar's `resources.limits.memory`, such as "320Mi". */
export const DEQUEUER_MEMORY_LIMIT: string = DEQUEUER_RESOURCES.limits.memory;
export const DEQUEUER_MEMORY_LIMIT_BYTES = memoryQuantityBytes(DEQUEUER_MEMORY_LIMIT);
