import assert from "node:assert/strict";
import { before, test } from "node:test";

import { ACCOUNT_ID, type RecordedResource, resourcesOfType } from "../support/pulumi-mocks.js";
import { Cluster, NODE_GROUPS, policyOf, recordedResource, settle } from "./fixture.js";

// IAM of the cluster's own roles: each Pod Identity role trusts one service
// account of this cluster, and data actions stay on this cluster's queues and
// bucket prefixes.

before(async () => {
  await settle(new Cluster("iam", { region: "eu-central-1", nodeGroups: NODE_GROUPS }));
});

const BUCKET_ARN = "arn:aws:s3:::iam-bucketmock";

function statement(resource: RecordedResource, sid: string): Record<string, any> {
  const found = policyOf(resource).Statement.find((entry) => entry.Sid === sid);
  assert.ok(found, `${resource.name} has no statement ${sid}`);
  return found;
}

test("gateway sends only to this cluster's queues", () => {
  const send = statement(recordedResource("aws:iam/rolePolicy:RolePolicy", "iam-gateway-policy"), "SendToClusterQueues");

  assert.equal(send.Action, "sqs:SendMessage");
  assert.equal(send.Resource, `arn:aws:sqs:eu-central-1:${ACCOUNT_ID}:iam-*`);
});

test("gateway reaches only request and registry objects", () => {
  const policy = recordedResource("aws:iam/rolePolicy:RolePolicy", "iam-gateway-policy");
  const readWrite = statement(policy, "ReadWriteRequests");
  const registry = statement(policy, "ReadRegistry");
  const list = statement(policy, "ListRequests");

  assert.deepEqual(readWrite.Action, ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]);
  assert.equal(readWrite.Resource, `${BUCKET_ARN}/iam/apis/*`);
  assert.equal(registry.Action, "s3:GetObject");
  assert.equal(registry.Resource, `${BUCKET_ARN}/iam/registry/*.json`);
  assert.equal(list.Action, "s3:ListBucket");
  assert.equal(list.Resource, BUCKET_ARN);
  assert.deepEqual(list.Condition, { StringLikeIfExists: { "s3:prefix": "iam/apis/*" } });
});

test("gateway policy has no statement beyond its four", () => {
  const sids = policyOf(recordedResource("aws:iam/rolePolicy:RolePolicy", "iam-gateway-policy")).Statement.map((entry) => entry.Sid);
  assert.deepEqual(sids, ["SendToClusterQueues", "ReadWriteRequests", "ReadRegistry", "ListRequests"]);
});

test("no data action is granted on every resource", () => {
  const policies = resourcesOfType("aws:iam/rolePolicy:RolePolicy").filter((resource) => resource.name.startsWith("iam-"));
  assert.equal(policies.length, 2);

  for (const policy of policies) {
    for (const entry of policyOf(policy).Statement) {
      const actions: string[] = [entry.Action].flat();
      const resources: string[] = [entry.Resource].flat();
      const dataActions = actions.filter((action) => action.startsWith("s3:") || action.startsWith("sqs:"));
      if (dataActions.length > 0) assert.equal(resources.includes("*"), false, `${policy.name} ${entry.Sid}`);
    }
  }
});

test("cluster-autoscaler resizes only this cluster's groups", () => {
  const policy = recordedResource("aws:iam/rolePolicy:RolePolicy", "iam-cluster-autoscaler-policy");
  const resize = statement(policy, "ResizeClusterGroups");
  const nodeGroups = statement(policy, "ReadClusterNodeGroups");

  assert.deepEqual(resize.Condition, { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/iam-control-plane": "owned" } });
  assert.equal(resize.Resource, `arn:aws:autoscaling:eu-central-1:${ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/*`);
  assert.equal(nodeGroups.Resource, `arn:aws:eks:eu-central-1:${ACCOUNT_ID}:nodegroup/iam-control-plane/*`);
});

test("Pod Identity roles trust one service account each", () => {
  const expected = [
    ["iam-gateway-role", "cortex", "async-gateway"],
    ["iam-keda-operator-role", "keda", "keda-operator"],
    ["iam-cluster-autoscaler-role", "kube-system", "cluster-autoscaler"],
  ] as const;

  for (const [roleName, namespace, serviceAccount] of expected) {
    const trust = policyOf(recordedResource("aws:iam/role:Role", roleName), "assumeRolePolicy").Statement;
    assert.equal(trust.length, 1, roleName);
    assert.deepEqual(trust[0]!.Principal, { Service: "pods.eks.amazonaws.com" }, roleName);
    assert.deepEqual(trust[0]!.Action, ["sts:AssumeRole", "sts:TagSession"], roleName);
    assert.deepEqual(
      trust[0]!.Condition,
      {
        StringEquals: {
          "aws:SourceAccount": ACCOUNT_ID,
          "aws:RequestTag/eks-cluster-name": "iam-control-plane",
          "aws:RequestTag/kubernetes-namespace": namespace,
          "aws:RequestTag/kubernetes-service-account": serviceAccount,
        },
      },
      roleName,
    );

    const association = recordedResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", roleName.replace(/-role$/, "-pod-identity"));
    assert.equal(association.inputs.namespace, namespace, roleName);
    assert.equal(association.inputs.serviceAccount, serviceAccount, roleName);
    assert.equal(association.inputs.clusterName, "iam-control-plane", roleName);
  }
});

test("KEDA's role starts without permissions", () => {
  const policies = resourcesOfType("aws:iam/rolePolicy:RolePolicy").filter((resource) => resource.inputs.role === "iam-keda-operator-role");
  assert.deepEqual(policies, []);
});

test("node role gets the EKS worker policies", () => {
  const attached = resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((resource) => resource.name.startsWith("iam-node-role-"))
    .map((resource) => resource.inputs.policyArn)
    .sort();

  assert.deepEqual(attached, [
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ]);
});
