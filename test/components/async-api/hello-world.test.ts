import assert from "node:assert/strict";
import { before, test } from "node:test";
import { parseProbeSpecs } from "../../../runtime/dequeuer/probe-spec.js";
import { ACCELERATOR_TAINTS, NODE_GROUP_LABEL } from "../../../components/cluster-contract.js";
import { isKubernetesObjectType, validateKubernetesObject } from "../support/k8s-schema.js";
import { installMocks, type RecordedResource } from "../support/pulumi-mocks.js";

installMocks();
const { AsyncApi } = await import("../../../components/async-api.js");
const { fakeHost, render, single } = await import("./support.js");

// The program from the component's documentation, rendered once for every test.
let resources: RecordedResource[];
let api: InstanceType<typeof AsyncApi>;

before(async () => {
  const cluster = fakeHost();
  resources = await render(() => {
    api = new AsyncApi("hello-world", {
      cluster,
      pod: {
        port: 8080,
        maxConcurrency: 2,
        containers: [
          {
            name: "api",
            image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/hello-world:latest",
            readinessProbe: { httpGet: { path: "/healthz", port: 8080 } },
            compute: { cpu: "200m", mem: "128Mi", gpu: 1 },
          },
          { name: "cache", image: "redis:7", compute: { cpu: "100m", mem: "64Mi" } },
        ],
      },
      autoscaling: { minReplicas: 0, maxReplicas: 10, targetInFlight: 2 },
      nodeGroups: ["gpu"],
    });
    return [api];
  });
});

function deploymentSpec() {
  return single(resources, "kubernetes:apps/v1:Deployment").inputs.spec;
}

function podSpec() {
  return deploymentSpec().template.spec;
}

function container(name: string) {
  const found = podSpec().containers.find((candidate: { name: string }) => candidate.name === name);
  assert.ok(found, `container ${name} is rendered`);
  return found;
}

function envOf(containerName: string): Record<string, string> {
  return Object.fromEntries(container(containerName).env.map((variable: { name: string; value: string }) => [variable.name, variable.value]));
}

function policyOf(name: string) {
  return JSON.parse(single(resources, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
}

const QUEUE_ARN = "arn:aws:sqs:us-west-2:123456789012:cortex-hello-world-mock.fifo";
const DEAD_LETTER_QUEUE_ARN = "arn:aws:sqs:us-west-2:123456789012:cortex-hello-world-dlq-mock.fifo";
const QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/123456789012/cortex-hello-world-mock.fifo";
const DEAD_LETTER_QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/123456789012/cortex-hello-world-dlq-mock.fifo";

test("children are named after the API and a role", () => {
  const names = resources.filter((resource) => resource.type !== "cortex:index:AsyncApi" && !resource.type.startsWith("pulumi:providers:")).map((resource) => resource.name);
  assert.deepEqual(names.sort(), [
    "hello-world-dead-letter-queue",
    "hello-world-deployment",
    "hello-world-dequeuer-policy",
    "hello-world-dequeuer-role",
    "hello-world-keda-policy",
    "hello-world-pod-identity",
    "hello-world-queue",
    "hello-world-registry-entry",
    "hello-world-scaled-object",
    "hello-world-service-account",
    "hello-world-virtual-service",
  ]);
});

test("every Kubernetes object matches its schema", () => {
  const objects = resources.filter((resource) => isKubernetesObjectType(resource.type));
  assert.equal(objects.length, 4);
  for (const object of objects) validateKubernetesObject(object.inputs);
});

test("children use the cluster's providers", () => {
  for (const resource of resources) {
    if (resource.type.startsWith("aws:")) assert.match(resource.provider ?? "", /pulumi:providers:aws::cluster-aws::/, resource.name);
    if (resource.type.startsWith("kubernetes:")) assert.match(resource.provider ?? "", /pulumi:providers:kubernetes::cluster-kubernetes::/, resource.name);
  }
});

test("queue is FIFO, encrypted and redrives", () => {
  const queue = single(resources, "aws:sqs/queue:Queue", "hello-world-queue").inputs;
  assert.equal(queue.fifoQueue, true);
  assert.equal(queue.sqsManagedSseEnabled, true);
  assert.equal(queue.namePrefix, "cortex-hello-world-");
  assert.equal(queue.name, undefined);
  assert.equal(queue.visibilityTimeoutSeconds, 30);
  assert.equal(queue.messageRetentionSeconds, 345_600);
  assert.deepEqual(JSON.parse(queue.redrivePolicy), { deadLetterTargetArn: DEAD_LETTER_QUEUE_ARN, maxReceiveCount: 3 });
});

test("dead-letter queue is FIFO and encrypted", () => {
  const deadLetterQueue = single(resources, "aws:sqs/queue:Queue", "hello-world-dead-letter-queue").inputs;
  assert.equal(deadLetterQueue.fifoQueue, true);
  assert.equal(deadLetterQueue.sqsManagedSseEnabled, true);
  assert.equal(deadLetterQueue.namePrefix, "cortex-hello-world-dlq-");
});

test("registry entry points the gateway at the queue", () => {
  const entry = single(resources, "aws:s3/bucketObjectv2:BucketObjectv2").inputs;
  assert.equal(entry.bucket, "cortex-bucket");
  assert.equal(entry.key, "cortex/registry/hello-world.json");
  assert.equal(entry.contentType, "application/json");
  assert.deepEqual(JSON.parse(entry.content), { name: "hello-world", queueUrl: QUEUE_URL, deadLetterQueueUrl: DEAD_LETTER_QUEUE_URL });
});

test("dequeuer role trusts EKS Pod Identity", () => {
  const trust = JSON.parse(single(resources, "aws:iam/role:Role").inputs.assumeRolePolicy);
  assert.deepEqual(trust.Statement, [
    { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
  ]);

  const association = single(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").inputs;
  assert.equal(association.clusterName, "cortex");
  assert.equal(association.namespace, "cortex-apis");
  assert.equal(association.serviceAccount, "hello-world");
  assert.equal(association.roleArn, "arn:aws:iam::123456789012:role/hello-world-dequeuer-role");
  assert.equal(podSpec().serviceAccountName, "hello-world");
});

test("dequeuer policy is scoped to its queues and prefix", () => {
  const statements = policyOf("hello-world-dequeuer-policy").Statement;
  const byAction = (action: string) => statements.filter((statement: { Action: string[] }) => statement.Action.includes(action));

  for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]) {
    assert.deepEqual(byAction(action).map((statement: { Resource: string[] }) => statement.Resource), [[QUEUE_ARN, DEAD_LETTER_QUEUE_ARN]], action);
  }
  for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
    assert.deepEqual(byAction(action).map((statement: { Resource: string[] }) => statement.Resource), [["arn:aws:s3:::cortex-bucket/cortex/apis/hello-world/*"]], action);
  }
  assert.deepEqual(byAction("s3:ListBucket")[0].Condition, { StringLike: { "s3:prefix": ["cortex/apis/hello-world/*"] } });
});

test("no policy grants a wildcard resource", () => {
  for (const name of ["hello-world-dequeuer-policy", "hello-world-keda-policy"]) {
    for (const statement of policyOf(name).Statement) {
      for (const resource of [statement.Resource].flat()) assert.notEqual(resource, "*", name);
      for (const action of [statement.Action].flat()) assert.doesNotMatch(action, /\*/, name);
    }
  }
});

test("KEDA may read only this queue's attributes", () => {
  const policy = single(resources, "aws:iam/rolePolicy:RolePolicy", "hello-world-keda-policy").inputs;
  assert.equal(policy.role, "cortex-keda-operator");
  assert.deepEqual(JSON.parse(policy.policy).Statement, [
    { Sid: "ReadQueueLength", Effect: "Allow", Action: ["sqs:GetQueueAttributes"], Resource: [QUEUE_ARN] },
  ]);
});

test("pod holds the user containers and the dequeuer", () => {
  assert.deepEqual(podSpec().containers.map((entry: { name: string }) => entry.name), ["api", "cache", "dequeuer"]);
});

test("dequeuer requests 100m and 100Mi", () => {
  assert.deepEqual(container("dequeuer").resources.requests, { cpu: "100m", memory: "100Mi" });
});

test("dequeuer limits memory but not CPU", () => {
  assert.deepEqual(container("dequeuer").resources.limits, { memory: "320Mi" });
});

test("dequeuer runs its own entry point", () => {
  const dequeuer = container("dequeuer");
  assert.equal(dequeuer.image, "123456789012.dkr.ecr.us-west-2.amazonaws.com/cortex-runtime:0.1.0");
  assert.deepEqual(dequeuer.command, ["node", "--enable-source-maps", "/app/dist/dequeuer.mjs"]);
  assert.equal(dequeuer.workingDir, "/app");
  assert.deepEqual(dequeuer.ports, [{ name: "admin", containerPort: 8890 }]);
  assert.deepEqual(dequeuer.readinessProbe.httpGet, { path: "/healthz", port: 8890 });
});

test("dequeuer gets its environment", () => {
  const env = envOf("dequeuer");
  assert.deepEqual(Object.keys(env).sort(), [
    "AWS_REGION",
    "CORTEX_ADMIN_PORT",
    "CORTEX_API_NAME",
    "CORTEX_BUCKET",
    "CORTEX_DEAD_LETTER_QUEUE_URL",
    "CORTEX_MAX_CONCURRENCY",
    "CORTEX_MAX_PROCESSING_SECONDS",
    "CORTEX_PROBES",
    "CORTEX_QUEUE_URL",
    "CORTEX_STORAGE_PREFIX",
    "CORTEX_USER_PORT",
    "CORTEX_VISIBILITY_SECONDS",
  ]);
  assert.equal(env.CORTEX_API_NAME, "hello-world");
  assert.equal(env.CORTEX_QUEUE_URL, QUEUE_URL);
  assert.equal(env.CORTEX_DEAD_LETTER_QUEUE_URL, DEAD_LETTER_QUEUE_URL);
  assert.equal(env.CORTEX_BUCKET, "cortex-bucket");
  assert.equal(env.CORTEX_STORAGE_PREFIX, "cortex");
  assert.equal(env.CORTEX_USER_PORT, "8080");
  assert.equal(env.CORTEX_MAX_CONCURRENCY, "2");
  assert.equal(env.CORTEX_ADMIN_PORT, "8890");
  assert.equal(env.CORTEX_VISIBILITY_SECONDS, "30");
  assert.equal(env.CORTEX_MAX_PROCESSING_SECONDS, "3600");
  assert.equal(env.AWS_REGION, "us-west-2");
});

test("dequeuer probes parse as the dequeuer reads them", () => {
  const probes = parseProbeSpecs(envOf("dequeuer").CORTEX_PROBES!);
  assert.equal(probes.length, 1);
  assert.equal(probes[0]!.kind, "httpGet");
  assert.equal(probes[0]!.port, 8080);
});

test("every user container shares /mnt and the client config", () => {
  const volumes = podSpec().volumes;
  assert.deepEqual(volumes, [
    { name: "mnt", emptyDir: {} },
    { name: "client-config", configMap: { name: "cortex-client" } },
  ]);
  for (const name of ["api", "cache"]) {
    assert.deepEqual(container(name).volumeMounts, [
      { name: "mnt", mountPath: "/mnt" },
      { name: "client-config", mountPath: "/cortex/client", readOnly: true },
    ]);
  }
});

test("every user container gets the Cortex environment", () => {
  for (const name of ["api", "cache"]) {
    assert.deepEqual(envOf(name), { CORTEX_PORT: "8080", CORTEX_VERSION: "0.1.0", CORTEX_CLI_CONFIG_DIR: "/cortex/client" }, name);
  }
});

test("only the serving container exposes the port", () => {
  assert.deepEqual(container("api").ports, [{ name: "http", containerPort: 8080 }]);
  assert.equal(container("cache").ports, undefined);
});

test("user probes are rendered", () => {
  assert.deepEqual(container("api").readinessProbe, { httpGet: { path: "/healthz", port: 8080 } });
  assert.equal(container("cache").readinessProbe, undefined);
});

test("user containers wait for the drain", () => {
  for (const name of ["api", "cache"]) {
    assert.deepEqual(container(name).lifecycle, { preStop: { httpGet: { path: "/drain", port: 8890 } } }, name);
  }
});

test("GPU goes to limits with its toleration", () => {
  assert.deepEqual(container("api").resources, {
    requests: { cpu: "200m", memory: "128Mi", "nvidia.com/gpu": "1" },
    limits: { "nvidia.com/gpu": "1" },
  });
  assert.deepEqual(container("cache").resources, { requests: { cpu: "100m", memory: "64Mi" } });
  assert.deepEqual(podSpec().tolerations, [{ ...ACCELERATOR_TAINTS.gpu, operator: "Equal" }]);
});

test("pods select the chosen node groups", () => {
  assert.deepEqual(podSpec().affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
    { matchExpressions: [{ key: NODE_GROUP_LABEL, operator: "In", values: ["gpu"] }] },
  ]);
});

test("grace period covers the longest request", () => {
  assert.equal(podSpec().terminationGracePeriodSeconds, 3600 + 60);
});

test("deployment rolls and identifies the API", () => {
  const deployment = single(resources, "kubernetes:apps/v1:Deployment").inputs;
  assert.equal(deployment.metadata.name, "hello-world");
  assert.equal(deployment.metadata.namespace, "cortex-apis");
  assert.equal(deployment.metadata.labels["app.kubernetes.io/name"], "hello-world");
  assert.equal(deployment.metadata.labels["cortex.async/api"], "hello-world");
  assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } });
  assert.deepEqual(deployment.spec.selector.matchLabels, { "cortex.async/api": "hello-world" });
  assert.equal(deployment.spec.template.metadata.labels["cortex.async/api"], "hello-world");
  assert.equal(deployment.spec.replicas, undefined);
  assert.match(deployment.spec.template.metadata.annotations["cortex.async/config-checksum"], /^[0-9a-f]{64}$/);
});

test("ScaledObject scales on the queue", () => {
  const scaledObject = single(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs;
  assert.deepEqual(scaledObject.spec.scaleTargetRef, { name: "hello-world" });
  assert.equal(scaledObject.spec.minReplicaCount, 0);
  assert.equal(scaledObject.spec.maxReplicaCount, 10);
  assert.deepEqual(scaledObject.spec.fallback, { failureThreshold: 3, replicas: 1 });
  assert.deepEqual(scaledObject.spec.triggers, [
    {
      type: "aws-sqs-queue",
      metadata: {
        queueURL: QUEUE_URL,
        queueLength: "2",
        activationQueueLength: "0",
        awsRegion: "us-west-2",
        scaleOnInFlight: "true",
        scaleOnDelayed: "false",
      },
      authenticationRef: { name: "cortex-aws", kind: "ClusterTriggerAuthentication" },
    },
  ]);
});

test("HPA behavior follows the Cortex defaults", () => {
  const scaledObject = single(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs;
  assert.deepEqual(scaledObject.spec.advanced.horizontalPodAutoscalerConfig.behavior, {
    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 50, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 25, periodSeconds: 15 }] },
  });
  assert.equal(scaledObject.spec.cooldownPeriod, 300);
});

test("VirtualService routes the endpoint to the gateway", () => {
  const virtualService = single(resources, "kubernetes:networking.istio.io/v1beta1:VirtualService").inputs;
  assert.deepEqual(virtualService.spec.gateways, ["istio-system/apis"]);
  assert.deepEqual(virtualService.spec.hosts, ["*"]);

  const [submit, requests] = virtualService.spec.http;
  assert.deepEqual(submit.match.map((match: { uri: unknown }) => match.uri), [{ exact: "/hello-world" }]);
  assert.deepEqual(submit.rewrite, { uri: "/hello-world" });
  assert.deepEqual(requests.match.map((match: { uri: unknown }) => match.uri), [{ prefix: "/hello-world/" }]);
  assert.deepEqual(requests.rewrite, { uri: "/hello-world/" });
  for (const route of [submit, requests]) {
    assert.deepEqual(route.route, [{ destination: { host: "async-gateway.cortex.svc.cluster.local" } }]);
  }
});

test("VirtualService does not bind to the mesh", () => {
  // istiod rejects the host `*` on a VirtualService bound to `mesh`; chaining
  // goes through the ingress gateway's Service instead.
  const virtualService = single(resources, "kubernetes:networking.istio.io/v1beta1:VirtualService").inputs;
  assert.equal(virtualService.spec.gateways.includes("mesh"), false);
  for (const route of virtualService.spec.http) {
    for (const match of route.match) assert.equal(match.gateways, undefined);
  }
});

test("outputs expose queues, endpoint and deployment", async () => {
  const { valueOf } = await import("../support/pulumi-mocks.js");
  assert.equal(await valueOf(api.queueUrl), QUEUE_URL);
  assert.equal(await valueOf(api.deadLetterQueueUrl), DEAD_LETTER_QUEUE_URL);
  assert.equal(api.endpoint, "/hello-world");
  assert.equal(await valueOf(api.deploymentName), "hello-world");
  assert.equal(Object.keys(api.nodes).length, 11);
});
