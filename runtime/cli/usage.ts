import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes of the `cortex` command, also listed in its help text. */
export const EXIT_CODES = {
  ok: 0,
  error: 1,
  usage: 2,
  requestFailed: 3,
  waitTimedOut: 4,
} as const;

/** Invalid command-line usage; the message names the flag or argument. */
export class UsageError extends Error {
  override name = "UsageError";

  constructor(
    message: string,
    /** The subcommand whose help explains the fix, if any. */
    readonly command?: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses the flags of one subcommand with node:util parseArgs and turns its errors
 * (unknown flag, missing value, extra argument) into UsageErrors.
 */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code?.startsWith("ERR_PARSE_ARGS_")) throw error;

    // parseArgs suggests "--" for arguments that start with "-", which is wrong for
    // `cortex dev`, where "--" starts the server's command, so only the flag is kept.
    const flag = /'(-[^' ]*)/.exec((error as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag) throw new UsageError(`unknown flag ${flag}`, command);
    throw new UsageError((error as Error).message, command);
  }
}

/** Parses a whole-number flag value in `[min, max]`. The error names the flag and the value. */
export function parseIntegerFlag(command: string, flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, command);
  }
  return number;
}

/** Parses a positive number of seconds, fractions allowed. The error names the flag and the value. */
export function parseSecondsFlag(command: string, flag: string, value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`${flag} must be a positive number of seconds, got ${JSON.stringify(value)}`, command);
  }
  return seconds;
}
