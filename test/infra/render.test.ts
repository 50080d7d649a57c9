import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";

// `npm run render` prints the dev stack's resources as YAML, the same text on
// every run, so that two commits' renders diff cleanly.

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

interface Rendered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

async function render(): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/render.ts"], { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

let first: string;
let second: string;
let resources: Rendered[];

before(async () => {
  // One after the other: two cores are shared with other test processes.
  first = await render();
  second = await render();
  resources = parse(first) as Rendered[];
});

test("two renders print the same text", () => {
  assert.ok(first.length > 0);
  assert.equal(second, first);
});

test("resources are sorted by type then name", () => {
  const keys = resources.map((resource) => `${resource.type}\u0000${resource.name}`);
  assert.deepEqual(keys, [...keys].sort());
});

test("each resource lists type, name and inputs", () => {
  for (const resource of resources) {
    assert.deepEqual(Object.keys(resource), ["type", "name", "inputs"], resource.name);
  }
});

test("render includes the cluster and hello-world", () => {
  const names = resources.map((resource) => `${resource.type} ${resource.name}`);
  assert.ok(names.includes("cortex:index:Cluster cortex"));
  assert.ok(names.includes("cortex:index:AsyncApi hello-world"));
  assert.ok(names.includes("aws:eks/cluster:Cluster cortex-control-plane"));
});

test("secrets print as placeholders", () => {
  const kubernetesProvider = resources.find((resource) => resource.type === "pulumi:providers:kubernetes");
  const image = resources.find((resource) => resource.type === "docker-build:index:Image");

  assert.equal(kubernetesProvider?.inputs.kubeconfig, "[secret]");
  assert.equal(image?.inputs.registries, "[secret]");
  assert.equal(first.includes("mock-registry-password"), false);
});

test("policies print as YAML documents", () => {
  const gatewayPolicy = resources.find((resource) => resource.name === "cortex-gateway-policy");
  assert.equal(gatewayPolicy?.inputs.policy.Statement[0].Sid, "SendToClusterQueues");
});

test("render names no checkout folder", () => {
  assert.equal(first.includes(root), false);
});
