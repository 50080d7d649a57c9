import assert from "node:assert/strict";
import { test } from "node:test";
import { installMocks } from "../support/pulumi-mocks.js";

installMocks();
const { AsyncApi } = await import("../../../components/async-api.js");
const { fakeHost, render, single } = await import("./support.js");

test("transforms change only their child", async () => {
  const seen: string[] = [];
  const resources = await render(() => [
    new AsyncApi("tagged", {
      cluster: fakeHost(),
      pod: { containers: [{ name: "api", image: "api:1" }] },
      nodeGroups: ["cpu"],
      transform: {
        queue: { tags: { team: "ml" }, receiveWaitTimeSeconds: 20 },
        deployment: (args, opts, name) => {
          seen.push(name);
          opts.protect = true;
          args.metadata = { ...(args.metadata as object), annotations: { owner: "ml" } };
        },
      },
    }),
  ]);

  const queue = single(resources, "aws:sqs/queue:Queue", "tagged-queue").inputs;
  assert.deepEqual(queue.tags, { team: "ml" });
  assert.equal(queue.receiveWaitTimeSeconds, 20);
  assert.equal(queue.fifoQueue, true);
  assert.equal(single(resources, "aws:sqs/queue:Queue", "tagged-dead-letter-queue").inputs.tags, undefined);

  assert.deepEqual(seen, ["tagged-deployment"]);
  const deployment = single(resources, "kubernetes:apps/v1:Deployment", "tagged-deployment").inputs;
  assert.deepEqual(deployment.metadata.annotations, { owner: "ml" });
  assert.equal(deployment.metadata.name, "tagged");
});

test("unexpressible autoscaling fields still construct", async () => {
  const resources = await render(() => [
    new AsyncApi("windowed", {
      cluster: fakeHost(),
      pod: { containers: [{ name: "api", image: "api:1" }] },
      autoscaling: { window: "2m", upscaleTolerance: 0.1 },
      nodeGroups: ["cpu"],
    }),
  ]);
  const scaledObject = single(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "windowed-scaled-object").inputs;
  assert.equal(scaledObject.spec.triggers[0].metadata.queueLength, "1");
});
