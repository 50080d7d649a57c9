import { WaitTimeoutError } from "../../client/errors.js";
import type { StatusResponse } from "../../client/status-response.js";
import type { CliIo } from "../io.js";
import { EXIT_CODES, UsageError, parseCommandArgs, parseSecondsFlag } from "../usage.js";
import { ENDPOINT_HELP, clientFor, requireApiArgument } from "./arguments.js";

export const GET_HELP = `Usage: cortex get <api> <id> [flags]

Prints the status of request <id> of the Async API <api> as JSON: id, status
(in_queue, in_progress, completed or failed), result and timestamp once
completed, reason and timestamp once failed.

Flags:
  --wait                 Poll every 0.5 s until the request completes or fails,
                         printing the status and elapsed time to stderr
  --timeout SECONDS      With --wait, stop waiting after this many seconds
                         (default: no limit)
${ENDPOINT_HELP}
  -h, --help             Print this help

Exit codes: 0 when the request completed or is still pending, ${EXIT_CODES.requestFailed} when it
failed, ${EXIT_CODES.waitTimedOut} when --timeout passed first, ${EXIT_CODES.usage} for invalid flags or arguments,
${EXIT_CODES.error} for any other error.
`;

const FLAGS = {
  wait: { type: "boolean", default: false },
  timeout: { type: "string" },
  endpoint: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

export async function getCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("get", argv, FLAGS);
  if (values.help) {
    io.stdout.write(GET_HELP);
    return 0;
  }

  const [apiArgument, id, extra] = positionals;
  const api = requireApiArgument("get", apiArgument);
  if (id === undefined || id === "") throw new UsageError("missing <id>: pass the request id that submit printed", "get");
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, "get");
  if (values.timeout !== undefined && !values.wait) throw new UsageError("--timeout needs --wait", "get");
  const timeoutSeconds = values.timeout === undefined ? undefined : parseSecondsFlag("get", "--timeout", values.timeout);

  const client = await clientFor("get", values.endpoint, io.env);
  if (!values.wait) return printResponse(await client.get(api, id), io);

  const progress = progressPrinter(io.stderr);
  try {
    const response = await client.wait(api, id, {
      ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      onStatus: progress.update,
    });
    progress.end();
    return printResponse(response, io);
  } catch (error) {
    progress.end();
    if (!(error instanceof WaitTimeoutError)) throw error;

    io.stdout.write(`${JSON.stringify(error.last, null, 2)}\n`);
    io.stderr.write(`cortex get: ${error.message}\n`);
    return EXIT_CODES.waitTimedOut;
  }
}

function printResponse(response: StatusResponse, io: CliIo): number {
  io.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
  return response.status === "failed" ? EXIT_CODES.requestFailed : EXIT_CODES.ok;
}

/**
 * Shows the status while waiting: on a terminal one line rewritten in place after
 * every poll, elsewhere (a log file, a pipe) one line per status change.
 */
function progressPrinter(stderr: CliIo["stderr"]) {
  let lastStatus: string | undefined;
  let lineOpen = false;

  return {
    update: (response: StatusResponse, elapsedMs: number) => {
      const line = `${response.id}: ${response.status} after ${(elapsedMs / 1000).toFixed(1)} s`;
      if (stderr.isTTY) {
        stderr.write(`\r\x1b[K${line}`);
        lineOpen = true;
      } else if (response.status !== lastStatus) {
        stderr.write(`${line}\n`);
      }
      lastStatus = response.status;
    },
    end: () => {
      if (lineOpen) stderr.write("\n");
      lineOpen = false;
    },
  };
}
