import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

// Stack settings for running the stack program under Pulumi's mocks, as
// `npm run render` and the stack program's tests do.

export interface StackSettings {
  project: string;
  stack: string;
  /** Config values by `namespace:key`, structured values as JSON strings. */
  config: Record<string, string>;
}

/** Reads the project name from Pulumi.yaml and the stack's config from Pulumi.<stack>.yaml in `root`. */
export function readStackSettings(root: string, stack: string): StackSettings {
  const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name?: string } | null;
  if (!project?.name) throw new Error("Pulumi.yaml has no `name`: set the project name there");

  const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
  let settings: { config?: Record<string, unknown> } | null;
  try {
    settings = parse(readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null;
  } catch (error) {
    throw new Error(`cannot read the settings of stack "${stack}" from ${stackFile}: ${(error as Error).message}`);
  }

  // The Pulumi CLI hands structured values to the program as JSON strings.
  const config = Object.fromEntries(
    Object.entries(settings?.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  return { project: project.name, stack, config };
}

/** Makes `settings.config` the config the program reads; call after installing the mocks. */
export function applyStackConfig(settings: StackSettings): void {
  pulumi.runtime.setAllConfig(settings.config);
}
