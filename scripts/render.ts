// Prints every resource the stack program would create, as YAML sorted by type
// then name, without cloud credentials: the program runs under Pulumi's mocks
// with the settings of Pulumi.<stack>.yaml. Two commits' renders can be
// diffed to review a change. Secret inputs print as `[secret]`, and JSON
// documents in string inputs (IAM policies) print as YAML, so that their diffs
// read line by line.
//
//   npm run render            # the dev stack
//   npm run render -- prod    # the settings of Pulumi.prod.yaml

import * as pulumi from "@pulumi/pulumi";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

import { installMocks, recorded, replaceSecrets } from "../components/testing/pulumi-mocks.js";
import { applyStackConfig, readStackSettings } from "./stack-settings.js";

const SECRET_PLACEHOLDER = "[secret]";

/** Compares strings by code point, so the order does not depend on the machine's locale. */
function byCodePoint(left: string, right: string): number {
  if (left < right) return -1;
  if (left > right) return 1;
  return 0;
}

/** Parses a string that contains a JSON object, or returns undefined for any other string. */
function parseJsonObject(text: string): object | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Returns a copy of `value` for printing: object keys sorted at every level, JSON object strings parsed. */
function printable(value: unknown): unknown {
  if (typeof value === "string") {
    const parsed = parseJsonObject(value);
    return parsed === undefined ? value : printable(parsed);
  }
  if (Array.isArray(value)) return value.map(printable);
  if (typeof value !== "object" || value === null) return value;

  const entries = Object.entries(value).sort(([left], [right]) => byCodePoint(left, right));
  return Object.fromEntries(entries.map(([key, inner]) => [key, printable(inner)]));
}

/** Returns the recorded resources the program creates, without reads, sorted by type then name. */
function createdResources(): Array<{ type: string; name: string; inputs: unknown }> {
  return recorded
    .filter((resource) => resource.readId === undefined)
    .map((resource) => ({ type: resource.type, name: resource.name, inputs: printable(replaceSecrets(resource.inputs, () => SECRET_PLACEHOLDER)) }))
    .sort((left, right) => byCodePoint(left.type, right.type) || byCodePoint(left.name, right.name));
}

async function main(): Promise<void> {
  const stack = process.argv[2] ?? "dev";
  const root = fileURLToPath(new URL("..", import.meta.url));

  // The program names its build context relative to the working directory, as `pulumi up` runs it.
  process.chdir(root);

  const settings = readStackSettings(root, stack);
  installMocks(settings.project, stack);
  applyStackConfig(settings);

  await import("../infra/index.js");
  // Waits until every resource registration has reached the mocks.
  await pulumi.runtime.disconnect();

  process.stdout.write(stringify(createdResources(), { lineWidth: 0 }));
}

main().catch((error: unknown) => {
  process.stderr.write(`render failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
