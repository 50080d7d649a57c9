/** How `cortex dev` decides that the user's server is ready for requests. */
export type Readiness = { kind: "http"; path: string } | { kind: "tcp" };

// Locally a probe every second keeps the wait before the first request short;
// the other fields are Kubernetes' defaults.
const LOCAL_TIMING = { initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };

/** Builds the dequeuer's CORTEX_PROBES value: Kubernetes-style probes in camelCase JSON. */
export function probesJson(readiness: Readiness, userPort: number): string {
  const action =
    readiness.kind === "http" ? { httpGet: { path: readiness.path, port: userPort } } : { tcpSocket: { port: userPort } };
  return JSON.stringify([{ ...action, ...LOCAL_TIMING }]);
}
