import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { installMocks } from "./support/pulumi-mocks.js";

installMocks();
const { parseCortexConfig, loadCortexConfig } = await import("../../components/cortex-config.js");
const { AsyncApi } = await import("../../components/async-api.js");
const { fakeHost, render, single } = await import("./async-api/support.js");

const FIXTURE = "test/fixtures/cortex.yaml";

test("AsyncAPI entries convert to camelCase args", () => {
  const cluster = fakeHost();
  const { apis } = parseCortexConfig(readFileSync(FIXTURE, "utf8"), FIXTURE, cluster);
  assert.deepEqual(apis.map((api) => api.name), ["text-generator", "iris"]);

  const { cluster: host, ...args } = apis[0]!.args;
  assert.equal(host, cluster);
  assert.deepEqual(args, {
    pod: {
      port: 9000,
      maxConcurrency: 4,
      containers: [
        {
          name: "api",
          image: "quay.io/cortexlabs-test/text-generator-gpu:latest",
          command: ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "9000"],
          env: { MODEL_NAME: "gpt2", LOG_LEVEL: "info" },
          compute: { cpu: 1, mem: "4Gi", gpu: 1, shm: "1Gi" },
          readinessProbe: { httpGet: { path: "/healthz", port: 9000 }, initialDelaySeconds: 5, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: 9000 }, failureThreshold: 5 },
        },
        {
          name: "metrics",
          image: "prom/statsd-exporter:v0.22.4",
          compute: { cpu: "100m", mem: "64Mi" },
          preStop: { exec: { command: ["sleep", "5"] } },
        },
      ],
    },
    autoscaling: { minReplicas: 0, maxReplicas: 8, targetInFlight: 4, window: "60s", downscaleStabilizationPeriod: "10m", maxUpscaleFactor: 2 },
    nodeGroups: ["gpu"],
    updateStrategy: { maxSurge: 1, maxUnavailable: 0 },
    networking: { endpoint: "/generate" },
  });
});

test("empty keys take the defaults", () => {
  const { apis } = parseCortexConfig(readFileSync(FIXTURE, "utf8"), FIXTURE, fakeHost());
  assert.equal("nodeGroups" in apis[1]!.args, false);
});

test("other kinds and ignorable fields warn", () => {
  const { warnings } = parseCortexConfig(readFileSync(FIXTURE, "utf8"), FIXTURE, fakeHost());
  assert.deepEqual(warnings, [
    `${FIXTURE}: API text-generator: skipped \`pod.max_queue_length\`, because it limits Realtime APIs; async requests wait in the SQS queue`,
    `${FIXTURE}: skipped API image-classifier of kind RealtimeAPI, because only AsyncAPI entries become AsyncApi components`,
  ]);
});

test("unsupported fields fail with every one listed", () => {
  const text = [
    "- name: summarizer",
    "  kind: AsyncAPI",
    "  pod:",
    "    containers:",
    "      - name: api",
    "        image: summarizer:1",
    "        compute: { cpu: 1, tpu: 1 }",
    "  predictor: { type: python }",
    "- kind: AsyncAPI",
  ].join("\n");
  assert.throws(() => parseCortexConfig(text, "cortex.yaml", fakeHost()), {
    message: [
      "cortex.yaml cannot be converted:",
      "- API summarizer: `pod.containers[0].compute.tpu` is not supported",
      "- API summarizer: `predictor` is not supported",
      "- entry 1 needs a string `name` and `kind`",
      "Fix or remove these entries and fields; a Kubernetes or AWS field we do not expose can be set through the AsyncApi's `transform` argument.",
    ].join("\n"),
  });
});

test("a file that is no list fails", () => {
  assert.throws(() => parseCortexConfig("name: iris\nkind: AsyncAPI\n", "cortex.yaml", fakeHost()), {
    message: "cortex.yaml must contain a YAML list of API configurations, one entry per API",
  });
});

test("loaded entries construct AsyncApis", async () => {
  const cluster = fakeHost();
  const resources = await render(() => loadCortexConfig(FIXTURE, cluster).map(({ name, args }) => new AsyncApi(name, args)));
  assert.deepEqual(resources.filter((resource) => resource.type === "cortex:index:AsyncApi").map((resource) => resource.name), ["text-generator", "iris"]);

  const deployment = single(resources, "kubernetes:apps/v1:Deployment", "text-generator-deployment");
  const [api] = deployment.inputs.spec.template.spec.containers;
  assert.equal(api.ports[0].containerPort, 9000);
  assert.deepEqual(api.resources.limits, { "nvidia.com/gpu": "1" });
  assert.deepEqual(deployment.inputs.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });

  const scaledObject = single(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "text-generator-scaled-object");
  assert.equal(scaledObject.inputs.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds, 600);
  assert.equal(scaledObject.inputs.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies[0].value, 100);

  const virtualService = single(resources, "kubernetes:networking.istio.io/v1beta1:VirtualService", "text-generator-virtual-service");
  assert.deepEqual(virtualService.inputs.spec.http[0].match[0].uri, { exact: "/generate" });
  assert.deepEqual(virtualService.inputs.spec.http[0].rewrite, { uri: "/text-generator" });
});
