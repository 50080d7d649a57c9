import assert from "node:assert/strict";
import { test } from "node:test";
import { validateKubernetesObject } from "../support/k8s-schema.js";

function deployment(container: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "hello", labels: { "app.kubernetes.io/name": "hello" } },
    spec: {
      selector: { matchLabels: { app: "hello" } },
      template: {
        metadata: { labels: { app: "hello" }, annotations: { "cortex.async/checksum": "abc" } },
        spec: { containers: [container] },
      },
    },
  };
}

test("valid deployment passes", () => {
  validateKubernetesObject(deployment({ name: "api", image: "api:1", resources: { requests: { cpu: "200m" } } }));
});

test("misspelt container key fails", () => {
  assert.throws(
    () => validateKubernetesObject(deployment({ name: "api", image: "api:1", imagePullPolcy: "Always" })),
    { message: "Deployment hello has keys its schema does not declare: /spec/template/spec/containers/0/imagePullPolcy" },
  );
});

test("malformed quantity fails", () => {
  assert.throws(
    () => validateKubernetesObject(deployment({ name: "api", image: "api:1", resources: { requests: { cpu: "2 cores" } } })),
    /Deployment hello does not match its schema: .*requests\/cpu must match format "quantity"/,
  );
});

test("wrong value type fails", () => {
  assert.throws(
    () => validateKubernetesObject(deployment({ name: "api", image: "api:1", ports: [{ containerPort: "8080" }] })),
    /ports\/0\/containerPort must be integer/,
  );
});

test("map keys like labels are free", () => {
  validateKubernetesObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "client", labels: { "any/key": "x" } }, data: { "cli.yaml": "endpoint: x" } });
});

test("misspelt ScaledObject key fails", () => {
  const scaledObject = {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: "hello" },
    spec: { scaleTargetRef: { name: "hello" }, minReplicas: 0, triggers: [{ type: "aws-sqs-queue", metadata: { queueURL: "u" } }] },
  };
  assert.throws(() => validateKubernetesObject(scaledObject), {
    message: "ScaledObject hello has keys its schema does not declare: /spec/minReplicas",
  });
});

test("misspelt VirtualService key fails", () => {
  const virtualService = {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "VirtualService",
    metadata: { name: "hello" },
    spec: { hosts: ["*"], http: [{ match: [{ uri: { exact: "/hello" } }], rewrite: { url: "/hello" }, route: [{ destination: { host: "gw" } }] }] },
  };
  assert.throws(() => validateKubernetesObject(virtualService), {
    message: "VirtualService hello has keys its schema does not declare: /spec/http/0/rewrite/url",
  });
});

test("unknown kind fails", () => {
  assert.throws(() => validateKubernetesObject({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x" } }), {
    message: "no schema for kind Deploymnet in apiVersion apps/v1",
  });
});
