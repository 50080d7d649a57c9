import { parseArgs } from "node:util";
import { MAX_RESPONSE_BYTES } from "../runtime/dequeuer/container-response.js";

/** The dequeuer's response cap in MiB: a larger response fails the request. */
const MAX_RESPONSE_MIB = Math.floor(MAX_RESPONSE_BYTES / (1024 * 1024));

/** Settings of one benchmark run; each field has a command-line option. */
export interface BenchOptions {
  /** Small JSON submits for the submit latency and throughput. */
  submits: number;
  /** Submits in flight at once from the benchmark's client. */
  concurrency: number;
  /** Requests sent one at a time, with the dequeuer idle in between, for the idle pickup and the AWS calls. */
  idleRequests: number;
  /** Requests per second of the steady stream for the pickup under load. */
  loadRate: number;
  /** Length of that stream in seconds. */
  loadSeconds: number;
  /** CORTEX_MAX_CONCURRENCY of the dequeuer. */
  maxConcurrency: number;
  /** Time the user server takes per request of the stream, in milliseconds. */
  workMs: number;
  /** Size of the upload for the gateway's memory, in MiB. */
  uploadMib: number;
  /** Size of the JSON response for the dequeuer's memory, in MiB. */
  responseMib: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  submits: 2000,
  concurrency: 16,
  idleRequests: 50,
  loadRate: 20,
  loadSeconds: 20,
  maxConcurrency: 4,
  workMs: 100,
  uploadMib: 512,
  responseMib: MAX_RESPONSE_MIB,
};

export const USAGE = `Usage: npm run bench -- [options]

Runs the embedded endpoint, the gateway, a dequeuer and a user server on
127.0.0.1 and prints latency, AWS calls per request and the memory of the
gateway and of the dequeuer.

Options:
  --submits <n>          small JSON submits for submit latency and throughput (default ${DEFAULT_OPTIONS.submits})
  --concurrency <n>      submits in flight at once (default ${DEFAULT_OPTIONS.concurrency})
  --idle-requests <n>    requests sent one at a time to an idle dequeuer (default ${DEFAULT_OPTIONS.idleRequests})
  --load-rate <n>        requests per second of the stream for pickup under load (default ${DEFAULT_OPTIONS.loadRate})
  --load-seconds <n>     length of that stream in seconds (default ${DEFAULT_OPTIONS.loadSeconds})
  --max-concurrency <n>  the dequeuer's CORTEX_MAX_CONCURRENCY, 1 to 100 (default ${DEFAULT_OPTIONS.maxConcurrency})
  --work-ms <n>          time the user server takes per request of that stream, in ms (default ${DEFAULT_OPTIONS.workMs})
  --upload-mib <n>       size of the upload for the gateway's memory, in MiB; 0 skips it (default ${DEFAULT_OPTIONS.uploadMib})
  --response-mib <n>     size of the JSON response for the dequeuer's memory, in MiB, up to the
                         dequeuer's cap of ${MAX_RESPONSE_MIB}; 0 skips it (default ${DEFAULT_OPTIONS.responseMib})
  --help                 print this help`;

/** An invalid command line; the message names the option. */
export class OptionError extends Error {
  override name = "OptionError";
}

const LIMITS: Record<keyof BenchOptions, { option: string; min: number; max: number }> = {
  submits: { option: "--submits", min: 1, max: 1_000_000 },
  concurrency: { option: "--concurrency", min: 1, max: 1000 },
  idleRequests: { option: "--idle-requests", min: 1, max: 10_000 },
  loadRate: { option: "--load-rate", min: 1, max: 10_000 },
  loadSeconds: { option: "--load-seconds", min: 1, max: 3600 },
  maxConcurrency: { option: "--max-concurrency", min: 1, max: 100 },
  workMs: { option: "--work-ms", min: 0, max: 60_000 },
  uploadMib: { option: "--upload-mib", min: 0, max: 1024 },
  responseMib: { option: "--response-mib", min: 0, max: MAX_RESPONSE_MIB },
};

/** Parses the command line; returns "help" for --help and throws an OptionError for an invalid value. */
export function parseOptions(argv: string[]): BenchOptions | "help" {
  const spec = Object.fromEntries(Object.values(LIMITS).map(({ option }) => [option.slice(2), { type: "string" as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: { ...spec, help: { type: "boolean" } }, strict: true });
  } catch (error) {
    throw new OptionError(`${(error as Error).message}: see --help`);
  }
  if (parsed.values.help) return "help";

  const options = { ...DEFAULT_OPTIONS };
  for (const [field, { option, min, max }] of Object.entries(LIMITS) as Array<[keyof BenchOptions, (typeof LIMITS)[keyof BenchOptions]]>) {
    const text = parsed.values[option.slice(2)];
    if (text === undefined) continue;

    const value = Number(text);
    if (typeof text !== "string" || !/^\d+$/.test(text) || value < min || value > max) {
      throw new OptionError(`${option} ${JSON.stringify(text)} is invalid: use an integer from ${min} to ${max}`);
    }
    options[field] = value;
  }
  return options;
}
