import * as pulumi from "@pulumi/pulumi";

// Errors for bad component arguments. Each message names the argument in
// backticks, shows the value that was given and states what to do instead, so a
// user reading `pulumi up` output can fix the program without opening ours.

const MAX_VALUE_LENGTH = 120;

/** Formats an argument path for a message: `pod.port`. */
export function argumentName(path: string): string {
  return `\`${path}\``;
}

/** Formats a value for a message as JSON, shortened when long. */
export function formatValue(value: unknown): string {
  const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}...` : text;
}

/** Formats names as a list for a message: `a`, `b`; an empty list reads "none". */
export function formatList(values: readonly string[]): string {
  return values.length === 0 ? "none" : values.map((value) => `\`${value}\``).join(", ");
}

/**
 * Creates the error for an invalid argument of `resource`: `problem` states
 * what is wrong with which value and `fix` what to do instead, each as a
 * sentence without its final period. The stack trace is hidden because the
 * fault is in the program's arguments, not in the component.
 */
export function argumentError(resource: pulumi.Resource, problem: string, fix: string): pulumi.ResourceError {
  return new pulumi.ResourceError(`${problem}. ${fix}.`, resource, true);
}
