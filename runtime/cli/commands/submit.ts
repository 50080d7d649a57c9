import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { Readable } from "node:stream";
import type { CliIo } from "../io.js";
import { UsageError, parseCommandArgs } from "../usage.js";
import { ENDPOINT_HELP, clientFor, requireApiArgument } from "./arguments.js";

export const SUBMIT_HELP = `Usage: cortex submit <api> [file|-] [flags]

Submits the contents of <file> to the Async API <api> and prints the request id.
With - or no file, the payload is read from standard input. The payload is
streamed, so its size is limited only by the gateway.

Flags:
  --content-type TYPE    Content-Type sent with the payload (default:
                         application/json for a .json file, else
                         application/octet-stream)
${ENDPOINT_HELP}
  --json                 Print {"id": "<id>"} instead of the bare id
  -h, --help             Print this help

Example:
  cortex submit hello-world payload.json
  echo '{"text":"hi"}' | cortex submit hello-world - --content-type application/json
`;

const FLAGS = {
  "content-type": { type: "string" },
  endpoint: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export async function submitCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("submit", argv, FLAGS);
  if (values.help) {
    io.stdout.write(SUBMIT_HELP);
    return 0;
  }

  const [apiArgument, file, extra] = positionals;
  const api = requireApiArgument("submit", apiArgument);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}: submit takes one file`, "submit");

  const fromStdin = file === undefined || file === "-";
  if (fromStdin && io.stdin.isTTY) {
    throw new UsageError("missing payload: name a file, or pipe the payload into standard input", "submit");
  }
  if (!fromStdin) await assertReadableFile(file);

  const client = await clientFor("submit", values.endpoint, io.env);
  const payload = fromStdin ? asReadable(io.stdin) : createReadStream(file);
  const contentType = values["content-type"] ?? (!fromStdin && extname(file).toLowerCase() === ".json" ? "application/json" : "application/octet-stream");

  const { id } = await client.submit(api, payload, { contentType });
  io.stdout.write(values.json ? `${JSON.stringify({ id })}\n` : `${id}\n`);
  return 0;
}

async function assertReadableFile(file: string): Promise<void> {
  let stats;
  try {
    stats = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`payload file ${file} not found`, "submit");
    throw error;
  }
  if (!stats.isFile()) throw new UsageError(`payload ${file} is not a regular file`, "submit");
}

function asReadable(stream: NodeJS.ReadableStream): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false });
}
