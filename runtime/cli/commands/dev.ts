import { isApiName } from "../../shared/storage-layout.js";
import { runDev, type DevOptions } from "../dev/session.js";
import type { Readiness } from "../dev/probes.js";
import type { CliIo } from "../io.js";
import { UsageError, parseCommandArgs, parseIntegerFlag } from "../usage.js";

export const DEV_HELP = `Usage: cortex dev [flags] -- <command> [args...]

Runs one Async API on this machine: an embedded SQS/S3 endpoint on 127.0.0.1,
the gateway, the dequeuer and <command>, your API's server, which must listen on
$CORTEX_PORT and respond to POST / with JSON. The command is started again when
it exits. Ctrl-C or SIGTERM stops every process and removes the local data.

Flags:
  --name NAME                   API name: clients POST to /<NAME> on the gateway.
                                Lowercase letters, digits and '-' (default: hello-world)
  --port PORT                   Port your server listens on, passed to it as
                                CORTEX_PORT (default: 8080)
  --gateway-port PORT           Port of the gateway on 127.0.0.1 (default: 8888)
  --admin-port PORT             Port of the dequeuer's /healthz, /metrics and
                                /drain on 127.0.0.1 (default: any free port)
  --max-concurrency N           Maximum number of requests sent to your server at
                                once, 1 to 100 (default: 1)
  --readiness-http PATH         Send requests only while GET PATH on your server
                                returns 200, checked every second
  --readiness-tcp               Send requests only while your server's port
                                accepts connections, checked every second; this
                                is the default when no readiness flag is given
  --max-processing-seconds N    Maximum time in seconds for your server to
                                respond to one request; a request that takes
                                longer fails (default: 3600)
  -h, --help                    Print this help

Your server gets CORTEX_PORT, CORTEX_VERSION and CORTEX_CLI_CONFIG_DIR (a
directory with a cli.yaml for the local gateway), as in the cluster.

Example:
  cortex dev --name hello-world --readiness-http /healthz -- node examples/hello-world/server.js
`;

const FLAGS = {
  name: { type: "string", default: "hello-world" },
  port: { type: "string", default: "8080" },
  "gateway-port": { type: "string", default: "8888" },
  "admin-port": { type: "string" },
  "max-concurrency": { type: "string", default: "1" },
  "readiness-http": { type: "string" },
  "readiness-tcp": { type: "boolean", default: false },
  "max-processing-seconds": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

const REPEATED_SIGNAL_MIN_MS = 1000;

/** SQS limits a message's invisibility to 12 hours, and the dequeuer needs one visibility window on top. */
const MAX_PROCESSING_SECONDS = 43_200 - 30;

/** Parses the flags of `cortex dev`; everything after `--` is the server's command line. */
export function parseDevArgs(argv: string[]): DevOptions | "help" {
  const separator = argv.indexOf("--");
  const flagArgs = separator === -1 ? argv : argv.slice(0, separator);
  const commandLine = separator === -1 ? [] : argv.slice(separator + 1);

  const { values, positionals } = parseCommandArgs("dev", flagArgs, FLAGS);
  if (values.help) return "help";
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: put your server's command after --`, "dev");
  }

  const [command, ...args] = commandLine;
  if (command === undefined || command === "") {
    throw new UsageError("missing server command: add it after --, for example: cortex dev -- node server.js", "dev");
  }
  if (!isApiName(values.name)) {
    throw new UsageError(
      `--name ${JSON.stringify(values.name)} is not a valid API name: use lowercase letters, digits and '-', starting with a letter, at most 63 characters`,
      "dev",
    );
  }

  const options: DevOptions = {
    api: values.name,
    userPort: parseIntegerFlag("dev", "--port", values.port, 1, 65535),
    gatewayPort: parseIntegerFlag("dev", "--gateway-port", values["gateway-port"], 1, 65535),
    maxConcurrency: parseIntegerFlag("dev", "--max-concurrency", values["max-concurrency"], 1, 100),
    readiness: parseReadiness(values["readiness-http"], values["readiness-tcp"]),
    command,
    args,
  };
  if (values["admin-port"] !== undefined) {
    options.adminPort = parseIntegerFlag("dev", "--admin-port", values["admin-port"], 1, 65535);
  }
  if (values["max-processing-seconds"] !== undefined) {
    options.maxProcessingSeconds = parseIntegerFlag("dev", "--max-processing-seconds", values["max-processing-seconds"], 1, MAX_PROCESSING_SECONDS);
  }

  rejectSharedPorts(options);
  return options;
}

function parseReadiness(httpPath: string | undefined, tcp: boolean): Readiness {
  if (httpPath !== undefined && tcp) {
    throw new UsageError("--readiness-http and --readiness-tcp cannot be used together: choose one", "dev");
  }
  if (httpPath === undefined) return { kind: "tcp" };

  if (!httpPath.startsWith("/")) {
    throw new UsageError(`--readiness-http must be a path starting with "/", got ${JSON.stringify(httpPath)}`, "dev");
  }
  return { kind: "http", path: httpPath };
}

function rejectSharedPorts(options: DevOptions): void {
  const ports: [string, number | undefined][] = [
    ["--port", options.userPort],
    ["--gateway-port", options.gatewayPort],
    ["--admin-port", options.adminPort],
  ];
  for (const [index, [flag, port]] of ports.entries()) {
    const clash = ports.slice(index + 1).find(([, other]) => port !== undefined && other === port);
    if (clash) throw new UsageError(`${flag} and ${clash[0]} are both ${port}: each process needs its own port`, "dev");
  }
}

export async function devCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseDevArgs(argv);
  if (options === "help") {
    io.stdout.write(DEV_HELP);
    return 0;
  }

  const stop = new AbortController();
  const kill = new AbortController();
  let firstSignalAt = 0;
  const onSignal = () => {
    if (!stop.signal.aborted) {
      firstSignalAt = Date.now();
      stop.abort();
      return;
    }
    // Wrappers such as tsx relay the terminal's SIGINT, which then arrives twice
    // at once, so only a repeat after a second counts as a second Ctrl-C.
    if (Date.now() - firstSignalAt >= REPEATED_SIGNAL_MIN_MS) kill.abort();
  };
  // SIGHUP (the terminal closed) would otherwise end this process at once and leave
  // the children, which run in their own process groups, behind.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  try {
    return await runDev(options, io, { stop: stop.signal, kill: kill.signal });
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}
