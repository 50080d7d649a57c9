import assert from "node:assert/strict";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";

import * as pulumi from "@pulumi/pulumi";

import { readStackSettings, applyStackConfig } from "../../scripts/stack-settings.js";
import { type RecordedResource, installMocks, recorded, resourcesOfType } from "../components/support/pulumi-mocks.js";

// The stack program with the example settings of Pulumi.dev.yaml: a Cluster
// and the hello-world AsyncApi, which attaches to it with no wiring beyond
// `cluster`.

const root = fileURLToPath(new URL("../..", import.meta.url));

before(async () => {
  const settings = readStackSettings(root, "dev");
  installMocks(settings.project, settings.stack);
  applyStackConfig(settings);

  await import("../../infra/index.js");
  await pulumi.runtime.disconnect();
});

function single(type: string): RecordedResource {
  const found = resourcesOfType(type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0]!;
}

test("program creates one Cluster and one AsyncApi", () => {
  assert.equal(single("cortex:index:Cluster").name, "cortex");
  assert.equal(single("cortex:index:AsyncApi").name, "hello-world");
});

test("stack settings reach the cluster", () => {
  const provider = single("pulumi:providers:aws");
  const nodeGroups = resourcesOfType("aws:eks/nodeGroup:NodeGroup").map((resource) => resource.name);

  assert.equal(provider.inputs.region, "us-west-2");
  assert.deepEqual(nodeGroups.sort(), ["cortex-nodes-cpu", "cortex-nodes-gpu"]);
});

test("hello-world runs the configured image", () => {
  const deployment = resourcesOfType("kubernetes:apps/v1:Deployment").find((resource) => resource.inputs.metadata?.namespace === "cortex" && resource.name.startsWith("hello-world"));
  assert.ok(deployment, "hello-world has a Deployment in the cluster's namespace");

  const images = deployment.inputs.spec.template.spec.containers.map((container: { image: string }) => container.image);
  assert.ok(images.includes("123456789012.dkr.ecr.us-west-2.amazonaws.com/hello-world:0.1.0"), images.join(", "));
  assert.ok(
    images.some((image: string) => image.includes("/cortex-runtime-repository:")),
    `the dequeuer runs the cluster's runtime image: ${images.join(", ")}`,
  );
});

test("hello-world uses the cluster's providers", () => {
  const apiChildren = recorded.filter((resource) => resource.name.startsWith("hello-world") && resource.type !== "cortex:index:AsyncApi");
  assert.ok(apiChildren.length > 0);

  for (const child of apiChildren) {
    const expected = child.type.startsWith("aws:") ? /pulumi:providers:aws::cortex-aws::/ : /pulumi:providers:kubernetes::cortex-kubernetes::/;
    assert.match(child.provider ?? "", expected, `${child.type} ${child.name}`);
  }
});

test("hello-world attaches to the cluster's gateway and KEDA", () => {
  const virtualService = single("kubernetes:networking.istio.io/v1beta1:VirtualService").inputs;
  const scaledObject = single("kubernetes:keda.sh/v1alpha1:ScaledObject").inputs;
  const routes = JSON.stringify(virtualService.spec.http);

  assert.ok(virtualService.spec.gateways.includes("istio-system/apis"));
  assert.ok(routes.includes("async-gateway.cortex.svc.cluster.local"), routes);
  assert.equal(scaledObject.spec.triggers[0].authenticationRef.name, "cortex-aws");
  assert.equal(scaledObject.spec.triggers[0].authenticationRef.kind, "ClusterTriggerAuthentication");
});

test("hello-world queues carry the cluster's prefix", () => {
  const queues = resourcesOfType("aws:sqs/queue:Queue");
  assert.equal(queues.length, 2);
  for (const queue of queues) assert.match(queue.inputs.namePrefix ?? queue.inputs.name, /^cortex-hello-world/, queue.name);
});
