import assert from "node:assert/strict";
import { before, test } from "node:test";

import * as pulumi from "@pulumi/pulumi";

import { ACCELERATOR_TAINTS, NODE_GROUP_LABEL, type AsyncApiHost } from "../../../components/cluster-contract.js";
import { CORTEX_VERSION } from "../../../runtime/shared/version.js";
import { recorded, resourcesOfType, valueOf, type RecordedResource } from "../support/pulumi-mocks.js";
import { Cluster, NODE_GROUPS, type ClusterInstance, childrenOf, isSecretInput, recordedResource, revealed, settle } from "./fixture.js";

// A new cluster in its own VPC: every AWS child with its key inputs, the
// outputs, and renders that do not change from one run to the next.

let cluster: ClusterInstance;

before(async () => {
  cluster = new Cluster("prod", { region: "us-west-2", nodeGroups: NODE_GROUPS, tags: { team: "ml" } });
  await settle(cluster);
});

test("AWS children use the cluster's provider", () => {
  const awsChildren = childrenOf("prod").filter((resource) => resource.type.startsWith("aws:"));
  assert.ok(awsChildren.length > 30, `expected the full set of AWS children, got ${awsChildren.length}`);
  for (const child of awsChildren) {
    assert.match(child.provider ?? "", /pulumi:providers:aws::prod-aws::/, `${child.type} ${child.name}`);
  }
});

test("provider targets the region with default tags", () => {
  const provider = recordedResource("pulumi:providers:aws", "prod-aws");
  assert.equal(provider.inputs.region, "us-west-2");
  assert.deepEqual(JSON.parse(provider.inputs.defaultTags), { tags: { team: "ml" } });
});

test("VPC spans two zones with public and private subnets", () => {
  assert.equal(recordedResource("aws:ec2/vpc:Vpc", "prod-vpc").inputs.cidrBlock, "10.0.0.0/16");

  const expected = [
    ["prod-public-0", "10.0.0.0/20", "us-west-2a", "kubernetes.io/role/elb"],
    ["prod-public-1", "10.0.16.0/20", "us-west-2b", "kubernetes.io/role/elb"],
    ["prod-private-0", "10.0.64.0/18", "us-west-2a", "kubernetes.io/role/internal-elb"],
    ["prod-private-1", "10.0.128.0/18", "us-west-2b", "kubernetes.io/role/internal-elb"],
  ] as const;
  for (const [name, cidrBlock, zone, loadBalancerTag] of expected) {
    const subnet = recordedResource("aws:ec2/subnet:Subnet", name);
    assert.equal(subnet.inputs.cidrBlock, cidrBlock, name);
    assert.equal(subnet.inputs.availabilityZone, zone, name);
    assert.equal(subnet.inputs.tags[loadBalancerTag], "1", name);
  }
  assert.equal(childrenOf("prod").filter((resource) => resource.type === "aws:ec2/subnet:Subnet").length, 4);
});

test("private subnets route through the NAT gateway", () => {
  const privateRoutes = recordedResource("aws:ec2/routeTable:RouteTable", "prod-private-routes");
  const publicRoutes = recordedResource("aws:ec2/routeTable:RouteTable", "prod-public-routes");

  assert.deepEqual(privateRoutes.inputs.routes, [{ cidrBlock: "0.0.0.0/0", natGatewayId: "prod-nat-gateway-id" }]);
  assert.deepEqual(publicRoutes.inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: "prod-internet-gateway-id" }]);
  assert.equal(recordedResource("aws:ec2/natGateway:NatGateway", "prod-nat-gateway").inputs.subnetId, "prod-public-0-id");
  assert.equal(resourcesOfType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((resource) => resource.name.startsWith("prod-")).length, 4);
});

test("control plane uses access entries, not aws-auth", () => {
  const controlPlane = recordedResource("aws:eks/cluster:Cluster", "prod-control-plane");
  assert.deepEqual(controlPlane.inputs.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
  assert.equal(controlPlane.inputs.version, "1.33");
  assert.deepEqual(controlPlane.inputs.vpcConfig.subnetIds, ["prod-private-0-id", "prod-private-1-id", "prod-public-0-id", "prod-public-1-id"]);
});

test("deployer gets a cluster admin access entry", () => {
  const entry = recordedResource("aws:eks/accessEntry:AccessEntry", "prod-admin-0");
  const association = recordedResource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "prod-admin-0-policy");

  assert.equal(entry.inputs.principalArn, "arn:aws:iam::123456789012:user/mock");
  assert.equal(entry.inputs.type, "STANDARD");
  assert.equal(association.inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  assert.deepEqual(association.inputs.accessScope, { type: "cluster" });
});

test("node groups carry labels, taints and AMI types", () => {
  const expected: Record<string, { amiType: string; capacityType: string; taints: unknown[]; diskSize: number; scaling: number[] }> = {
    cpu: { amiType: "AL2023_x86_64_STANDARD", capacityType: "ON_DEMAND", taints: [], diskSize: 50, scaling: [1, 4, 1] },
    gpu: {
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "SPOT",
      taints: [{ key: ACCELERATOR_TAINTS.gpu.key, value: "true", effect: "NO_SCHEDULE" }],
      diskSize: 50,
      scaling: [0, 2, 0],
    },
    inf: {
      amiType: "AL2023_x86_64_NEURON",
      capacityType: "ON_DEMAND",
      taints: [{ key: ACCELERATOR_TAINTS.inf.key, value: "true", effect: "NO_SCHEDULE" }],
      diskSize: 100,
      scaling: [0, 1, 0],
    },
  };
  for (const [group, want] of Object.entries(expected)) {
    const nodeGroup = recordedResource("aws:eks/nodeGroup:NodeGroup", `prod-nodes-${group}`);
    assert.deepEqual(nodeGroup.inputs.labels, { [NODE_GROUP_LABEL]: group }, group);
    assert.equal(nodeGroup.inputs.amiType, want.amiType, group);
    assert.equal(nodeGroup.inputs.capacityType, want.capacityType, group);
    assert.deepEqual(nodeGroup.inputs.taints ?? [], want.taints, group);
    assert.equal(nodeGroup.inputs.diskSize, want.diskSize, group);
    assert.deepEqual(
      [nodeGroup.inputs.scalingConfig.minSize, nodeGroup.inputs.scalingConfig.maxSize, nodeGroup.inputs.scalingConfig.desiredSize],
      want.scaling,
      group,
    );
    assert.deepEqual(nodeGroup.inputs.subnetIds, ["prod-private-0-id", "prod-private-1-id"], group);
  }
});

test("Pod Identity agent add-on is installed", () => {
  assert.equal(recordedResource("aws:eks/addon:Addon", "prod-pod-identity-agent").inputs.addonName, "eks-pod-identity-agent");
});

test("Kubernetes provider uses a secret kubeconfig", async () => {
  const provider = recordedResource("pulumi:providers:kubernetes", "prod-kubernetes");
  const kubeconfig = JSON.parse(revealed(provider.inputs.kubeconfig));

  assert.equal(isSecretInput(provider.inputs.kubeconfig), true);
  assert.equal(kubeconfig.clusters[0].cluster.server, "https://prod-control-plane.eks.us-west-2.amazonaws.com");
  assert.equal(await pulumi.isSecret(cluster.kubeconfig), true);
});

test("runtime image is built and pushed to ECR", () => {
  const repository = recordedResource("aws:ecr/repository:Repository", "prod-runtime-repository");
  const image = recordedResource("docker-build:index:Image", "prod-runtime-image");

  assert.equal(repository.inputs.forceDelete, true);
  assert.deepEqual(image.inputs.tags, [`123456789012.dkr.ecr.us-west-2.amazonaws.com/prod-runtime-repository:${CORTEX_VERSION}`]);
  assert.deepEqual(image.inputs.context, { location: "." });
  assert.deepEqual(image.inputs.dockerfile, { location: "runtime/Dockerfile" });
  assert.equal(image.inputs.push, true);
  assert.equal(isSecretInput(image.inputs.registries), true);
  assert.deepEqual(revealed(image.inputs.registries), [
    { address: "123456789012.dkr.ecr.us-west-2.amazonaws.com/prod-runtime-repository", username: "AWS", password: "mock-registry-password" },
  ]);
});

test("outputs describe the cluster", async () => {
  assert.equal(await valueOf(cluster.endpoint), "http://prod-ingress-service-mock.elb.us-west-2.amazonaws.com");
  assert.equal(await valueOf(cluster.clusterName), "prod-control-plane");
  assert.equal(await valueOf(cluster.bucketName), "prod-bucketmock");
  assert.match(await valueOf(cluster.runtimeImage), /prod-runtime-repository:[^@]+@sha256:0{64}$/);
});

test("Cluster satisfies AsyncApiHost", async () => {
  const host: AsyncApiHost = cluster;

  assert.equal(host.apiNamespace, "cortex");
  assert.equal(host.storagePrefix, "prod");
  assert.equal(host.queueNamePrefix, "prod-");
  assert.equal(host.istioGateway, "istio-system/apis");
  assert.equal(host.asyncGatewayHost, "async-gateway.cortex.svc.cluster.local");
  assert.equal(host.clientConfigMapName, "cortex-client");
  assert.equal(host.kedaTriggerAuthentication, "prod-aws");
  assert.equal(host.version, CORTEX_VERSION);
  assert.deepEqual(host.nodeGroups, [{ name: "cpu" }, { name: "gpu", accelerator: "gpu" }, { name: "inf", accelerator: "inf" }]);
  assert.equal(await valueOf(pulumi.output(host.kedaOperatorRoleName)), "prod-keda-operator-role");
});

/** Serializes a resource's record without the provider reference, which carries its parent's URN. */
function comparable(resource: RecordedResource): string {
  return JSON.stringify({ type: resource.type, name: resource.name, inputs: resource.inputs, readId: resource.readId });
}

class Wrapper extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:Wrapper", name);
  }
}

test("identical arguments render identical children", async () => {
  const args = { region: "eu-west-1", nodeGroups: NODE_GROUPS };

  const start = recorded.length;
  await settle(new Cluster("twin", args));
  const middle = recorded.length;
  await settle(new Cluster("twin", args, { parent: new Wrapper("wrapper") }));

  const first = recorded.slice(start, middle).map(comparable).sort();
  const second = recorded.slice(middle).filter((resource) => resource.name !== "wrapper").map(comparable).sort();
  assert.ok(first.length > 50, `expected the full render, got ${first.length} resources`);
  assert.deepEqual(second, first);
});
