import { CORTEX_VERSION } from "../shared/version.js";
import { devCommand } from "./commands/dev.js";
import { getCommand } from "./commands/get.js";
import { submitCommand } from "./commands/submit.js";
import { PortInUseError } from "./dev/ports.js";
import type { CliIo } from "./io.js";
import { EXIT_CODES, UsageError } from "./usage.js";

export const HELP = `Usage: cortex <command> [flags]

Commands:
  submit    Submit a payload to an Async API and print the request id
  get       Print a request's status and result, or wait for it
  dev       Run one Async API locally: embedded SQS and S3, the gateway, the
            dequeuer and your server

Run "cortex <command> --help" for the flags of a command.

Flags:
  -h, --help       Print this help
  -v, --version    Print the version of cortex-async
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  submit: submitCommand,
  get: getCommand,
  dev: devCommand,
};

/** Runs one `cortex` command line and returns its exit code; errors are printed to stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;

  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.stdout.write(HELP);
    return first === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (first === "-v" || first === "--version") {
    io.stdout.write(`${CORTEX_VERSION}\n`);
    return EXIT_CODES.ok;
  }

  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command === undefined) {
    io.stderr.write(`cortex: unknown command ${JSON.stringify(first)}: use submit, get or dev; see "cortex --help"\n`);
    return EXIT_CODES.usage;
  }

  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`cortex ${first}: ${error.message}\nSee "cortex ${error.command ?? first} --help".\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof PortInUseError) {
      io.stderr.write(`cortex ${first}: ${error.message}\n`);
      return EXIT_CODES.error;
    }
    io.stderr.write(`cortex ${first}: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_CODES.error;
  }
}
