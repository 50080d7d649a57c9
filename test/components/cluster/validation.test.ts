import assert from "node:assert/strict";
import { test } from "node:test";

import { Cluster } from "./fixture.js";

// Each invalid argument fails at construction, before any child exists, with
// a message that names the argument and the value and suggests a fix.

const CPU = { name: "cpu", instanceType: "m6i.large" };

const cases: Array<{ name: string; clusterName?: string; args: Record<string, unknown>; message: string | RegExp }> = [
  {
    name: "duplicate node group names",
    args: { nodeGroups: [CPU, { ...CPU, instanceType: "m6i.xlarge" }] },
    message: '`nodeGroups[1].name` "cpu" is used by an earlier node group. Give each node group a unique name.',
  },
  {
    name: "min instances above max",
    args: { nodeGroups: [{ ...CPU, minInstances: 3, maxInstances: 2 }] },
    message: "`nodeGroups[0].minInstances` 3 is greater than `nodeGroups[0].maxInstances` 2. Set `minInstances` to at most `maxInstances`.",
  },
  {
    name: "negative min instances",
    args: { nodeGroups: [{ ...CPU, minInstances: -1 }] },
    message: "`nodeGroups[0].minInstances` -1 is invalid. Use a whole number, 0 or more.",
  },
  {
    name: "zero max instances",
    args: { nodeGroups: [{ ...CPU, minInstances: 0, maxInstances: 0 }] },
    message: "`nodeGroups[0].maxInstances` is 0, but EKS requires node groups to allow at least one node. Set `maxInstances` to 1 or more.",
  },
  {
    name: "gpu flag on a cpu instance",
    args: { nodeGroups: [{ ...CPU, gpu: true }] },
    message:
      '`nodeGroups[0].gpu` is true, but "m6i.large" is not of a known NVIDIA GPU instance family. Use an instance type of one of the families g4dn, g5, g6, g6e, gr6, p3, p3dn, p4d, p4de, p5, p5e, p5en, or remove `gpu`.',
  },
  {
    name: "inf flag on a gpu instance",
    args: { nodeGroups: [{ name: "inf", instanceType: "g5.xlarge", inf: true }] },
    message:
      '`nodeGroups[0].inf` is true, but "g5.xlarge" is not of a known Inferentia or Trainium instance family. Use an instance type of one of the families inf2, trn1, trn1n, trn2, or remove `inf`.',
  },
  {
    name: "gpu flag false on a gpu instance",
    args: { nodeGroups: [{ name: "gpu", instanceType: "p4d.24xlarge", gpu: false }] },
    message: '`nodeGroups[0].gpu` is false, but "p4d.24xlarge" is of the gpu instance family "p4d". Remove `gpu`, or choose an instance type without accelerators.',
  },
  {
    name: "both accelerator flags",
    args: { nodeGroups: [{ name: "gpu", instanceType: "g5.xlarge", gpu: true, inf: true }] },
    message: "`nodeGroups[0]` sets both `gpu` and `inf`. Set at most one of them, matching the instance type.",
  },
  {
    name: "malformed instance type",
    args: { nodeGroups: [{ ...CPU, instanceType: "large" }] },
    message: '`nodeGroups[0].instanceType` "large" is not an EC2 instance type. Use `<family>.<size>`, such as "m6i.large".',
  },
  {
    name: "small disk",
    args: { nodeGroups: [{ ...CPU, diskSize: 8 }] },
    message: "`nodeGroups[0].diskSize` 8 is invalid. Use a whole number of GiB, at least 20.",
  },
  {
    name: "node group name that is no DNS label",
    args: { nodeGroups: [{ ...CPU, name: "CPU_Group" }] },
    message: "`nodeGroups[0].name` \"CPU_Group\" is not a DNS label. Use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.",
  },
  {
    name: "unknown region",
    args: { region: "us-west-9", nodeGroups: [CPU] },
    message: /^`region` "us-west-9" is not an AWS region\. Use one of af-south-1, .*, us-west-2\.$/,
  },
  {
    name: "existing cluster with node groups",
    args: { existingCluster: { name: "shared" }, nodeGroups: [CPU], vpcId: "vpc-1" },
    message:
      "`existingCluster` cannot be combined with `nodeGroups`, `vpcId`, which only apply to a cluster this component creates. Remove them, or remove `existingCluster` to create a new cluster.",
  },
  {
    name: "existing cluster with admin principals",
    args: { existingCluster: { name: "shared" }, adminPrincipalArns: ["arn:aws:iam::123456789012:role/admin"] },
    message:
      "`existingCluster` cannot be combined with `adminPrincipalArns`, which only apply to a cluster this component creates. Remove them, or remove `existingCluster` to create a new cluster.",
  },
  {
    name: "no node groups for a new cluster",
    args: { nodeGroups: [] },
    message: "`nodeGroups` is empty, so the new cluster would have no nodes. Add at least one node group, or set `existingCluster` to install on a cluster that has nodes.",
  },
  {
    name: "subnets without a VPC",
    args: { nodeGroups: [CPU], privateSubnetIds: ["subnet-1", "subnet-2"] },
    message: "`publicSubnetIds` and `privateSubnetIds` are set without `vpcId`. Set `vpcId` to the VPC of those subnets, or remove them to create a new VPC.",
  },
  {
    name: "existing VPC with one public subnet",
    args: { nodeGroups: [CPU], vpcId: "vpc-1", publicSubnetIds: ["subnet-1"], privateSubnetIds: ["subnet-2", "subnet-3"] },
    message: "`publicSubnetIds` lists 1 subnet(s), but a cluster in an existing VPC needs at least 2. List subnets of `vpcId` in at least two availability zones.",
  },
  {
    name: "zone count out of range",
    args: { nodeGroups: [CPU], availabilityZoneCount: 4 },
    message: "`availabilityZoneCount` 4 is out of range. Use 2 or 3.",
  },
  {
    name: "VPC block too small",
    args: { nodeGroups: [CPU], vpcCidrBlock: "10.0.0.0/24" },
    message: '`vpcCidrBlock` "10.0.0.0/24" is not an IPv4 network with a prefix length from 16 to 20. Use a block such as 10.0.0.0/16.',
  },
  {
    name: "malformed Kubernetes version",
    args: { nodeGroups: [CPU], kubernetesVersion: "1.33.2" },
    message: '`kubernetesVersion` "1.33.2" is invalid. Use `<major>.<minor>`, such as "1.33".',
  },
  {
    name: "gateway replicas reversed",
    args: { nodeGroups: [CPU], gateway: { minReplicas: 4, maxReplicas: 2 } },
    message: "`gateway.maxReplicas` 2 is less than `gateway.minReplicas` 4. Set `gateway.maxReplicas` to at least `gateway.minReplicas`.",
  },
  {
    name: "cluster name with capitals",
    clusterName: "Prod",
    args: { nodeGroups: [CPU] },
    message: "cluster name \"Prod\" is invalid. Use at most 24 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit.",
  },
];

for (const [index, testCase] of cases.entries()) {
  test(`rejects ${testCase.name}`, () => {
    const clusterName = testCase.clusterName ?? `invalid-${index}`;
    const args = { region: "us-west-2", ...testCase.args } as ConstructorParameters<typeof Cluster>[1];

    assert.throws(() => new Cluster(clusterName, args), { message: testCase.message });
  });
}
