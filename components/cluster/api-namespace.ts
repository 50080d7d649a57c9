import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";

import { type KubernetesScope, createKubernetesChild } from "./scope.js";

// The namespace the async gateway and every API run in, and the ConfigMap that
// each API container mounts at /cortex/client, so the CLI and client inside
// it reach the cluster's APIs without further configuration.

/** Name of the ConfigMap holding `cli.yaml`. */
export const CLIENT_CONFIG_MAP_NAME = "cortex-client";

/** The keys of `cli.yaml`, as the CLI reads them. */
export interface ClientConfig {
  /** Base URL of the APIs; in the cluster, the ingress gateway's in-cluster address. */
  endpoint: string;
  cluster: string;
  region: string;
  version: string;
}

export function cliYaml(config: ClientConfig): string {
  return stringify({ endpoint: config.endpoint, cluster: config.cluster, region: config.region, version: config.version });
}

export interface ApiNamespaceResources {
  readonly namespace: k8s.core.v1.Namespace;
  readonly clientConfigMap: k8s.core.v1.ConfigMap;
}

export function createApiNamespace(scope: KubernetesScope, namespaceName: string, clientConfig: ClientConfig): ApiNamespaceResources {
  const namespace = createKubernetesChild(scope, k8s.core.v1.Namespace, "namespace", { metadata: { name: namespaceName } }, scope.transform.namespace);

  const clientConfigMap = createKubernetesChild(
    scope,
    k8s.core.v1.ConfigMap,
    "client-config",
    {
      metadata: { name: CLIENT_CONFIG_MAP_NAME, namespace: namespace.metadata.name },
      data: { "cli.yaml": cliYaml(clientConfig) },
    },
    scope.transform.clientConfigMap,
  );

  return { namespace, clientConfigMap };
}
