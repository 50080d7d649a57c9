// A kubeconfig for an EKS cluster. The token comes from `aws eks get-token`
// at each use, so the kubeconfig itself contains no credential, and it is still
// exposed as a secret because it names the cluster's endpoint.

export interface KubeconfigSource {
  clusterName: string;
  endpoint: string;
  /** Base64 certificate authority data of the cluster. */
  certificateAuthority: string;
  region: string;
}

export function kubeconfigFor(source: KubeconfigSource): string {
  const context = source.clusterName;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: source.endpoint, "certificate-authority-data": source.certificateAuthority } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", source.clusterName, "--region", source.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
