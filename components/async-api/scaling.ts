import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { apiMetadata, createAwsChild, createKubernetesChild, type BuildContext } from "./children.js";
import type { AutoscalingSpec } from "./spec.js";

// Autoscaling through a KEDA ScaledObject with the aws-sqs-queue scaler, which
// drives an HPA. How Cortex's autoscaling fields map onto it:
//
// - targetInFlight -> queueLength with scaleOnInFlight: KEDA counts visible
//   plus in-flight messages, which is Cortex's in-flight count, and the HPA
//   aims for targetInFlight of them per replica.
// - up/downscaleStabilizationPeriod -> the HPA's stabilization windows, which
//   take the lowest (up) or highest (down) recommendation in the window, as
//   Cortex did. The downscale period is also KEDA's cooldown before scaling to zero.
// - maxUpscaleFactor / maxDownscaleFactor -> Percent policies per HPA period
//   of 15 s. Cortex bounded each 10 s evaluation, the HPA bounds the change
//   within any 15 s period, so bursts grow a little more slowly than in Cortex.
// - window: not expressible. Neither KEDA nor the HPA averages the metric over
//   a window; the stabilization windows are the only smoothing.
// - upscaleTolerance / downscaleTolerance: not expressible per API. The HPA
//   applies the cluster-wide tolerance of kube-controller-manager
//   (--horizontal-pod-autoscaler-tolerance, 0.1 by default).

/** Seconds between two reads of the queue's attributes by KEDA; Cortex evaluated every 10 s. */
const POLLING_INTERVAL_SECONDS = 10;
/** Period of the HPA scaling policies, the HPA's default sync period. */
const POLICY_PERIOD_SECONDS = 15;
/** Failed reads of the queue after which KEDA runs the fallback replica count. */
const FALLBACK_FAILURE_THRESHOLD = 3;

export interface Scaling {
  scaledObject: k8s.apiextensions.CustomResource;
  kedaPolicy: aws.iam.RolePolicy;
}

/** Converts a factor's change to an HPA Percent policy value, which must be at least 1. */
function percent(change: number): number {
  return Math.max(1, Math.round(change * 100));
}

/** Maps Cortex's scaling factors and periods to the HPA's `behavior`. */
export function scalingBehavior(autoscaling: AutoscalingSpec) {
  return {
    scaleUp: {
      stabilizationWindowSeconds: autoscaling.upscaleStabilizationSeconds,
      policies: [{ type: "Percent", value: percent(autoscaling.maxUpscaleFactor - 1), periodSeconds: POLICY_PERIOD_SECONDS }],
    },
    scaleDown: {
      stabilizationWindowSeconds: autoscaling.downscaleStabilizationSeconds,
      policies: [{ type: "Percent", value: percent(1 - autoscaling.maxDownscaleFactor), periodSeconds: POLICY_PERIOD_SECONDS }],
    },
  };
}

/** Builds the ScaledObject's spec for the Deployment named `deploymentName`. */
export function scaledObjectSpec(context: BuildContext, deploymentName: pulumi.Input<string>, queueUrl: pulumi.Input<string>) {
  const { spec, host } = context;
  const autoscaling = spec.autoscaling;

  return {
    scaleTargetRef: { name: deploymentName },
    pollingInterval: POLLING_INTERVAL_SECONDS,
    cooldownPeriod: autoscaling.downscaleStabilizationSeconds,
    minReplicaCount: autoscaling.minReplicas,
    maxReplicaCount: autoscaling.maxReplicas,
    fallback: { failureThreshold: FALLBACK_FAILURE_THRESHOLD, replicas: autoscaling.fallbackReplicas },
    advanced: { horizontalPodAutoscalerConfig: { behavior: scalingBehavior(autoscaling) } },
    triggers: [
      {
        type: "aws-sqs-queue",
        // KEDA reads every trigger metadata value as a string.
        metadata: {
          queueURL: queueUrl,
          queueLength: String(autoscaling.targetInFlight),
          // One queued request wakes an API that scaled to zero.
          activationQueueLength: "0",
          awsRegion: host.region,
          scaleOnInFlight: "true",
          scaleOnDelayed: "false",
        },
        authenticationRef: { name: host.kedaTriggerAuthentication, kind: "ClusterTriggerAuthentication" },
      },
    ],
  };
}

/** Allows KEDA's operator to read this queue's attributes, and nothing else. */
function kedaQueuePolicy(queueArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadQueueLength", Effect: "Allow", Action: ["sqs:GetQueueAttributes"], Resource: [queueArn] }],
  });
}

export function createScaling(context: BuildContext, deploymentName: pulumi.Input<string>, queue: aws.sqs.Queue): Scaling {
  const kedaPolicy = createAwsChild(context, "kedaPolicy", aws.iam.RolePolicy, {
    role: context.host.kedaOperatorRoleName,
    policy: queue.arn.apply(kedaQueuePolicy),
  });

  // Created after the policy, so KEDA can read the queue's length as soon as the ScaledObject exists.
  const scaledObject = createKubernetesChild(
    context,
    "scaledObject",
    k8s.apiextensions.CustomResource,
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: apiMetadata(context),
      spec: scaledObjectSpec(context, deploymentName, queue.url),
    },
    { dependsOn: [kedaPolicy] },
  );

  return { scaledObject, kedaPolicy };
}
