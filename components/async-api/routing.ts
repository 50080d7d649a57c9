import * as k8s from "@pulumi/kubernetes";
import { apiMetadata, createKubernetesChild, type BuildContext } from "./children.js";

// Routes `<endpoint>` and `<endpoint>/...` to the cluster's shared async
// gateway, rewriting the endpoint to `/<name>`: the gateway routes by the first
// path segment only, so a custom endpoint still reaches this API's queue.

/**
 * Authority prefix of the ingress gateway's in-cluster Service. APIs chain by
 * calling `http://ingressgateway-apis.istio-system.svc.cluster.local/<api>`.
 */
export const IN_CLUSTER_INGRESS_AUTHORITY = "ingressgateway-apis.istio-system";

/**
 * Builds the matches of one route. Requests through the ingress Gateway match
 * on the path. Requests from sidecars (the `mesh` gateway) also match on the
 * ingress Service's authority, so this VirtualService, whose host is `*`,
 * captures no sidecar's calls to other services.
 */
function matches(istioGateway: string, uri: Record<string, string>) {
  return [
    { uri, gateways: [istioGateway] },
    { uri, gateways: ["mesh"], authority: { prefix: IN_CLUSTER_INGRESS_AUTHORITY } },
  ];
}

export function virtualServiceSpec(context: BuildContext) {
  const { spec, host } = context;
  // The gateway's Service exposes one port, so istio needs no port number here.
  const destination = { destination: { host: host.asyncGatewayHost } };

  return {
    hosts: ["*"],
    gateways: [host.istioGateway, "mesh"],
    http: [
      {
        name: `${spec.name}-submit`,
        match: matches(host.istioGateway, { exact: spec.endpoint }),
        rewrite: { uri: `/${spec.name}` },
        route: [destination],
      },
      {
        name: `${spec.name}-requests`,
        // Istio replaces the matched prefix only, so `<endpoint>/<id>` becomes `/<name>/<id>`.
        match: matches(host.istioGateway, { prefix: `${spec.endpoint}/` }),
        rewrite: { uri: `/${spec.name}/` },
        route: [destination],
      },
    ],
  };
}

export function createVirtualService(context: BuildContext): k8s.apiextensions.CustomResource {
  return createKubernetesChild(context, "virtualService", k8s.apiextensions.CustomResource, {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "VirtualService",
    metadata: apiMetadata(context),
    spec: virtualServiceSpec(context),
  });
}
