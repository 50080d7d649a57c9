import assert from "node:assert/strict";
import { test } from "node:test";
import { isKubernetesObjectType, validateKubernetesObject } from "../support/k8s-schema.js";
import { installMocks, valueOf } from "../support/pulumi-mocks.js";

installMocks();
const { Cluster } = await import("../../../components/cluster.js");
const { AsyncApi } = await import("../../../components/async-api.js");
const { render, single } = await import("./support.js");

// The documented program, verbatim, on a real Cluster rather than a test host.

test("hello-world runs on a Cluster", async () => {
  const cluster = new Cluster("cortex", {
    region: "us-west-2",
    nodeGroups: [
      { name: "cpu", instanceType: "m5.large", minInstances: 1, maxInstances: 4 },
      { name: "gpu", instanceType: "g4dn.xlarge", minInstances: 0, maxInstances: 2, gpu: true },
    ],
  });

  const resources = await render(() => [
    new AsyncApi("hello-world", {
      cluster,
      pod: {
        port: 8080,
        maxConcurrency: 2,
        containers: [
          { name: "api", image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/hello-world:latest",
            readinessProbe: { httpGet: { path: "/healthz", port: 8080 } },
            compute: { cpu: "200m", mem: "128Mi", gpu: 1 } },
          { name: "cache", image: "redis:7", compute: { cpu: "100m", mem: "64Mi" } },
        ],
      },
      autoscaling: { minReplicas: 0, maxReplicas: 10, targetInFlight: 2 },
      nodeGroups: ["gpu"],
    }),
  ]);

  // Only the API's own objects: the Cluster's children are its own tests' concern.
  const apiObjects = resources.filter((resource) => isKubernetesObjectType(resource.type) && resource.name.startsWith("hello-world-"));
  assert.equal(apiObjects.length, 4);
  for (const object of apiObjects) validateKubernetesObject(object.inputs);

  const pod = single(resources, "kubernetes:apps/v1:Deployment", "hello-world-deployment").inputs.spec.template.spec;
  assert.equal(pod.containers[2].image, await valueOf(cluster.runtimeImage));
  assert.deepEqual(pod.volumes[1], { name: "client-config", configMap: { name: cluster.clientConfigMapName } });
  assert.equal(pod.tolerations.length, 1);

  const virtualService = single(resources, "kubernetes:networking.istio.io/v1beta1:VirtualService", "hello-world-virtual-service").inputs;
  assert.deepEqual(virtualService.spec.gateways, [cluster.istioGateway]);
  assert.equal(virtualService.spec.http[0].route[0].destination.host, cluster.asyncGatewayHost);

  const queue = single(resources, "aws:sqs/queue:Queue", "hello-world-queue").inputs;
  assert.equal(queue.namePrefix, `${cluster.queueNamePrefix}hello-world-`);
});
