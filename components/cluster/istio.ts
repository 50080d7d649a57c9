import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { helmReleaseArgs } from "./helm.js";
import { type KubernetesScope, createKubernetesChild } from "./scope.js";

// istio from its Helm charts: the CRDs (base), the control plane (istiod), and
// an ingress gateway whose Service is `ingressgateway-apis` in `istio-system`,
// published through a public Network Load Balancer. Clients outside the
// cluster reach the APIs through the load balancer, and API containers reach
// them at CHAINING_BASE_URL. https://istio.io/latest/docs/setup/install/helm/

export const ISTIO_CHART_VERSION = "1.29.2";
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
export const ISTIO_NAMESPACE = "istio-system";

/** Name of the ingress gateway's release, Deployment and Service. */
export const INGRESS_SERVICE_NAME = "ingressgateway-apis";

/** Base URL of the APIs from inside the cluster: `<CHAINING_BASE_URL>/<api_name>`. */
export const CHAINING_BASE_URL = `http://${INGRESS_SERVICE_NAME}.${ISTIO_NAMESPACE}.svc.cluster.local`;

/** Name of the istio Gateway the APIs' VirtualServices attach to. */
export const ISTIO_GATEWAY_NAME = "apis";

export interface IstioResources {
  readonly base: k8s.helm.v3.Release;
  readonly istiod: k8s.helm.v3.Release;
  readonly ingress: k8s.helm.v3.Release;
  readonly gateway: k8s.apiextensions.CustomResource;
}

function istioRelease(chart: string, releaseName: string, values: Record<string, unknown>): k8s.helm.v3.ReleaseArgs {
  return helmReleaseArgs({ chart, version: ISTIO_CHART_VERSION, repository: ISTIO_CHART_REPOSITORY }, releaseName, ISTIO_NAMESPACE, values);
}

/** Helm values of the ingress gateway chart. */
export function ingressValues(): Record<string, unknown> {
  return {
    name: INGRESS_SERVICE_NAME,
    labels: { app: INGRESS_SERVICE_NAME, istio: INGRESS_SERVICE_NAME },
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
    service: {
      type: "LoadBalancer",
      // The in-tree AWS cloud provider creates an internet-facing NLB in the
      // subnets tagged kubernetes.io/role/elb.
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
      },
      // Plain HTTP only: no Gateway server terminates TLS on 443.
      ports: [
        { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
        { name: "http2", port: 80, protocol: "TCP", targetPort: 80 },
      ],
    },
  };
}

/** Builds the istio Gateway that accepts HTTP on port 80 for any host at the ingress gateway. */
export function istioGatewayObject(): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> } {
  return {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "Gateway",
    metadata: { name: ISTIO_GATEWAY_NAME, namespace: ISTIO_NAMESPACE },
    spec: {
      selector: { istio: INGRESS_SERVICE_NAME },
      servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }],
    },
  };
}

export function createIstio(scope: KubernetesScope): IstioResources & { publicEndpoint: pulumi.Output<string> } {
  const base = createKubernetesChild(scope, k8s.helm.v3.Release, "istio-base", istioRelease("base", "istio-base", { defaultRevision: "default" }), scope.transform.istioBase);
  const istiod = createKubernetesChild(scope, k8s.helm.v3.Release, "istiod", istioRelease("istiod", "istiod", {}), scope.transform.istiod, { dependsOn: [base] });
  const ingress = createKubernetesChild(scope, k8s.helm.v3.Release, "istio-ingress", istioRelease("gateway", INGRESS_SERVICE_NAME, ingressValues()), scope.transform.istioIngress, {
    dependsOn: [istiod],
  });
  const gateway = createKubernetesChild(scope, k8s.apiextensions.CustomResource, "istio-gateway", istioGatewayObject(), scope.transform.istioGateway, { dependsOn: [istiod] });

  return { base, istiod, ingress, gateway, publicEndpoint: readPublicEndpoint(scope, ingress) };
}

/**
 * Reads the load balancer hostname from the ingress gateway's Service. The
 * Service's id comes from the release's status, so a preview of a new stack,
 * where the release does not exist yet, skips the read instead of failing it.
 */
function readPublicEndpoint(scope: KubernetesScope, ingress: k8s.helm.v3.Release): pulumi.Output<string> {
  const serviceId = pulumi.interpolate`${ingress.status.namespace}/${INGRESS_SERVICE_NAME}`;
  const service = k8s.core.v1.Service.get(`${scope.name}-ingress-service`, serviceId, { parent: scope.parent, provider: scope.kubernetesProvider });

  return service.status.apply((status) => {
    const ingressPoint = status?.loadBalancer?.ingress?.[0];
    const host = ingressPoint?.hostname || ingressPoint?.ip;
    if (!host) throw new Error(`service ${ISTIO_NAMESPACE}/${INGRESS_SERVICE_NAME} has no load balancer address yet: run \`pulumi up\` again once the NLB is provisioned`);
    return `http://${host}`;
  });
}
