import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { subnetCidr } from "./cidr.js";
import { type ClusterScope, createAwsChild } from "./scope.js";

// The VPC of a new cluster: one public and one private subnet per zone, the
// nodes in the private ones behind a NAT gateway, and the subnet tags that
// Kubernetes uses to place load balancers.
// https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html

/** Subnets the control plane and nodes use, whether created here or given. */
export interface Network {
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<string>[];
  readonly privateSubnetIds: pulumi.Input<string>[];
}

export interface NetworkResources {
  readonly vpc: aws.ec2.Vpc;
  readonly publicSubnets: aws.ec2.Subnet[];
  readonly privateSubnets: aws.ec2.Subnet[];
  readonly natGateway: aws.ec2.NatGateway;
}

// Public subnets are the first /20s of a /16 (16 times smaller than the VPC),
// private subnets the second, third and fourth quarters, so both fit three zones.
const PUBLIC_SUBNET_NEW_BITS = 4;
const PRIVATE_SUBNET_NEW_BITS = 2;

export function createNetwork(scope: ClusterScope, cidrBlock: string, zoneCount: number): Network & { resources: NetworkResources } {
  const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: scope.parent, provider: scope.awsProvider });
  const zoneName = (index: number) => zones.names.apply((names) => zoneAt(names, index));

  const vpc = createAwsChild(
    scope,
    aws.ec2.Vpc,
    "vpc",
    { cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${scope.name}-vpc` } },
    scope.transform.vpc,
  );
  const internetGateway = createAwsChild(scope, aws.ec2.InternetGateway, "internet-gateway", { vpcId: vpc.id, tags: { Name: `${scope.name}-internet-gateway` } });

  const zoneIndexes = [...Array(zoneCount).keys()];
  const subnet = (tier: "public" | "private", index: number, subnetCidrBlock: string, loadBalancerTag: string) =>
    createAwsChild(
      scope,
      aws.ec2.Subnet,
      [tier, String(index)],
      {
        vpcId: vpc.id,
        cidrBlock: subnetCidrBlock,
        availabilityZone: zoneName(index),
        tags: { Name: `${scope.name}-${tier}-${index}`, [loadBalancerTag]: "1" },
      },
      tier === "public" ? scope.transform.publicSubnet : scope.transform.privateSubnet,
    );
  const publicSubnets = zoneIndexes.map((index) => subnet("public", index, subnetCidr(cidrBlock, PUBLIC_SUBNET_NEW_BITS, index), "kubernetes.io/role/elb"));
  const privateSubnets = zoneIndexes.map((index) =>
    subnet("private", index, subnetCidr(cidrBlock, PRIVATE_SUBNET_NEW_BITS, index + 1), "kubernetes.io/role/internal-elb"),
  );

  // NOTE: one NAT gateway serves every zone, which halves the cost of two but
  // cuts the nodes' outbound traffic while its zone is down.
  const natAddress = createAwsChild(scope, aws.ec2.Eip, "nat-address", { domain: "vpc", tags: { Name: `${scope.name}-nat` } });
  const natGateway = createAwsChild(
    scope,
    aws.ec2.NatGateway,
    "nat-gateway",
    { allocationId: natAddress.id, subnetId: publicSubnets[0]!.id, tags: { Name: `${scope.name}-nat` } },
    scope.transform.natGateway,
    { dependsOn: [internetGateway] },
  );

  const publicRoutes = createAwsChild(scope, aws.ec2.RouteTable, "public-routes", {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
    tags: { Name: `${scope.name}-public` },
  });
  const privateRoutes = createAwsChild(scope, aws.ec2.RouteTable, "private-routes", {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateway.id }],
    tags: { Name: `${scope.name}-private` },
  });
  zoneIndexes.forEach((index) => {
    createAwsChild(scope, aws.ec2.RouteTableAssociation, ["public", String(index), "routes"], { subnetId: publicSubnets[index]!.id, routeTableId: publicRoutes.id });
    createAwsChild(scope, aws.ec2.RouteTableAssociation, ["private", String(index), "routes"], { subnetId: privateSubnets[index]!.id, routeTableId: privateRoutes.id });
  });

  return {
    vpcId: vpc.id,
    publicSubnetIds: publicSubnets.map((subnet) => subnet.id),
    privateSubnetIds: privateSubnets.map((subnet) => subnet.id),
    resources: { vpc, publicSubnets, privateSubnets, natGateway },
  };
}

function zoneAt(names: string[], index: number): string {
  const name = names[index];
  if (name === undefined) {
    throw new Error(`the region has ${names.length} available zones, but the cluster needs ${index + 1}: lower \`availabilityZoneCount\``);
  }
  return name;
}
