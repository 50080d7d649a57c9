import assert from "node:assert/strict";
import { before, test } from "node:test";

import { valueOf } from "../support/pulumi-mocks.js";
import { Cluster, type ClusterInstance, childrenOf, recordedResource, revealed, settle } from "./fixture.js";

// On an existing cluster the component installs the platform only: no VPC,
// control plane, node groups or cluster-autoscaler, and no image build when
// an image is given.

let cluster: ClusterInstance;

before(async () => {
  cluster = new Cluster("shared", {
    region: "us-west-2",
    existingCluster: { name: "platform-eks", nodeGroups: [{ name: "cpu" }, { name: "gpu", accelerator: "gpu" }] },
    runtimeImage: "registry.example/cortex-runtime:1.2.3",
  });
  await settle(cluster);
});

test("creates no network, control plane or node groups", () => {
  const types = new Set(childrenOf("shared").map((resource) => resource.type));
  const absent = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:eks/addon:Addon",
    "aws:eks/accessEntry:AccessEntry",
  ];
  for (const type of absent) assert.equal(types.has(type), false, type);
});

test("creates no cluster-autoscaler or image build", () => {
  const names = childrenOf("shared").map((resource) => resource.name);
  for (const name of ["shared-cluster-autoscaler", "shared-cluster-autoscaler-role", "shared-runtime-repository", "shared-runtime-image"]) {
    assert.equal(names.includes(name), false, name);
  }
});

test("installs the platform on the named cluster", () => {
  const kubeconfig = JSON.parse(revealed(recordedResource("pulumi:providers:kubernetes", "shared-kubernetes").inputs.kubeconfig));
  const association = recordedResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "shared-gateway-pod-identity");

  assert.equal(kubeconfig.clusters[0].cluster.server, "https://platform-eks.eks.us-west-2.amazonaws.com");
  assert.equal(association.inputs.clusterName, "platform-eks");
  assert.equal(recordedResource("kubernetes:helm.sh/v3:Release", "shared-istio-ingress").inputs.name, "ingressgateway-apis");
  assert.equal(recordedResource("kubernetes:helm.sh/v3:Release", "shared-keda").inputs.chart, "keda");
});

test("gateway runs the given image", () => {
  const deployment = recordedResource("kubernetes:apps/v1:Deployment", "shared-gateway").inputs;
  assert.equal(deployment.spec.template.spec.containers[0].image, "registry.example/cortex-runtime:1.2.3");
});

test("outputs name the existing cluster and its groups", async () => {
  assert.equal(await valueOf(cluster.clusterName), "platform-eks");
  assert.equal(await valueOf(cluster.runtimeImage), "registry.example/cortex-runtime:1.2.3");
  assert.deepEqual(cluster.nodeGroups, [{ name: "cpu" }, { name: "gpu", accelerator: "gpu" }]);
  assert.equal(cluster.resources.eks, undefined);
  assert.equal(cluster.resources.network, undefined);
});
