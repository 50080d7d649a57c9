import type * as k8s from "@pulumi/kubernetes";

// Arguments of the Helm releases the cluster installs.

export interface ChartSource {
  chart: string;
  version: string;
  repository: string;
}

/**
 * Builds the args of a Helm release. The release name is fixed rather than
 * generated, because the charts derive their object names from it.
 */
export function helmReleaseArgs(source: ChartSource, releaseName: string, namespace: string, values: Record<string, unknown>): k8s.helm.v3.ReleaseArgs {
  return {
    name: releaseName,
    chart: source.chart,
    version: source.version,
    repositoryOpts: { repo: source.repository },
    namespace,
    createNamespace: true,
    values,
  };
}
