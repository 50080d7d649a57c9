import * as aws from "@pulumi/aws";

import { RESULT_RETENTION_DAYS, StorageLayout } from "../../runtime/shared/storage-layout.js";
import { tlsOnlyBucketPolicy } from "./policies.js";
import { type ClusterScope, createAwsChild } from "./scope.js";

// The bucket holding payloads, statuses, results and the API registry:
// private, encrypted at rest, reachable only over TLS, and emptied of request
// objects after the retention period.

export interface StorageResources {
  readonly bucket: aws.s3.Bucket;
  readonly lifecycle: aws.s3.BucketLifecycleConfiguration;
}

/** Days after which S3 aborts an unfinished multipart upload and frees its parts. */
export const INCOMPLETE_UPLOAD_DAYS = 1;

export function createStorage(scope: ClusterScope, layout: StorageLayout): StorageResources {
  // forceDestroy lets `pulumi destroy` delete a bucket that still contains
  // results, because they expire within RESULT_RETENTION_DAYS anyway.
  const bucket = createAwsChild(scope, aws.s3.Bucket, "bucket", { forceDestroy: true }, scope.transform.bucket);

  const publicAccessBlock = createAwsChild(scope, aws.s3.BucketPublicAccessBlock, "bucket-public-access-block", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });

  // SSE-S3 rather than a KMS key, so the gateway and dequeuers need no kms:* permission.
  createAwsChild(scope, aws.s3.BucketServerSideEncryptionConfiguration, "bucket-encryption", {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });

  // S3 rejects concurrent changes to one bucket's configuration, hence the ordering.
  createAwsChild(
    scope,
    aws.s3.BucketPolicy,
    "bucket-policy",
    { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
    undefined,
    { dependsOn: [publicAccessBlock] },
  );

  // A payload left behind by a request that never finished lies under the same
  // prefix, so the expiry rule removes it too. No separate clean-up runs.
  const lifecycle = createAwsChild(
    scope,
    aws.s3.BucketLifecycleConfiguration,
    "bucket-lifecycle",
    {
      bucket: bucket.id,
      rules: [
        { id: "expire-requests", status: "Enabled", filter: { prefix: layout.apisPrefix() }, expiration: { days: RESULT_RETENTION_DAYS } },
        { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: INCOMPLETE_UPLOAD_DAYS } },
      ],
    },
    scope.transform.bucketLifecycle,
  );

  return { bucket, lifecycle };
}
