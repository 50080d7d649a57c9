import assert from "node:assert/strict";
import { test } from "node:test";
import type { AsyncApiArgs, ContainerArgs } from "../../../components/async-api.js";
import { installMocks, recorded } from "../support/pulumi-mocks.js";

installMocks();
const { AsyncApi } = await import("../../../components/async-api.js");
const { fakeHost } = await import("./support.js");

const api: ContainerArgs = { name: "api", image: "api:1", readinessProbe: { httpGet: { path: "/healthz", port: 8080 } } };

function args(changes: Partial<AsyncApiArgs> = {}): AsyncApiArgs {
  return { cluster: fakeHost(), pod: { containers: [api] }, ...changes };
}

function withContainers(...containers: ContainerArgs[]): AsyncApiArgs {
  return args({ pod: { containers } });
}

/** Asserts that constructing the API fails with exactly `message`, and creates no child. */
function assertRejected(name: string, apiArgs: AsyncApiArgs, message: string): void {
  const before = recorded.length;
  assert.throws(() => new AsyncApi(name, apiArgs), { message });
  const children = recorded.slice(before).filter((resource) => resource.type !== "cortex:index:AsyncApi");
  assert.deepEqual(children.map((child) => child.name), []);
}

test("valid arguments construct", () => {
  assert.ok(new AsyncApi("valid", args()));
});

test("rejects an API name that is no DNS label", () => {
  assertRejected(
    "Hello_World",
    args(),
    `API name "Hello_World" is not a DNS label. Use lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters.`,
  );
});

test("rejects env that overrides platform variables", () => {
  assertRejected(
    "env-override",
    withContainers({ ...api, env: { CORTEX_PORT: "1", MODEL: "small", CORTEX_CLI_CONFIG_DIR: "/tmp" } }),
    "`pod.containers[0].env` sets `CORTEX_PORT`, `CORTEX_CLI_CONFIG_DIR`, which the platform sets. Remove them; set `pod.port` to change CORTEX_PORT.",
  );
});

test("rejects the reserved name healthz", () => {
  assertRejected("healthz", args(), `API name "healthz" is reserved for the gateway's own routes. Choose another name.`);
});

test("rejects a name too long for queue names", () => {
  const name = `a${"b".repeat(40)}`;
  assertRejected(
    name,
    args(),
    `The queue name prefix "cortex-${name}-dlq-" of API "${name}" is 53 characters long, but a FIFO queue name prefix may have at most 49. Choose a shorter API name.`,
  );
});

test("rejects no containers", () => {
  assertRejected("hello", withContainers(), "`pod.containers` is empty. Declare at least the container that serves `pod.port`.");
});

test("rejects duplicate container names", () => {
  assertRejected(
    "hello",
    withContainers(api, { name: "api", image: "other:1" }),
    "`pod.containers` has more than one container named `api`. Give each container a unique name.",
  );
});

test("rejects the sidecar's container name", () => {
  assertRejected(
    "hello",
    withContainers(api, { name: "dequeuer", image: "other:1" }),
    "`pod.containers[1].name` is `dequeuer`, the name of the sidecar. Rename the container.",
  );
});

test("rejects no container serving the port", () => {
  assertRejected(
    "hello",
    withContainers({ name: "api", image: "api:1" }, { name: "cache", image: "redis:7" }),
    "No container serves `pod.port` 8080 among `api`, `cache`. Give the serving container a probe on port 8080, or set `serving: true` on it.",
  );
});

test("rejects several containers serving the port", () => {
  assertRejected(
    "hello",
    withContainers(api, { name: "proxy", image: "envoy:1", livenessProbe: { tcpSocket: { port: 8080 } } }),
    "Several containers serve `pod.port` 8080: `api`, `proxy`. Only one container may listen on the port: set `serving: false` on the others.",
  );
});

test("serving flag picks the serving container", () => {
  assert.ok(new AsyncApi("serving", withContainers({ name: "api", image: "api:1", serving: true }, { name: "cache", image: "redis:7" })));
});

test("rejects maxConcurrency outside 1 to 100", () => {
  for (const maxConcurrency of [0, 101, 1.5]) {
    assertRejected(
      "hello",
      args({ pod: { maxConcurrency, containers: [api] } }),
      `\`pod.maxConcurrency\` is ${maxConcurrency}, outside 1 to 100. Set a whole number from 1 to 100.`,
    );
  }
});

test("rejects a probe without handler", () => {
  assertRejected(
    "hello",
    withContainers({ ...api, livenessProbe: { periodSeconds: 5 } }),
    "`pod.containers[0].livenessProbe` has no handler. Set exactly one of `httpGet`, `tcpSocket` or `exec`.",
  );
});

test("rejects a probe with several handlers", () => {
  assertRejected(
    "hello",
    withContainers({ ...api, readinessProbe: { httpGet: { port: 8080 }, exec: { command: ["true"] } } }),
    "`pod.containers[0].readinessProbe` has 2 handlers (`httpGet`, `exec`). Set exactly one of `httpGet`, `tcpSocket` or `exec`.",
  );
});

test("rejects a malformed cpu quantity", () => {
  assertRejected(
    "hello",
    withContainers({ ...api, compute: { cpu: "2 cores" } }),
    '`pod.containers[0].compute.cpu` is not a positive Kubernetes quantity: "2 cores". Use cores or millicores, such as "1" or "500m".',
  );
});

test("rejects a malformed mem quantity", () => {
  assertRejected(
    "hello",
    withContainers({ ...api, compute: { mem: "2GB" } }),
    '`pod.containers[0].compute.mem` is not a positive Kubernetes quantity: "2GB". Use bytes with a suffix, such as "512Mi" or "2Gi".',
  );
});

test("rejects a malformed shm quantity", () => {
  assertRejected(
    "hello",
    withContainers({ ...api, compute: { shm: "lots" } }),
    '`pod.containers[0].compute.shm` is not a positive Kubernetes quantity: "lots". Use bytes with a suffix, such as "512Mi" or "2Gi".',
  );
});

test("rejects minReplicas above maxReplicas", () => {
  assertRejected(
    "hello",
    args({ autoscaling: { minReplicas: 5, maxReplicas: 2 } }),
    "`autoscaling.minReplicas` (5) is above `autoscaling.maxReplicas` (2). Lower `minReplicas` or raise `maxReplicas`.",
  );
});

test("rejects a targetInFlight of zero or less", () => {
  for (const targetInFlight of [0, -1]) {
    assertRejected(
      "hello",
      args({ autoscaling: { targetInFlight } }),
      `\`autoscaling.targetInFlight\` is ${targetInFlight}. Set a whole number of at least 1, usually \`pod.maxConcurrency\`.`,
    );
  }
});

test("rejects an unknown node group", () => {
  assertRejected(
    "hello",
    args({ nodeGroups: ["gpus"] }),
    '`nodeGroups` names an unknown node group "gpus". Use the cluster\'s node groups: `cpu`, `gpu`.',
  );
});

test("rejects a GPU without a GPU node group", () => {
  assertRejected(
    "hello",
    args({ pod: { containers: [{ ...api, compute: { gpu: 1 } }] }, nodeGroups: ["cpu"] }),
    '`pod.containers[0].compute.gpu` requests 1, but none of the node groups `cpu` has `accelerator: "gpu"`. Add a node group with that accelerator to `nodeGroups` or to the cluster.',
  );
});

test("rejects Inferentia on a cluster without it", () => {
  assertRejected(
    "hello",
    args({ pod: { containers: [{ ...api, compute: { inf: 1 } }] } }),
    '`pod.containers[0].compute.inf` requests 1, but none of the node groups `cpu`, `gpu` has `accelerator: "inf"`. Add a node group with that accelerator to `nodeGroups` or to the cluster.',
  );
});

test("rejects CPU pods on accelerator groups only", () => {
  assertRejected(
    "hello",
    args({ nodeGroups: ["gpu"] }),
    "Every node group in `gpu` has an accelerator, but no container requests one, so no pod could be scheduled. Add a node group without an accelerator to `nodeGroups`, or request `compute.gpu` or `compute.inf`.",
  );
});

test("rejects maxProcessingSeconds out of range", () => {
  for (const maxProcessingSeconds of [0, 43_200]) {
    assertRejected(
      "hello",
      args({ maxProcessingSeconds }),
      `\`maxProcessingSeconds\` is ${maxProcessingSeconds}, outside 1 to 43170. Keep it within SQS's 43200-second visibility limit minus \`queue.visibilityTimeoutSeconds\`.`,
    );
  }
});

test("rejects retention beyond the payload expiry", () => {
  assertRejected(
    "hello",
    args({ queue: { messageRetentionSeconds: 604_800 } }),
    "`queue.messageRetentionSeconds` is 604800, outside 60 to 604799. Keep it below the bucket's 7-day expiry of payloads.",
  );
});

test("rejects an unreadable duration", () => {
  assertRejected(
    "hello",
    args({ autoscaling: { downscaleStabilizationPeriod: "5 minutes" } }),
    '`autoscaling.downscaleStabilizationPeriod` is not a duration: "5 minutes". Use seconds as a number, or a string such as "90s", "5m" or "1h".',
  );
});

test("rejects an upscale factor of 1 or less", () => {
  assertRejected(
    "hello",
    args({ autoscaling: { maxUpscaleFactor: 1 } }),
    "`autoscaling.maxUpscaleFactor` is 1. Set a factor above 1, such as 1.5.",
  );
});

test("rejects an endpoint that is no path", () => {
  assertRejected(
    "hello",
    args({ networking: { endpoint: "/hello world" } }),
    '`networking.endpoint` is not a URL path: "/hello world". Use path segments of letters, digits, \'-\', \'.\', \'_\' or \'~\', such as "/v1/summarize".',
  );
});
