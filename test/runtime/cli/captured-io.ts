import { PassThrough, Readable } from "node:stream";
import type { CliIo } from "../../../runtime/cli/io.js";

export interface CapturedIo extends CliIo {
  output(): string;
  errors(): string;
}

/** Streams for `runCli` that keep what the command prints; stdin yields `input`. */
export function capturedIo(options: { env?: NodeJS.ProcessEnv; input?: string } = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));

  return {
    stdout,
    stderr,
    stdin: Readable.from([Buffer.from(options.input ?? "")]),
    env: options.env ?? {},
    output: () => Buffer.concat(out).toString(),
    errors: () => Buffer.concat(err).toString(),
  };
}
