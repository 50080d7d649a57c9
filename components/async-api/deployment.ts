import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ACCELERATOR_TAINTS, NODE_GROUP_LABEL } from "../cluster-contract.js";
import { checksum } from "./checksum.js";
import { apiLabels, apiMetadata, createKubernetesChild, type BuildContext } from "./children.js";
import { CLIENT_CONFIG_VOLUME, SHARED_VOLUME, dequeuerContainer, shmVolumeName, userContainers, type DequeuerInputs } from "./containers.js";
import type { ApiSpec } from "./spec.js";

type PodSpec = k8s.types.input.core.v1.PodSpec;

/** Annotation on the pod template holding the SHA-256 of the rendered pod spec. */
export const CHECKSUM_ANNOTATION = "cortex.async/config-checksum";

/**
 * Seconds a pod may take to stop beyond `maxProcessingSeconds`: time for the
 * last request's result upload and the dequeuer's exit.
 */
export const SHUTDOWN_MARGIN_SECONDS = 60;

function volumes(spec: ApiSpec, clientConfigMapName: string): k8s.types.input.core.v1.Volume[] {
  const list: k8s.types.input.core.v1.Volume[] = [
    { name: SHARED_VOLUME, emptyDir: {} },
    { name: CLIENT_CONFIG_VOLUME, configMap: { name: clientConfigMapName } },
  ];
  spec.containers.forEach((container, index) => {
    if (container.compute.shm !== undefined) {
      list.push({ name: shmVolumeName(index), emptyDir: { medium: "Memory", sizeLimit: container.compute.shm } });
    }
  });
  return list;
}

/** Tolerations of the accelerator taints, for the accelerators the pod requests. */
function tolerations(spec: ApiSpec): k8s.types.input.core.v1.Toleration[] {
  const requested = (["gpu", "inf"] as const).filter((accelerator) => spec.containers.some((container) => container.compute[accelerator] > 0));
  return requested.map((accelerator) => ({ ...ACCELERATOR_TAINTS[accelerator], operator: "Equal" }));
}

function podSpec(context: BuildContext, queues: DequeuerInputs, serviceAccountName: pulumi.Input<string>): PodSpec {
  const { spec, host } = context;
  const accelerated = tolerations(spec);

  return {
    serviceAccountName,
    containers: [...userContainers(spec, host), dequeuerContainer(spec, host, queues)],
    volumes: volumes(spec, host.clientConfigMapName),
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_GROUP_LABEL, operator: "In", values: spec.nodeGroups }] }],
        },
      },
    },
    ...(accelerated.length > 0 ? { tolerations: accelerated } : {}),
    // SIGTERM makes the dequeuer finish the request in hand, which may run for maxProcessingSeconds.
    terminationGracePeriodSeconds: spec.maxProcessingSeconds + SHUTDOWN_MARGIN_SECONDS,
    restartPolicy: "Always",
  };
}

export function createDeployment(context: BuildContext, queues: DequeuerInputs, serviceAccountName: pulumi.Input<string>): k8s.apps.v1.Deployment {
  const { spec } = context;
  const pod = podSpec(context, queues, serviceAccountName);

  // NOTE: `replicas` is left unset so that KEDA's HPA owns it. A new Deployment
  // therefore starts one pod, and `pulumi up` waits for it even when minReplicas is 0.
  return createKubernetesChild(context, "deployment", k8s.apps.v1.Deployment, {
    metadata: apiMetadata(context),
    spec: {
      selector: { matchLabels: { "cortex.async/api": spec.name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { ...spec.updateStrategy } },
      template: {
        metadata: {
          labels: apiLabels(spec),
          annotations: { [CHECKSUM_ANNOTATION]: pulumi.output(pod).apply(checksum) },
        },
        spec: pod,
      },
    },
  });
}
