import assert from "node:assert/strict";
import { test } from "node:test";
import type { AsyncApiArgs } from "../../../components/async-api.js";
import { installMocks, type RecordedResource } from "../support/pulumi-mocks.js";

installMocks();
const { AsyncApi } = await import("../../../components/async-api.js");
const { fakeHost, render } = await import("./support.js");

// Preview diffs in pull requests depend on a program rendering the same inputs
// every time, and on a change touching only the children it concerns.

interface Changes {
  summarizerImage?: string;
  translatorMaxReplicas?: number;
}

function program(changes: Changes = {}) {
  const cluster = fakeHost();
  const summarizer: AsyncApiArgs = {
    cluster,
    pod: {
      containers: [{ name: "api", image: changes.summarizerImage ?? "summarizer:1", compute: { cpu: "1", mem: "2Gi", shm: "1Gi" } }],
    },
    nodeGroups: ["cpu"],
  };
  const translator: AsyncApiArgs = {
    cluster,
    pod: { maxConcurrency: 4, containers: [{ name: "api", image: "translator:1", readinessProbe: { tcpSocket: { port: 8080 } } }] },
    autoscaling: { maxReplicas: changes.translatorMaxReplicas ?? 20 },
  };
  return () => [new AsyncApi("summarizer", summarizer), new AsyncApi("translator", translator)];
}

/** Resources by name, with inputs as JSON: the text a preview diff compares. The shared providers are left out. */
function snapshot(resources: readonly RecordedResource[]): Map<string, string> {
  const own = resources.filter((resource) => !resource.type.startsWith("pulumi:providers:"));
  return new Map(own.map((resource) => [`${resource.type}/${resource.name}`, JSON.stringify(resource.inputs)]));
}

function changedResources(before: Map<string, string>, after: Map<string, string>): string[] {
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  return [...before.keys()].filter((key) => before.get(key) !== after.get(key)).sort();
}

function checksumOf(resources: readonly RecordedResource[], name: string): string {
  const deployment = resources.find((resource) => resource.name === name);
  return deployment!.inputs.spec.template.metadata.annotations["cortex.async/config-checksum"];
}

test("same program renders identical inputs", async () => {
  const first = snapshot(await render(program()));
  const second = snapshot(await render(program()));
  assert.equal(first.size, 24);
  assert.deepEqual(changedResources(first, second), []);
});

test("autoscaling change touches only its ScaledObject", async () => {
  const before = snapshot(await render(program()));
  const after = snapshot(await render(program({ translatorMaxReplicas: 30 })));
  assert.deepEqual(changedResources(before, after), ["kubernetes:keda.sh/v1alpha1:ScaledObject/translator-scaled-object"]);
});

test("image change touches only its Deployment", async () => {
  const beforeResources = await render(program());
  const afterResources = await render(program({ summarizerImage: "summarizer:2" }));
  assert.deepEqual(changedResources(snapshot(beforeResources), snapshot(afterResources)), ["kubernetes:apps/v1:Deployment/summarizer-deployment"]);
  assert.notEqual(checksumOf(afterResources, "summarizer-deployment"), checksumOf(beforeResources, "summarizer-deployment"));
  assert.equal(checksumOf(afterResources, "translator-deployment"), checksumOf(beforeResources, "translator-deployment"));
});

test("shm is a memory-backed volume", async () => {
  const resources = await render(program());
  const pod = resources.find((resource) => resource.name === "summarizer-deployment")!.inputs.spec.template.spec;
  assert.deepEqual(pod.volumes[2], { name: "shm-0", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } });
  assert.deepEqual(pod.containers[0].volumeMounts[2], { name: "shm-0", mountPath: "/dev/shm" });
  assert.equal(pod.tolerations, undefined);
});
