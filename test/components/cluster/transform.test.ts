import assert from "node:assert/strict";
import { before, test } from "node:test";

import { Cluster, NODE_GROUPS, type ClusterInstance, recordedResource, settle } from "./fixture.js";

// The escape hatch: per-child transforms and the raw children accessor.

let cluster: ClusterInstance;

before(async () => {
  cluster = new Cluster("tweak", {
    region: "us-west-2",
    nodeGroups: NODE_GROUPS,
    vpcId: "vpc-given",
    publicSubnetIds: ["subnet-a", "subnet-b"],
    privateSubnetIds: ["subnet-c", "subnet-d"],
    adminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"],
    transform: {
      bucket: { tags: { data: "transient" } },
      nodeGroup: (args, _opts, name) => {
        args.tags = { group: name };
      },
      gatewayDeployment: { metadata: { annotations: { owner: "platform" } } },
    },
  });
  await settle(cluster);
});

test("partial args merge over the bucket's", () => {
  const bucket = recordedResource("aws:s3/bucket:Bucket", "tweak-bucket");
  assert.deepEqual(bucket.inputs.tags, { data: "transient" });
  assert.equal(bucket.inputs.forceDestroy, true);
});

test("callback edits every node group", () => {
  for (const group of NODE_GROUPS) {
    const nodeGroup = recordedResource("aws:eks/nodeGroup:NodeGroup", `tweak-nodes-${group.name}`);
    assert.deepEqual(nodeGroup.inputs.tags, { group: `tweak-nodes-${group.name}` });
  }
});

test("nested partial args keep the rest of the object", () => {
  const deployment = recordedResource("kubernetes:apps/v1:Deployment", "tweak-gateway").inputs;
  assert.deepEqual(deployment.metadata.annotations, { owner: "platform" });
  assert.equal(deployment.metadata.name, "async-gateway");
});

test("existing VPC subnets are used as given", () => {
  const controlPlane = recordedResource("aws:eks/cluster:Cluster", "tweak-control-plane");
  const nodeGroup = recordedResource("aws:eks/nodeGroup:NodeGroup", "tweak-nodes-cpu");

  assert.deepEqual(controlPlane.inputs.vpcConfig.subnetIds, ["subnet-c", "subnet-d", "subnet-a", "subnet-b"]);
  assert.deepEqual(nodeGroup.inputs.subnetIds, ["subnet-c", "subnet-d"]);
  assert.equal(cluster.resources.network, undefined);
});

test("given admin principals replace the deployer", () => {
  assert.equal(recordedResource("aws:eks/accessEntry:AccessEntry", "tweak-admin-0").inputs.principalArn, "arn:aws:iam::123456789012:role/platform-admin");
});

test("resources exposes the raw children", () => {
  assert.ok(cluster.resources.eks?.nodeGroups.gpu);
  assert.ok(cluster.resources.gateway.deployment);
  assert.ok(cluster.resources.storage.bucket);
});
