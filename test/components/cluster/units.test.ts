import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";

import { cliYaml } from "../../../components/cluster/api-namespace.js";
import { autoscalerImageTag } from "../../../components/cluster/autoscaler.js";
import { parseCidr, subnetCidr } from "../../../components/cluster/cidr.js";
import { resolveNodeGroup } from "../../../components/cluster/defaults.js";
import { acceleratorOf, amiTypeOf, instanceFamily } from "../../../components/cluster/instance-types.js";
import { kubeconfigFor } from "../../../components/cluster/kubeconfig.js";
import { isAwsRegion } from "../../../components/cluster/regions.js";

test("subnetCidr lays subnets out inside the block", () => {
  const cases: Array<[string, number, number, string]> = [
    ["10.0.0.0/16", 4, 0, "10.0.0.0/20"],
    ["10.0.0.0/16", 4, 1, "10.0.16.0/20"],
    ["10.0.0.0/16", 2, 1, "10.0.64.0/18"],
    ["10.0.0.0/16", 2, 3, "10.0.192.0/18"],
    ["172.16.0.0/20", 4, 2, "172.16.2.0/24"],
  ];
  for (const [block, newBits, index, expected] of cases) {
    assert.equal(subnetCidr(block, newBits, index), expected, `${block} + ${newBits} bits, subnet ${index}`);
  }
});

test("subnetCidr rejects a subnet beyond the block", () => {
  assert.throws(() => subnetCidr("10.0.0.0/16", 2, 4), { message: "subnet 4 of 10.0.0.0/16 with 2 more prefix bits does not exist" });
});

test("parseCidr rejects malformed blocks", () => {
  for (const block of ["10.0.0.0", "10.0.0.1/16", "256.0.0.0/16", "10.0.0.0/33", "ten/8"]) {
    assert.equal(parseCidr(block), undefined, block);
  }
});

test("instance families map to accelerators and AMI types", () => {
  const cases: Array<[string, "gpu" | "inf" | undefined, string]> = [
    ["m6i.large", undefined, "AL2023_x86_64_STANDARD"],
    ["m7g.large", undefined, "AL2023_ARM_64_STANDARD"],
    ["c6gn.xlarge", undefined, "AL2023_ARM_64_STANDARD"],
    ["t4g.small", undefined, "AL2023_ARM_64_STANDARD"],
    ["g5.xlarge", "gpu", "AL2023_x86_64_NVIDIA"],
    ["g4dn.xlarge", "gpu", "AL2023_x86_64_NVIDIA"],
    ["p4d.24xlarge", "gpu", "AL2023_x86_64_NVIDIA"],
    ["inf2.xlarge", "inf", "AL2023_x86_64_NEURON"],
    ["trn1.2xlarge", "inf", "AL2023_x86_64_NEURON"],
  ];
  for (const [instanceType, accelerator, amiType] of cases) {
    assert.equal(acceleratorOf(instanceType), accelerator, `${instanceType} accelerator`);
    assert.equal(amiTypeOf(instanceType), amiType, `${instanceType} AMI type`);
  }
});

test("instanceFamily rejects a type without a size", () => {
  assert.equal(instanceFamily("m6i"), undefined);
  assert.equal(instanceFamily("p6-b200.48xlarge"), "p6-b200");
});

test("node groups get documented defaults", () => {
  assert.deepEqual(resolveNodeGroup({ name: "gpu", instanceType: "g5.xlarge" }), {
    name: "gpu",
    instanceType: "g5.xlarge",
    minInstances: 1,
    maxInstances: 5,
    spot: false,
    diskSize: 50,
    amiType: "AL2023_x86_64_NVIDIA",
    accelerator: "gpu",
  });
});

test("regions come from the static list", () => {
  assert.equal(isAwsRegion("eu-central-1"), true);
  assert.equal(isAwsRegion("us-gov-west-1"), true);
  assert.equal(isAwsRegion("us-west-9"), false);
  assert.equal(isAwsRegion("US-WEST-2"), false);
});

test("kubeconfig fetches tokens through the AWS CLI", () => {
  const config = JSON.parse(kubeconfigFor({ clusterName: "eks-1", endpoint: "https://eks.example", certificateAuthority: "Y2E=", region: "eu-west-1" }));

  assert.equal(config["current-context"], "eks-1");
  assert.deepEqual(config.clusters[0].cluster, { server: "https://eks.example", "certificate-authority-data": "Y2E=" });
  assert.deepEqual(config.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "eks-1", "--region", "eu-west-1", "--output", "json"]);
});

test("cli.yaml holds the four client settings", () => {
  const text = cliYaml({ endpoint: "http://gateway.example", cluster: "prod", region: "us-east-1", version: "0.1.0" });
  assert.deepEqual(parse(text), { endpoint: "http://gateway.example", cluster: "prod", region: "us-east-1", version: "0.1.0" });
});

test("cluster-autoscaler follows the Kubernetes minor version", () => {
  assert.equal(autoscalerImageTag("1.33"), "v1.33.0");
});
