import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { GatewayArgs } from "./args.js";
import { type PodIdentity, createPodIdentity } from "./pod-identity.js";
import { gatewayPolicy } from "./policies.js";
import { type KubernetesScope, createAwsChild, createKubernetesChild } from "./scope.js";

// The async gateway: the Deployment that accepts `POST /<api>` and
// `GET /<api>/<id>` behind the istio ingress, with its Pod Identity role, its
// Service, a CPU-based HorizontalPodAutoscaler and a PodDisruptionBudget.

/** Name of the gateway's Deployment, Service and service account. */
export const GATEWAY_NAME = "async-gateway";
export const GATEWAY_PORT = 8888;

export interface GatewayResources {
  readonly identity: PodIdentity;
  readonly policy: aws.iam.RolePolicy;
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  readonly autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  readonly disruptionBudget: k8s.policy.v1.PodDisruptionBudget;
}

export interface GatewayOptions {
  namespace: pulumi.Output<string>;
  namespaceName: string;
  eksClusterName: pulumi.Output<string>;
  bucketName: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
  storagePrefix: string;
  queueNamePrefix: string;
  image: pulumi.Input<string>;
  settings: Required<GatewayArgs>;
}

/** In-cluster DNS name of the gateway's Service in `namespace`. */
export function gatewayHost(namespace: string): string {
  return `${GATEWAY_NAME}.${namespace}.svc.cluster.local`;
}

const LABELS = { "app.kubernetes.io/name": GATEWAY_NAME, "app.kubernetes.io/part-of": "cortex-async" };

export function createGateway(scope: KubernetesScope, options: GatewayOptions): GatewayResources {
  const identity = createPodIdentity(scope, "gateway", options.eksClusterName, options.namespaceName, GATEWAY_NAME);
  const policy = createAwsChild(
    scope,
    aws.iam.RolePolicy,
    "gateway-policy",
    {
      role: identity.role.name,
      policy: pulumi.all([scope.partition, scope.accountId, options.bucketArn]).apply(([partition, accountId, bucketArn]) =>
        JSON.stringify(
          gatewayPolicy({ partition, region: scope.region, accountId, queueNamePrefix: options.queueNamePrefix, bucketArn, storagePrefix: options.storagePrefix }),
        ),
      ),
    },
    scope.transform.gatewayPolicy,
  );

  const metadata = { name: GATEWAY_NAME, namespace: options.namespace, labels: LABELS };
  const serviceAccount = createKubernetesChild(scope, k8s.core.v1.ServiceAccount, "gateway-service-account", { metadata });

  const deployment = createKubernetesChild(
    scope,
    k8s.apps.v1.Deployment,
    "gateway",
    {
      metadata,
      spec: {
        // No replicas: the HorizontalPodAutoscaler owns the count.
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            containers: [gatewayContainer(scope, options)],
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: LABELS } },
            ],
          },
        },
      },
    },
    scope.transform.gatewayDeployment,
    // Credentials must be in place before the first pod calls S3.
    { dependsOn: [identity.association, policy] },
  );

  const service = createKubernetesChild(
    scope,
    k8s.core.v1.Service,
    "gateway-service",
    { metadata, spec: { selector: LABELS, ports: [{ name: "http", port: GATEWAY_PORT, targetPort: "http", protocol: "TCP" }] } },
    scope.transform.gatewayService,
  );

  const autoscaler = createKubernetesChild(
    scope,
    k8s.autoscaling.v2.HorizontalPodAutoscaler,
    "gateway-autoscaler",
    {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
        minReplicas: options.settings.minReplicas,
        maxReplicas: options.settings.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    },
    scope.transform.gatewayAutoscaler,
  );

  const disruptionBudget = createKubernetesChild(
    scope,
    k8s.policy.v1.PodDisruptionBudget,
    "gateway-disruption-budget",
    { metadata, spec: { minAvailable: 1, selector: { matchLabels: LABELS } } },
    scope.transform.gatewayDisruptionBudget,
  );

  return { identity, policy, serviceAccount, deployment, service, autoscaler, disruptionBudget };
}

function gatewayContainer(scope: KubernetesScope, options: GatewayOptions): k8s.types.input.core.v1.Container {
  const healthCheck = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2 };

  // The image's default command runs the gateway.
  return {
    name: "gateway",
    image: options.image,
    ports: [{ name: "http", containerPort: GATEWAY_PORT, protocol: "TCP" }],
    env: [
      { name: "CORTEX_BUCKET", value: options.bucketName },
      { name: "CORTEX_STORAGE_PREFIX", value: options.storagePrefix },
      { name: "CORTEX_GATEWAY_PORT", value: String(GATEWAY_PORT) },
      { name: "AWS_REGION", value: scope.region },
    ],
    readinessProbe: { ...healthCheck, failureThreshold: 2 },
    livenessProbe: { ...healthCheck, initialDelaySeconds: 10, failureThreshold: 6 },
    resources: {
      requests: { cpu: options.settings.cpu, memory: options.settings.memory },
      limits: { memory: options.settings.memory },
    },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  };
}
