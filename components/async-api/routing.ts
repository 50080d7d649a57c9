import * as k8s from "@pulumi/kubernetes";
import { apiMetadata, createKubernetesChild, type BuildContext } from "./children.js";

// Routes `<endpoint>` and `<endpoint>/...` to the cluster's shared async
// gateway, rewriting the endpoint to `/<name>`: the gateway routes by the first
// path segment only, so a custom endpoint still reaches this API's queue.

// The VirtualService binds to the ingress Gateway only. APIs chain by calling
// the ingress gateway's Service (`ingressgateway-apis.istio-system`), whose pods
// apply these routes, so no `mesh` binding is needed. istiod would also reject
// the host `*` on a VirtualService bound to `mesh`.

export function virtualServiceSpec(context: BuildContext) {
  const { spec, host } = context;
  // The gateway's Service exposes one port, so istio needs no port number here.
  const destination = { destination: { host: host.asyncGatewayHost } };

  return {
    hosts: ["*"],
    gateways: [host.istioGateway],
    http: [
      {
        name: `${spec.name}-submit`,
        match: [{ uri: { exact: spec.endpoint } }],
        rewrite: { uri: `/${spec.name}` },
        route: [destination],
      },
      {
        name: `${spec.name}-requests`,
        // Istio replaces the matched prefix only, so `<endpoint>/<id>` becomes `/<name>/<id>`.
        match: [{ uri: { prefix: `${spec.endpoint}/` } }],
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
