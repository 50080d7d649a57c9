import assert from "node:assert/strict";
import { before, test } from "node:test";
import { parse } from "yaml";

import { CORTEX_VERSION } from "../../../runtime/shared/version.js";
import { isKubernetesObjectType, validateKubernetesObject } from "../support/k8s-schema.js";
import { recorded, resourcesOfType } from "../support/pulumi-mocks.js";
import { Cluster, NODE_GROUPS, childrenOf, recordedResource, revealed, settle } from "./fixture.js";

// What the cluster installs through its Kubernetes provider: Helm releases,
// istio and KEDA objects, the async gateway and the client ConfigMap.

before(async () => {
  await settle(new Cluster("kube", { region: "us-west-2", nodeGroups: NODE_GROUPS, gateway: { minReplicas: 3, maxReplicas: 12 } }));
});

function release(name: string): Record<string, any> {
  return recordedResource("kubernetes:helm.sh/v3:Release", name).inputs;
}

/**
 * Returns a copy of a ClusterTriggerAuthentication without `identityOwner`.
 * @kubernetes-models/keda 0.4.2 is generated from the CRDs of KEDA 2.10.1, but
 * the field came with KEDA 2.13 (https://keda.sh/docs/2.13/authentication-providers/aws/).
 * The schema check would reject it, so the KEDA test below checks its value instead.
 */
function withoutNewerKedaFields(object: Record<string, any>): Record<string, any> {
  if (object.kind !== "ClusterTriggerAuthentication") return object;
  const { identityOwner: _identityOwner, ...podIdentity } = object.spec.podIdentity;
  return { ...object, spec: { ...object.spec, podIdentity } };
}

test("every Kubernetes object matches its schema", () => {
  const objects = childrenOf("kube").filter((resource) => isKubernetesObjectType(resource.type) && resource.readId === undefined);
  assert.equal(objects.length, 9);

  for (const object of objects) {
    assert.doesNotThrow(() => validateKubernetesObject(withoutNewerKedaFields(revealed(object.inputs))), `${object.type} ${object.name}`);
  }
});

test("Kubernetes children use the cluster's provider", () => {
  const kubernetesChildren = childrenOf("kube").filter((resource) => resource.type.startsWith("kubernetes:"));
  for (const child of kubernetesChildren) {
    assert.match(child.provider ?? "", /pulumi:providers:kubernetes::kube-kubernetes::/, `${child.type} ${child.name}`);
  }
});

test("chaining URL resolves to the ingress gateway Service", () => {
  const ingress = release("kube-istio-ingress");
  const clientConfig = parse(recordedResource("kubernetes:core/v1:ConfigMap", "kube-client-config").inputs.data["cli.yaml"]);
  const endpoint = new URL(clientConfig.endpoint);
  const [service, namespace, ...domain] = endpoint.hostname.split(".");

  assert.equal(endpoint.href, "http://ingressgateway-apis.istio-system.svc.cluster.local/");
  assert.equal(domain.join("."), "svc.cluster.local");
  assert.equal(ingress.chart, "gateway");
  assert.equal(ingress.name, service);
  assert.equal(ingress.values.name, service);
  assert.equal(ingress.namespace, namespace);
  assert.ok(
    ingress.values.service.ports.some((port: { port: number }) => port.port === 80),
    "the Service listens on port 80, the default port of an http URL",
  );
});

test("ingress gateway gets a public NLB", () => {
  const service = release("kube-istio-ingress").values.service;

  assert.equal(service.type, "LoadBalancer");
  assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
});

test("ingress Service values match the Service schema", () => {
  const values = release("kube-istio-ingress").values;
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: values.name, annotations: values.service.annotations, labels: values.labels },
    spec: { type: values.service.type, ports: values.service.ports },
  };

  assert.doesNotThrow(() => validateKubernetesObject(service));
});

test("public endpoint is read from the ingress Service", () => {
  const read = recorded.find((resource) => resource.name === "kube-ingress-service");
  assert.equal(read?.readId, "istio-system/ingressgateway-apis");
});

test("istio Gateway selects the ingress gateway pods", () => {
  const gateway = recordedResource("kubernetes:networking.istio.io/v1beta1:Gateway", "kube-istio-gateway").inputs;
  const ingressLabels = release("kube-istio-ingress").values.labels;

  assert.deepEqual(gateway.metadata, { name: "apis", namespace: "istio-system" });
  assert.deepEqual(gateway.spec.selector, { istio: ingressLabels.istio });
  assert.deepEqual(gateway.spec.servers, [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }]);
});

test("Helm charts are pinned with fixed release names", () => {
  const expected: Array<[string, string, string, string]> = [
    ["kube-istio-base", "base", "istio-base", "istio-system"],
    ["kube-istiod", "istiod", "istiod", "istio-system"],
    ["kube-istio-ingress", "gateway", "ingressgateway-apis", "istio-system"],
    ["kube-keda", "keda", "keda", "keda"],
    ["kube-cluster-autoscaler", "cluster-autoscaler", "cluster-autoscaler", "kube-system"],
  ];
  for (const [child, chart, releaseName, namespace] of expected) {
    const inputs = release(child);
    assert.equal(inputs.chart, chart, child);
    assert.equal(inputs.name, releaseName, child);
    assert.equal(inputs.namespace, namespace, child);
    assert.match(inputs.version, /^\d+\.\d+\.\d+$/, child);
    assert.match(inputs.repositoryOpts.repo, /^https:\/\//, child);
  }
  assert.equal(resourcesOfType("kubernetes:helm.sh/v3:Release").filter((resource) => resource.name.startsWith("kube-")).length, expected.length);
});

test("cluster-autoscaler discovers this cluster's groups", () => {
  const values = release("kube-cluster-autoscaler").values;

  assert.equal(values.cloudProvider, "aws");
  assert.equal(values.awsRegion, "us-west-2");
  assert.deepEqual(values.autoDiscovery, { clusterName: "kube-control-plane" });
  assert.deepEqual(values.rbac.serviceAccount, { create: true, name: "cluster-autoscaler" });
  assert.equal(values.image.tag, "v1.33.0");
});

test("KEDA authenticates with its operator's identity", () => {
  const authentication = recordedResource("kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication", "kube-keda-trigger-authentication").inputs;

  assert.equal(authentication.metadata.name, "kube-aws");
  assert.deepEqual(authentication.spec, { podIdentity: { provider: "aws", identityOwner: "keda" } });
});

test("gateway Deployment runs the runtime image", () => {
  const deployment = recordedResource("kubernetes:apps/v1:Deployment", "kube-gateway").inputs;
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  const env = Object.fromEntries(container.env.map((variable: { name: string; value: string }) => [variable.name, variable.value]));

  assert.deepEqual(deployment.metadata.name, "async-gateway");
  assert.equal(deployment.metadata.namespace, "cortex");
  assert.equal(deployment.spec.replicas, undefined);
  assert.equal(pod.serviceAccountName, "async-gateway");
  assert.equal(pod.containers.length, 1);
  assert.match(container.image, /kube-runtime-repository:.+@sha256:/);
  assert.equal(container.command, undefined);
  assert.deepEqual(env, { CORTEX_BUCKET: "kube-bucketmock", CORTEX_STORAGE_PREFIX: "kube", CORTEX_GATEWAY_PORT: "8888", AWS_REGION: "us-west-2" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/healthz", port: "http" });
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "http" });
  assert.deepEqual(container.ports, [{ name: "http", containerPort: 8888, protocol: "TCP" }]);
  assert.deepEqual(container.resources, { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } });
});

test("gateway Service is the asyncGatewayHost", () => {
  const service = recordedResource("kubernetes:core/v1:Service", "kube-gateway-service").inputs;

  assert.equal(`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`, "async-gateway.cortex.svc.cluster.local");
  assert.deepEqual(service.spec.ports, [{ name: "http", port: 8888, targetPort: "http", protocol: "TCP" }]);
});

test("gateway scales on CPU and keeps one pod in disruptions", () => {
  const autoscaler = recordedResource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kube-gateway-autoscaler").inputs.spec;
  const budget = recordedResource("kubernetes:policy/v1:PodDisruptionBudget", "kube-gateway-disruption-budget").inputs.spec;

  assert.deepEqual(autoscaler.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "async-gateway" });
  assert.equal(autoscaler.minReplicas, 3);
  assert.equal(autoscaler.maxReplicas, 12);
  assert.equal(autoscaler.metrics[0].resource.name, "cpu");
  assert.equal(budget.minAvailable, 1);
});

test("client ConfigMap holds cli.yaml for the cluster", () => {
  const configMap = recordedResource("kubernetes:core/v1:ConfigMap", "kube-client-config").inputs;

  assert.deepEqual(configMap.metadata, { name: "cortex-client", namespace: "cortex" });
  assert.deepEqual(parse(configMap.data["cli.yaml"]), {
    endpoint: "http://ingressgateway-apis.istio-system.svc.cluster.local",
    cluster: "kube",
    region: "us-west-2",
    version: CORTEX_VERSION,
  });
});
