import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { fileURLToPath } from "node:url";
import path from "node:path";

import { type ClusterScope, createAwsChild, createChild } from "./scope.js";

// The runtime image, holding the gateway and the dequeuer, built from
// runtime/Dockerfile and pushed to an ECR repository of the cluster.

export interface ImageResources {
  readonly repository: aws.ecr.Repository;
  readonly image: dockerBuild.Image;
}

/**
 * Returns the repository root relative to the working directory, where Pulumi
 * runs the program (the folder of Pulumi.yaml). The path is relative, so the
 * recorded build inputs do not change from one checkout folder to another.
 */
export function buildContextPath(): string {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  return path.relative(process.cwd(), root) || ".";
}

export function createRuntimeImage(scope: ClusterScope, version: string): ImageResources & { ref: pulumi.Output<string> } {
  // forceDelete lets `pulumi destroy` remove the repository with its images.
  const repository = createAwsChild(
    scope,
    aws.ecr.Repository,
    "runtime-repository",
    { forceDelete: true, imageScanningConfiguration: { scanOnPush: true } },
    scope.transform.repository,
  );
  const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: scope.parent, provider: scope.awsProvider });

  const context = buildContextPath();
  const image = createChild(
    scope,
    // docker-build builds with the deployer's local Docker, so it takes its default provider.
    undefined,
    dockerBuild.Image,
    "runtime-image",
    {
      context: { location: context },
      dockerfile: { location: path.join(context, "runtime", "Dockerfile") },
      platforms: ["linux/amd64"],
      push: true,
      tags: [pulumi.interpolate`${repository.repositoryUrl}:${version}`],
      registries: [{ address: repository.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) }],
    },
    scope.transform.image,
  );

  // `ref` carries the digest, so a rebuilt image under the same tag still rolls the Deployments.
  return { repository, image, ref: image.ref };
}
